import { hasIndexedEquality, recordCommands } from './page-commands.js';

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

/** Commands that read or change existing documents without an indexed equality (they read the whole collection). */
export function scanning(commands: LoggedCommand[]): LoggedCommand[] {
  return commands.filter((c) => !WITHOUT_FILTER.has(c.name) && !hasIndexedEquality(c));
}

/** The revision checks of copies kept in memory (shared/kept-in-memory.ts): skipped while checked within a second. */
export const isRevisionCheck = (c: LoggedCommand) => c.name === 'find' && c.collection === 'collectionrevisions';

/** One line per command, for messages and reports: `find users {"_id":"…"}`. */
export function describeCommands(commands: LoggedCommand[]): string {
  return commands.map((c, i) => `${String(i + 1).padStart(2)}. ${c.name} ${c.collection} ${c.filter ? JSON.stringify(c.filter).slice(0, 200) : ''}`).join('\n');
}
