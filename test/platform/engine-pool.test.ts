import { expect } from 'chai';
import mongoose, { Schema } from 'mongoose';
import { embeddedTestServer } from '../helpers/global.js';

// FerretDB v1.24 on PostgreSQL holds one connection of its pool of 50 while it takes a second for the write of an
// update: 50 updates at once wait for each other for ever. The embedded engine's address caps a client below that
// (src/db/embedded.ts), so a burst of updates queues in the driver instead.
const counterSchema = new Schema({ _id: String, n: { type: Number, default: 0 } }, { versionKey: false });
const Counter = mongoose.model('EnginePoolProbe', counterSchema, 'enginepoolprobes');

describe('connections to the embedded FerretDB', function () {
  this.timeout(120_000);

  before(function () {
    if (!embeddedTestServer()) this.skip(); // a MongoDB server (TEST_MONGODB_URI) has no such limit
  });
  after(async () => {
    await Counter.collection.drop().catch(() => undefined);
  });

  it('when 200 updates of different documents are sent at once, then every one is answered, over at most 20 connections', async () => {
    expect(new URL(embeddedTestServer()!.uri).searchParams.get('maxPoolSize')).to.equal('20');
    const ids = Array.from({ length: 200 }, (_, i) => `c${i}`);
    const updated = await Promise.all(ids.map((_id) => Counter.findOneAndUpdate({ _id }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' }).lean()));
    expect(updated.map((d) => d!.n)).to.deep.equal(ids.map(() => 1));
    expect(await Counter.countDocuments({ n: 1 })).to.equal(200);
  });
});
