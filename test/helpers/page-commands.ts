import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { settleBackgroundWork } from '../../src/shared/process-caches.js';

/**
 * The database commands one page request issues, read from the driver's command monitoring (`commandStarted`) on the
 * app's own connection against the test's real database: a regression guard on what a page asks the engine, not a
 * timing. FerretDB v1 pushes only top-level equality filters into SQL (docs/database.md), so a page's commands are
 * checked for one: an equality on `_id` or on a field the collection declares an index on.
 */

export interface PageCommand {
  name: string;
  collection: string;
  filter?: Record<string, unknown>;
  sort?: Record<string, unknown>;
  limit?: number;
  skip?: number;
  /** An aggregation's pipeline (its first $match is taken as the filter). */
  pipeline?: Record<string, unknown>[];
}

/** Commands that are not reads or writes of the app's data (the driver's own traffic, sessions' ends). */
const IGNORED = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'endSessions', 'saslStart', 'saslContinue', 'buildInfo', 'getMore', 'killCursors']);

/** The test run's connection reports commands (test/helpers/global.ts connects with `monitorCommands`). */
function monitoredClient() {
  const client = mongoose.connection.getClient();
  if (!(client as unknown as { options: { monitorCommands?: boolean } }).options.monitorCommands) {
    throw new Error('the database connection does not report its commands: connect with monitorCommands (test/helpers/global.ts)');
  }
  return client;
}

function commandOf(e: CommandStartedEvent): PageCommand {
  const cmd = e.command as Record<string, unknown>;
  const out: PageCommand = { name: e.commandName, collection: String(cmd[e.commandName] ?? '') };
  const first = (list: unknown) => (Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined) : undefined);
  let filter = (cmd.filter ?? cmd.query) as Record<string, unknown> | undefined;
  if (e.commandName === 'update') filter = first(cmd.updates)?.q as Record<string, unknown> | undefined;
  if (e.commandName === 'delete') filter = first(cmd.deletes)?.q as Record<string, unknown> | undefined;
  if (e.commandName === 'aggregate') {
    out.pipeline = cmd.pipeline as Record<string, unknown>[];
    filter = first(cmd.pipeline)?.$match as Record<string, unknown> | undefined;
  }
  if (e.commandName === 'findAndModify') filter = cmd.query as Record<string, unknown> | undefined;
  if (filter) out.filter = filter;
  if (cmd.sort) out.sort = cmd.sort as Record<string, unknown>;
  if (typeof cmd.limit === 'number') out.limit = cmd.limit;
  if (typeof cmd.skip === 'number') out.skip = cmd.skip;
  return out;
}

/**
 * Runs `request` and answers the commands issued while it ran. Background work of earlier requests is settled before,
 * and the request's own (e.g. an audit entry numbered after the answer) after: it is counted as the request's.
 */
export function commandsOf<T>(request: () => PromiseLike<T>): Promise<{ result: T; commands: PageCommand[] }> {
  return recordCommands(request, (name) => !IGNORED.has(name));
}

/** The same, keeping the commands whose name `keep` accepts (test/helpers/command-log.ts keeps every one). */
export async function recordCommands<T>(request: () => PromiseLike<T>, keep: (name: string) => boolean): Promise<{ result: T; commands: PageCommand[] }> {
  const client = monitoredClient();
  await settleBackgroundWork();
  const commands: PageCommand[] = [];
  const listener = (e: CommandStartedEvent) => {
    if (keep(e.commandName)) commands.push(commandOf(e));
  };
  client.on('commandStarted', listener);
  try {
    const result = await request();
    await settleBackgroundWork();
    return { result, commands };
  } finally {
    client.off('commandStarted', listener);
  }
}

/** The top-level fields of the indexes declared by the collection's models (what the engine's GIN index covers), and `_id`. */
export function indexedFieldsOf(collection: string): Set<string> {
  const fields = new Set<string>(['_id']);
  for (const model of Object.values(mongoose.models)) {
    if (model.collection.collectionName !== collection) continue;
    for (const [keys] of model.schema.indexes()) for (const key of Object.keys(keys)) if (!key.includes('.')) fields.add(key);
  }
  return fields;
}

/**
 * A value FerretDB v1.24's PostgreSQL backend compares in SQL (`prepareWhereClause`/`filterEqual` in
 * internal/backends/postgresql/query.go): strings, numbers, booleans, dates, ObjectIds — not null, arrays or documents.
 */
const isPushedScalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v) || v instanceof Date || v instanceof mongoose.mongo.ObjectId;
const isPushedEquality = (v: unknown) => isPushedScalar(v) || (typeof v === 'object' && v !== null && '$eq' in v && isPushedScalar((v as { $eq: unknown }).$eq));

/**
 * Whether a filter has a top-level equality the engine pushes down (`{f: v}` or `{f: {$eq: v}}`) on `_id` or an indexed
 * field: the engine then decodes only the matching rows, whatever else the filter holds (a `version` guard,
 * connect-mongo's expiry `$or`). `$in`, ranges, `$or`, null or dotted paths alone scan.
 */
export function hasIndexedEquality(c: Pick<PageCommand, 'collection' | 'filter'>): boolean {
  if (!c.filter) return false;
  const indexed = indexedFieldsOf(c.collection);
  return Object.entries(c.filter).some(([k, v]) => indexed.has(k) && isPushedEquality(v));
}

/** Commands that read or write without such an equality: the engine scans and decodes the whole collection for them. */
export function unselective(commands: readonly PageCommand[]): PageCommand[] {
  return commands.filter((c) => !hasIndexedEquality(c));
}

/** One line per command, for a failure message or a report. */
export function describeCommands(commands: readonly PageCommand[]): string {
  return commands
    .map((c) => {
      const parts = [c.name, c.collection, c.filter ? JSON.stringify(c.filter) : '{}'];
      if (c.pipeline) parts.push(`pipeline=${JSON.stringify(c.pipeline)}`);
      if (c.sort) parts.push(`sort=${JSON.stringify(c.sort)}`);
      if (c.limit != null) parts.push(`limit=${c.limit}`);
      if (c.skip != null) parts.push(`skip=${c.skip}`);
      return parts.join(' ');
    })
    .join('\n');
}
