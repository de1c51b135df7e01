import { expect } from 'chai';
import mongoose from 'mongoose';
import { serverIsFerretDB } from '../helpers/server-kind.js';

// Pins the FerretDB v1.24.2 behaviours our queries are written around (docs/database.md), so that an
// upgrade that changes them shows up here first. They describe FerretDB, so they run only against it.
describe('the embedded database behaves as docs/database.md says', () => {
  before(async function () {
    if (!(await serverIsFerretDB())) this.skip();
  });
  const collection = () => mongoose.connection.db!.collection('ferretdb_behaviour');
  beforeEach(async () => {
    await collection().deleteMany({});
    await collection().insertMany([
      { k: 'x', a: 2, flag: 1 },
      { k: 'x', a: 3, flag: 0 },
      { k: 'y', a: 1, flag: 1 },
    ]);
  });

  it('computes a single $sum per $group correctly, with a 0/1 flag in the key', async () => {
    const rows = await collection()
      .aggregate([{ $group: { _id: { k: '$k', flag: '$flag' }, a: { $sum: '$a' } } }, { $sort: { '_id.k': 1, '_id.flag': 1 } }])
      .toArray();
    expect(rows).to.deep.equal([
      { _id: { k: 'x', flag: 0 }, a: 3 },
      { _id: { k: 'x', flag: 1 }, a: 2 },
      { _id: { k: 'y', flag: 1 }, a: 1 },
    ]);
  });

  it('drops every accumulator after the first in one $group (FerretDB issue #4616)', async () => {
    const rows = await collection().aggregate([{ $group: { _id: '$k', n: { $sum: 1 }, a: { $sum: '$a' } } }, { $sort: { _id: 1 } }]).toArray();
    expect(rows.map((r) => r.n)).to.deep.equal([2, 1]);
    expect(rows.map((r) => r.a), 'second accumulator').to.deep.equal([0, 0]);
  });
  it('keeps only _id and the unwound field after $unwind, so a later $group cannot use other fields', async () => {
    const c = mongoose.connection.db!.collection('ferretdb_unwind');
    await c.deleteMany({});
    await c.insertMany([{ staffId: 's1', results: [{ code: 'X1' }, { code: 'X2' }] }, { staffId: 's2', results: [{ code: 'X1' }] }]);
    const rows = await c.aggregate([{ $unwind: '$results' }, { $group: { _id: { staffId: '$staffId', code: '$results.code' }, n: { $sum: 1 } } }, { $sort: { '_id.code': 1 } }]).toArray();
    expect(rows).to.deep.equal([
      { _id: { code: 'X1' }, n: 2 },
      { _id: { code: 'X2' }, n: 1 },
    ]);
  });
});
