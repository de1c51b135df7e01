import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import pg from 'pg';

/**
 * Indexes that let PostgreSQL answer the filters FerretDB v1.24.2 pushes down to it.
 *
 * FerretDB's postgresql handler turns a top-level equality (`{unitId: x}`) into `_jsonb -> 'unitId' @> '"x"'`, and
 * the indexes it creates for `createIndexes` are btree indexes on `_jsonb -> 'field'`, which `@>` cannot use — so
 * without these every query, `_id` look-ups included, is a sequential scan. One GIN index per field — `_id` and every
 * top-level field of the model's declared (MongoDB) indexes — serves its equality, two of them together by a bitmap
 * AND. Single-column, not one multicolumn index per table: the planner costs a large multicolumn GIN index above a
 * sequential scan of a table whose documents are stored out of line (TOAST) — it does not count opening every
 * document — and chose the scan: an `_id` look-up in 3,600 evaluations took 94–225 ms against 0.06 ms. Without a
 * pending list (`fastupdate = off`): new entries go straight into the index (a little more work per insert), since the
 * planner costs a pending list of recent inserts high enough to scan again.
 *
 * FerretDB knows nothing of these indexes: it lists, creates and drops only its own (kept in its metadata table),
 * and dropping or renaming a collection takes the table's indexes with it. So they are re-checked at every start,
 * and rebuilt when a model's declared fields change (the index name carries a hash of its fields).
 */

const PREFIX = 'cb_eq_';

export interface PostgresConnection {
  socketDir: string;
  user: string;
  database: string;
}

export function equalityFieldsOf(model: mongoose.Model<unknown>): string[] {
  const fields = new Set<string>(['_id']);
  for (const [keys] of model.schema.indexes()) {
    // Nested paths are never pushed down by FerretDB v1 (its nested pushdown is off), so they gain nothing here.
    for (const key of Object.keys(keys)) if (!key.includes('.')) fields.add(key);
  }
  return [...fields].sort();
}

/** Part of every name: a new value rebuilds the indexes made under the old one (2: one per field, no pending list). */
const SHAPE = '2';

export function indexNameFor(table: string, field: string): string {
  const hash = crypto.createHash('sha1').update(`${SHAPE}\0${table}\0${field}`).digest('hex').slice(0, 16);
  return `${PREFIX}${hash}`;
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Creates the missing GIN indexes (and drops stale ones) for every model's collection; returns the tables changed. */
export async function ensureEngineIndexes(
  connection: PostgresConnection,
  dbName: string,
  models: mongoose.Model<unknown>[],
): Promise<string[]> {
  const client = new pg.Client({ host: connection.socketDir, user: connection.user, database: connection.database });
  await client.connect();
  try {
    const schema = quoteIdent(dbName);
    const { rows: meta } = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${schema}._ferretdb_database_metadata`]);
    if (!meta[0]?.t) return []; // FerretDB has not created the database yet: no tables to index
    const { rows: tables } = await client.query<{ coll: string; tbl: string }>(
      `SELECT _jsonb->>'_id' AS coll, _jsonb->>'table' AS tbl FROM ${schema}._ferretdb_database_metadata`,
    );
    const tableOf = new Map(tables.map((t) => [t.coll, t.tbl]));
    const changed: string[] = [];
    for (const model of models) {
      const table = tableOf.get(model.collection.collectionName);
      if (!table) continue; // FerretDB makes the table on the first write; the next start indexes it
      const wanted = new Map(equalityFieldsOf(model).map((field) => [indexNameFor(table, field), field]));
      const { rows: existing } = await client.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexname LIKE $3`,
        [dbName, table, `${PREFIX}%`],
      );
      const present = new Set(existing.map((i) => i.indexname));
      const missing = [...wanted.entries()].filter(([name]) => !present.has(name));
      const stale = existing.filter((i) => !wanted.has(i.indexname));
      if (!missing.length && !stale.length) continue;
      for (const [name, field] of missing) {
        await client.query(`CREATE INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${schema}.${quoteIdent(table)} USING gin ((_jsonb -> ${quoteLiteral(field)})) WITH (fastupdate = off)`);
      }
      for (const s of stale) await client.query(`DROP INDEX IF EXISTS ${schema}.${quoteIdent(s.indexname)}`);
      await client.query(`ANALYZE ${schema}.${quoteIdent(table)}`);
      changed.push(model.collection.collectionName);
    }
    return changed;
  } finally {
    await client.end();
  }
}
