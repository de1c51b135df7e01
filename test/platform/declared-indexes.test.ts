import { expect } from 'chai';
import mongoose, { Schema } from 'mongoose';
import { ensureIndexes } from '../../src/db/connection.js';
import { embeddedTestServer } from '../helpers/global.js';

// FerretDB v1.24 answers no query from its own indexes (SQLite filters `_id` alone in SQL; PostgreSQL filters with
// `@>`, which its btree indexes cannot serve), so on the embedded engine only the indexes that enforce something are
// built: the rest would be rewritten by every write for nothing (src/db/connection.ts).
const probeSchema = new Schema({ code: String, unitId: String, year: Number });
probeSchema.index({ code: 1, year: 1 }, { unique: true });
probeSchema.index({ unitId: 1, year: 1 });
const Probe = mongoose.model('DeclaredIndexProbe', probeSchema, 'declaredindexprobes');
const plainSchema = new Schema({ unitId: String });
plainSchema.index({ unitId: 1 });
const Plain = mongoose.model('DeclaredIndexPlainProbe', plainSchema, 'declaredindexplainprobes');

const indexNames = async () => (await Probe.collection.listIndexes().toArray()).map((i) => String(i.name)).sort();

describe('declared indexes on the embedded FerretDB', function () {
  this.timeout(120_000);

  before(function () {
    if (!embeddedTestServer()) this.skip(); // on MongoDB (TEST_MONGODB_URI) every declared index is built
  });
  after(async () => {
    await Probe.collection.drop().catch(() => undefined);
    await Plain.collection.drop().catch(() => undefined);
  });

  it('when the app starts on a database without the collection of a model that has no unique index, then its collection is made at that start, with no index but `_id` (made only by a first write, its table would get its engine indexes one start later)', async () => {
    await Plain.collection.drop().catch(() => undefined);
    await ensureIndexes(embeddedTestServer()!);
    const names = (await mongoose.connection.db!.listCollections({ name: 'declaredindexplainprobes' }).toArray()).map((c) => c.name);
    expect(names).to.deep.equal(['declaredindexplainprobes']);
    expect((await Plain.collection.listIndexes().toArray()).map((i) => String(i.name))).to.deep.equal(['_id_']);
  });

  it('when the app starts, then a unique declared index is built and a non-unique one is not, and a non-unique index left by an earlier version is dropped', async () => {
    await Probe.create({ code: 'A', unitId: 'u1', year: 2026 });
    await Probe.collection.createIndex({ unitId: 1, year: 1 }, { name: 'unitId_1_year_1' }); // as an earlier version built it
    expect(await indexNames()).to.include('unitId_1_year_1');

    await ensureIndexes(embeddedTestServer()!);

    expect(await indexNames()).to.deep.equal(['_id_', 'code_1_year_1']);
  });

  it('when a second document repeats the unique fields, then the write is refused (the constraint holds)', async () => {
    await ensureIndexes(embeddedTestServer()!);
    await Probe.deleteMany({});
    await Probe.create({ code: 'A', unitId: 'u1', year: 2026 });
    let refused: unknown = null;
    await Probe.create({ code: 'A', unitId: 'u2', year: 2026 }).catch((e: unknown) => (refused = e));
    expect((refused as { code?: number } | null)?.code).to.equal(11000);
    expect(await Probe.countDocuments({ code: 'A' })).to.equal(1);
  });
});
