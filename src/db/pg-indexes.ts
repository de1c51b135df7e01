import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import pg from 'pg';

/**
 * Indexes that let PostgreSQL answer the filters FerretDB v1.24.2 pushes down to it.
 *
 * FerretDB's postgresql handler turns a top-level equality (`{unitId: x}`) into `_jsonb -> 'unitId' @> '"x"'`, and
 * the indexes it creates for `createIndexes` are btree indexes on `_jsonb -> 'field'`, which `@>` cannot use — so
 * without these every query, `_id` look-ups included, is a sequential scan. One multicolumn GIN index per table over
 * `_id` and every top-level field of the model's declared (MongoDB) indexes serves any subset of those equalities.
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

export function indexNameFor(table: string, fields: string[]): string {
  const hash = crypto.createHash('sha1').update(`${table}\0${fields.join('\0')}`).digest('hex').slice(0, 16);
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
      const fields = equalityFieldsOf(model);
      const wanted = indexNameFor(table, fields);
      const { rows: existing } = await client.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexname LIKE $3`,
        [dbName, table, `${PREFIX}%`],
      );
      if (existing.some((i) => i.indexname === wanted)) continue;
      const columns = fields.map((f) => `(_jsonb -> ${quoteLiteral(f)})`).join(', ');
      await client.query(`CREATE INDEX IF NOT EXISTS ${quoteIdent(wanted)} ON ${schema}.${quoteIdent(table)} USING gin (${columns})`);
      for (const stale of existing) await client.query(`DROP INDEX IF EXISTS ${schema}.${quoteIdent(stale.indexname)}`);
      await client.query(`ANALYZE ${schema}.${quoteIdent(table)}`);
      changed.push(model.collection.collectionName);
    }
    return changed;
  } finally {
    await client.end();
  }
}
