import { KeyedSerialQueue } from '../shared/serial.js';

/**
 * Writes to one document run one at a time in this process. FerretDB v1 runs an update as a read of the document and
 * a write of all of it (its issue #3040), so two updates of one document at once can both match the same version
 * guard, and the later write drops the earlier one's change; MongoDB matches and writes atomically and loses nothing
 * by the wait. The app runs as one process per database, so this makes every guarded write exact on both engines.
 * Every writer of a document that can change while people work on it (cases, evaluations) goes through here.
 */
const writes = new KeyedSerialQueue();

export function oneWriterPerDocument<T>(model: { collection: { collectionName: string } }, id: { toString(): string }, write: () => Promise<T>): Promise<T> {
  return writes.run(`${model.collection.collectionName}:${id.toString()}`, write);
}
