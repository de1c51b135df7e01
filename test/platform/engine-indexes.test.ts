import { expect } from 'chai';
import mongoose, { Schema } from 'mongoose';
import pg from 'pg';
import { ensureIndexes } from '../../src/db/connection.js';
import { equalityFieldsOf } from '../../src/db/pg-indexes.js';
import { embeddedTestServer } from '../helpers/global.js';
import { TEST_DB_NAME } from '../helpers/database-name.js';

// The GIN indexes the app adds to FerretDB's PostgreSQL tables (src/db/pg-indexes.ts): used by the queries FerretDB
// sends, invisible to FerretDB's own index commands, and rebuilt when FerretDB drops the table under them.
const probeSchema = new Schema({ unitId: String, kind: String, n: Number, nested: { code: String }, note: String });
probeSchema.index({ unitId: 1, kind: 1 });
probeSchema.index({ 'nested.code': 1 });
const Probe = mongoose.model('EngineIndexProbe', probeSchema, 'engineindexprobes');

describe('engine indexes on the embedded PostgreSQL backend', function () {
  this.timeout(120_000);
  let client: pg.Client;
  const server = () => embeddedTestServer()!;

  before(async function () {
    if (!embeddedTestServer()?.postgres) this.skip(); // only the embedded PostgreSQL backend has them
    const { socketDir, user, database } = server().postgres!;
    client = new pg.Client({ host: socketDir, user, database });
    await client.connect();
  });
  after(async () => {
    await client?.end();
    await mongoose.connection.db!.collection('engineindexprobes').drop().catch(() => undefined);
  });

  const tableOf = async (collection: string) =>
    (await client.query(`SELECT _jsonb->>'table' AS t FROM ${TEST_DB_NAME}._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`, [collection])).rows[0]?.t as string;
  const ourIndexes = async (table: string) =>
    (await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = '${TEST_DB_NAME}' AND tablename = $1 AND indexname LIKE 'cb_eq_%' ORDER BY indexname`, [table])).rows as { indexname: string; indexdef: string }[];
  const planOf = async (filter: object) => JSON.stringify((await Probe.find(filter).explain()) as object);

  it('covers _id and the top-level fields of every declared index, not nested paths', () => {
    expect(equalityFieldsOf(Probe as mongoose.Model<unknown>)).to.deep.equal(['_id', 'kind', 'unitId']);
  });

  it('when the app starts, then every collection of every model has one GIN index per field, each over that field alone, without a pending list of new entries', async () => {
    await ensureIndexes(server());
    for (const model of Object.values(mongoose.models)) {
      const indexes = await ourIndexes(await tableOf(model.collection.collectionName));
      const fields = equalityFieldsOf(model as mongoose.Model<unknown>);
      expect(indexes, model.collection.collectionName).to.have.length(fields.length);
      for (const index of indexes) expect(index.indexdef).to.match(/USING gin \(\(\(_jsonb -> '[^']+'::text\)\)\) WITH \(fastupdate='?off'?\)$/);
      expect(indexes.map((i) => /_jsonb -> '([^']+)'/.exec(i.indexdef)![1]).sort(), model.collection.collectionName).to.deep.equal(fields);
    }
  });

  it('when the documents are large enough to be stored out of line, then an _id look-up still uses its GIN index (the planner chose a scan of a multicolumn one)', async () => {
    await Probe.deleteMany({});
    const note = () => Array.from({ length: 250 }, () => Math.random().toString(36).slice(2, 14)).join(' ');
    await Probe.insertMany(Array.from({ length: 3000 }, (_, i) => ({ unitId: `u${i % 300}`, kind: i % 2 ? 'a' : 'b', n: i, note: note() })));
    await client.query(`ANALYZE ${TEST_DB_NAME}.${JSON.stringify(await tableOf('engineindexprobes'))}`);
    const one = await Probe.findOne({ n: 1234 }).lean();
    expect(await planOf({ _id: one!._id })).to.contain('Bitmap Index Scan').and.contain('cb_eq_');
    expect(await planOf({ unitId: 'u7' })).to.contain('Bitmap Index Scan').and.contain('cb_eq_');
  });

  it('when FerretDB filters on a declared field or _id, then PostgreSQL answers from the GIN index and returns the same documents', async () => {
    await Probe.deleteMany({});
    await Probe.insertMany(Array.from({ length: 4000 }, (_, i) => ({ unitId: `u${i % 400}`, kind: i % 2 ? 'a' : 'b', n: i })));
    await client.query(`ANALYZE ${TEST_DB_NAME}.${JSON.stringify(await tableOf('engineindexprobes'))}`);

    expect(await planOf({ unitId: 'u7' })).to.contain('Bitmap Index Scan').and.contain('cb_eq_');
    expect(await planOf({ unitId: 'u7', kind: 'a' })).to.contain('cb_eq_');
    const one = await Probe.findOne({ n: 1234 }).lean();
    expect(await planOf({ _id: one!._id })).to.contain('cb_eq_');
    const found = await Probe.find({ unitId: 'u7', kind: 'a' }).sort({ n: 1 }).lean();
    expect(found.map((d) => d.n)).to.deep.equal([7, 407, 807, 1207, 1607, 2007, 2407, 2807, 3207, 3607]);
  });

  it("when FerretDB's own createIndex and dropIndexes run, then they neither list nor drop the GIN index", async () => {
    const table = await tableOf('engineindexprobes');
    const before = await ourIndexes(table);
    await Probe.collection.createIndex({ n: 1 }, { name: 'n_1' });
    const listed = (await Probe.collection.listIndexes().toArray()).map((i) => i.name);
    expect(listed).to.include('n_1').and.not.satisfy((names: string[]) => names.some((n) => n.startsWith('cb_eq_')));
    await Probe.collection.dropIndexes();
    expect(await ourIndexes(table)).to.deep.equal(before);
    expect(await Probe.countDocuments({ unitId: 'u7' })).to.equal(10);
  });

  it('when FerretDB drops the collection, then the next start indexes the new table again', async () => {
    await Probe.collection.drop();
    await Probe.create({ unitId: 'u1', kind: 'a', n: 1 });
    const table = await tableOf('engineindexprobes');
    expect(await ourIndexes(table)).to.have.length(0);
    await ensureIndexes(server());
    expect(await ourIndexes(table)).to.have.length(equalityFieldsOf(Probe as mongoose.Model<unknown>).length);
    expect(await Probe.countDocuments({ unitId: 'u1' })).to.equal(1);
  });
});
