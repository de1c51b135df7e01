import mongoose from 'mongoose';
import { recordCommands } from './page-commands.js';

/**
 * The database commands one piece of work issues (a request through supertest, a service call), as the driver sends
 * them to the real test server: name, collection and filter. Needs the connection opened with `monitorCommands: true`
 * (test/helpers/global.ts does). Used to pin how many round trips a request makes, and that none scans a collection.
 */
export interface LoggedCommand {
  name: string;
  collection: string;
  /** The first filter of the command (find/count/delete/update/findAndModify/aggregate's first `$match`), if any. */
  filter: Record<string, unknown> | undefined;
}

/** Commands that carry no filter by nature (writes of new documents, cursor paging, session plumbing). */
const WITHOUT_FILTER = new Set(['insert', 'getMore', 'killCursors', 'endSessions', 'ping', 'hello', 'isMaster', 'ismaster', 'buildInfo', 'createIndexes']);

/**
 * Runs `work` and returns what it awaited plus every command started meanwhile (and by background work it left),
 * recorded as the page-command helper records them, none left out.
 */
export async function commandsOf<T>(work: () => Promise<T>): Promise<{ result: T; commands: LoggedCommand[] }> {
  const { result, commands } = await recordCommands(work, () => true);
  return { result, commands: commands.map((c) => ({ name: c.name, collection: c.collection, filter: c.filter })) };
}

/** A scalar FerretDB's PostgreSQL backend compares in SQL (strings, numbers, booleans, dates, ObjectIds). */
function isPushedScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date || v instanceof mongoose.mongo.ObjectId;
}

/** `_id` and the top-level fields of the indexes the collection's model declares (what the engine indexes serve). */
function indexedFields(collection: string): Set<string> {
  const fields = new Set(['_id']);
  for (const model of Object.values(mongoose.models)) {
    if (model.collection.collectionName !== collection) continue;
    for (const [keys] of model.schema.indexes()) for (const k of Object.keys(keys)) if (!k.includes('.')) fields.add(k);
  }
  return fields;
}

/**
 * True when the filter has an equality on an indexed top-level field that the PostgreSQL backend of FerretDB pushes
 * down (`{_id: …}`, `{staffId: …, periodKey: …}`): the engine then decodes only the matching rows, whatever else the
 * filter holds (a `version` guard, connect-mongo's expiry `$or`). `$in`, ranges, `$or` or dotted paths alone scan.
 */
export function hasIndexedEquality(collection: string, filter: Record<string, unknown>): boolean {
  const indexed = indexedFields(collection);
  return Object.entries(filter).some(([k, v]) => indexed.has(k) && isPushedScalar(v));
}

/** Commands that read or change existing documents without such an equality (they read the whole collection). */
export function scanning(commands: LoggedCommand[]): LoggedCommand[] {
  return commands.filter((c) => !WITHOUT_FILTER.has(c.name) && !(c.filter && hasIndexedEquality(c.collection, c.filter)));
}

/** The revision checks of copies kept in memory (shared/kept-in-memory.ts): skipped while checked within a second. */
export const isRevisionCheck = (c: LoggedCommand) => c.name === 'find' && c.collection === 'collectionrevisions';

/** One line per command, for messages and reports: `find users {"_id":"…"}`. */
export function describeCommands(commands: LoggedCommand[]): string {
  return commands.map((c, i) => `${String(i + 1).padStart(2)}. ${c.name} ${c.collection} ${c.filter ? JSON.stringify(c.filter).slice(0, 200) : ''}`).join('\n');
}
