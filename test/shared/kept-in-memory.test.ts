import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import mongoose from 'mongoose';
import { keptByKey, readRevision, replaceRevision, watchWrites } from '../../src/shared/kept-in-memory.js';

describe('revisions of what processes keep in memory', () => {
  beforeEach(clearDatabase);

  it('when many writers replace a revision that does not exist yet at once, then every write succeeds and the revision is set', async () => {
    expect(await readRevision('race')).to.equal(null);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => replaceRevision('race')));
    expect(results.filter((r) => r.status === 'rejected')).to.deep.equal([]);
    expect(await readRevision('race')).to.be.a('string');
  });

  it('when a revision is replaced, then it reads as a value never seen before', async () => {
    await replaceRevision('changes');
    const first = await readRevision('changes');
    await replaceRevision('changes');
    expect(await readRevision('changes')).to.be.a('string').and.not.equal(first);
  });
});

describe('reads kept in memory by key', () => {
  beforeEach(clearDatabase);

  const schema = new mongoose.Schema({ name: String }, { versionKey: false });
  const writes = watchWrites(schema, 'keptByIdTest');
  const Things = mongoose.model('KeptByIdThing', schema, 'keptbyidthings');

  it('when the same documents are asked for again and nothing changed, then they are not read again, and they cannot be changed in place', async () => {
    const [a, b] = await Things.create([{ name: 'a' }, { name: 'b' }]);
    let loads = 0;
    const kept = keptByKey<{ name: string }>(writes, 60_000);
    const thing = (id: string) => kept(id, async () => { loads++; return Things.findById(id).lean<{ name: string }>(); });
    expect((await thing(String(a!._id)))?.name).to.equal('a');
    expect((await thing(String(b!._id)))?.name).to.equal('b');
    expect((await thing(String(a!._id)))?.name).to.equal('a');
    expect(loads).to.equal(2);
    const held = (await thing(String(a!._id)))!;
    expect(() => Object.assign(held, { name: 'changed' })).to.throw(TypeError);
  });

  it('when this process writes to the collection, then the next read shows the change', async () => {
    const [a] = await Things.create([{ name: 'before' }]);
    const kept = keptByKey<{ name: string }>(writes, 60_000);
    const thing = (id: string) => kept(id, () => Things.findById(id).lean<{ name: string }>().exec());
    expect((await thing(String(a!._id)))?.name).to.equal('before');
    await Things.updateOne({ _id: a!._id }, { $set: { name: 'after' } });
    expect((await thing(String(a!._id)))?.name).to.equal('after');
  });

  it('when another process changed the collection, then the change is seen once the recheck delay has passed', async () => {
    const [a] = await Things.create([{ name: 'before' }]);
    const kept = keptByKey<{ name: string }>(writes, 0);
    const thing = (id: string) => kept(id, () => Things.findById(id).lean<{ name: string }>().exec());
    expect((await thing(String(a!._id)))?.name).to.equal('before');
    // Another process: a raw write that this process's models do not see, then that process's new revision.
    await Things.collection.updateOne({ _id: a!._id }, { $set: { name: 'after' } });
    await replaceRevision('keptByIdTest');
    expect((await thing(String(a!._id)))?.name).to.equal('after');
  });
});

describe('writes that no kept read shows', () => {
  beforeEach(clearDatabase);

  const schema = new mongoose.Schema({ name: String, seenAt: Date, visits: Number }, { versionKey: false, timestamps: true });
  watchWrites(schema, 'unseenFieldsTest', { unseenFields: ['seenAt', 'visits', 'updatedAt'] });
  const Visits = mongoose.model('UnseenFieldsThing', schema, 'unseenfieldsthings');

  it('when an update changes only unseen fields, then the revision stays; when it changes another field too, upserts or deletes, then it is renewed', async () => {
    const [a] = await Visits.create([{ name: 'a', visits: 0 }]);
    const created = await readRevision('unseenFieldsTest');
    await Visits.updateOne({ _id: a!._id }, { $set: { seenAt: new Date() }, $inc: { visits: 1 } });
    await Visits.updateMany({}, { seenAt: null });
    expect(await readRevision('unseenFieldsTest')).to.equal(created);
    await Visits.updateOne({ _id: a!._id }, { $set: { name: 'b', seenAt: new Date() } });
    const renamed = await readRevision('unseenFieldsTest');
    expect(renamed).to.be.a('string').and.not.equal(created);
    await Visits.updateOne({ _id: new mongoose.Types.ObjectId() }, { $set: { seenAt: new Date() } }, { upsert: true, timestamps: false });
    const upserted = await readRevision('unseenFieldsTest');
    expect(upserted).to.be.a('string').and.not.equal(renamed);
    await Visits.deleteOne({ _id: a!._id });
    expect(await readRevision('unseenFieldsTest')).to.not.equal(upserted);
  });
});
