import mongoose, { type Query, type Schema, type UpdateQuery, type UpdateWithAggregationPipeline } from 'mongoose';
import { upserting } from '../db/errors.js';
import { rememberedAcrossRequests } from './process-caches.js';
import { memoisedPerRequest } from './request-memo.js';

/**
 * A small collection read by many pages (the unit tree, the staff directory) kept in each process's memory and read
 * again only when it changed: every write through its model sets a new revision token (model middleware, so
 * services, the seed and test factories alike; only raw driver writes escape it), and a reader compares the token
 * with one `_id` look-up.
 */

const revisionSchema = new mongoose.Schema({ _id: { type: String, required: true }, token: { type: String, required: true } }, { versionKey: false });
const RevisionModel = mongoose.model('CollectionRevision', revisionSchema, 'collectionrevisions');

/**
 * Gives the named revision a fresh random value. Random rather than `$inc`: two writers racing on the embedded engine
 * (which can lose one of two increments) still leave a value no reader saw before their writes. Read models other
 * than whole collections (per-province statistics, early-warning breaches) use the same revisions.
 */
export async function replaceRevision(name: string): Promise<void> {
  const set = { $set: { token: new mongoose.Types.ObjectId().toHexString() } };
  await upserting((upsert) => RevisionModel.updateOne({ _id: name }, set, { upsert }));
}

/** The named revision's value, or null when none was ever set (one `_id` look-up). */
export async function readRevision(name: string): Promise<string | null> {
  return (await RevisionModel.findById(name).lean())?.token ?? null;
}

/** Tells apart the per-request memo of each kept copy (two may watch the same collection). */
let instances = 0;

export interface WatchedCollection {
  readonly name: string;
  /** This process's writes so far (counted once their token is written), so its own readers never wait. */
  readonly localWrites: number;
  bump(): Promise<void>;
}

/** A revision renewed by hand (`bump`) when what it covers changes: a read model rather than a collection's writes. */
export function watchedRevision(name: string): WatchedCollection {
  const watched = {
    name,
    localWrites: 0,
    async bump() {
      await replaceRevision(name);
      watched.localWrites++;
    },
  };
  return watched;
}

export interface WatchOptions {
  /** A document saved that no kept read shows (a rating without a comment) leaves the revision as it is. */
  savedMatters?: (doc: Record<string, unknown>) => boolean;
  /** Fields no kept read shows (an account's login bookkeeping): an update that changes only these leaves the revision as it is. */
  unseenFields?: readonly string[];
}

/** Call on the schema before its model is compiled; every write other than those `options` leave out renews the revision. */
export function watchWrites(schema: Schema, name: string, options: WatchOptions = {}): WatchedCollection {
  const watched = watchedRevision(name);
  const bump = () => watched.bump();
  const { savedMatters } = options;
  const unseen = new Set(options.unseenFields ?? []);
  schema.post('save', (doc: Record<string, unknown>) => (!savedMatters || savedMatters(doc) ? bump() : undefined));
  schema.post('insertMany', bump);
  schema.post('bulkWrite', bump);
  schema.post(['updateOne', 'updateMany', 'findOneAndUpdate'], function (this: Query<unknown, unknown>) {
    // An upsert may have created a document: always a change.
    return !this.getOptions().upsert && changesOnly(this.getUpdate(), unseen) ? undefined : bump();
  });
  schema.post(['deleteOne', 'deleteMany', 'findOneAndDelete', 'replaceOne'], bump);
  return watched;
}

/** Whether an update (as mongoose cast it: operators, or bare fields it sets) touches only the given fields. */
function changesOnly(update: UpdateQuery<unknown> | UpdateWithAggregationPipeline | null, fields: ReadonlySet<string>): boolean {
  if (!fields.size || !update || Array.isArray(update)) return false;
  const touched = Object.entries(update).flatMap(([key, value]) => (key.startsWith('$') ? Object.keys(value ?? {}) : [key]));
  return touched.length > 0 && touched.every((field) => fields.has(field));
}

/**
 * The kept copy, the same one for the rest of the request once asked (so a page sees one state); `unmemoised` asks
 * without fixing it for the request (the same checks), for what runs at the start of every request — the signed-in
 * account's grants — and must not hold an older copy for a request that changes the collection afterwards.
 */
export type KeptInMemory<T> = (() => Promise<T>) & { unmemoised: () => Promise<T> };

/**
 * What `load` makes of the collection, remembered while its revision stays the same. A copy checked less than
 * `recheckMs` ago is trusted without asking (this process's own writes are seen at once; another process's within
 * that delay). Concurrent readers of a stale copy share one load.
 */
export function keptInMemory<T>(watched: WatchedCollection, load: () => Promise<T>, recheckMs: number): KeptInMemory<T> {
  let cached: { token: string; value: T; checkedAt: number; localWrites: number } | null = null;
  let loading: { token: string; value: Promise<T> } | null = null;
  rememberedAcrossRequests(() => {
    cached = null;
    loading = null;
  });

  async function current(): Promise<T> {
    const localWrites = watched.localWrites;
    if (cached && cached.localWrites === localWrites && Date.now() - cached.checkedAt < recheckMs) return cached.value;
    let token = await readRevision(watched.name);
    if (token === null) {
      // A database written before revisions existed (or emptied): start one.
      await watched.bump();
      token = (await readRevision(watched.name))!;
    }
    if (cached?.token === token) {
      cached = { ...cached, checkedAt: Date.now(), localWrites };
      return cached.value;
    }
    if (loading?.token !== token) {
      const value = load();
      const mine = (loading = { token, value });
      value.then(
        (v) => {
          // Only the newest load is kept (a load started under an older token may finish last).
          if (loading !== mine) return;
          loading = null;
          cached = { token, value: v, checkedAt: Date.now(), localWrites };
        },
        () => {
          if (loading === mine) loading = null;
        },
      );
    }
    return loading!.value;
  }

  const key = `kept-in-memory.${watched.name}.${++instances}`;
  return Object.assign(() => memoisedPerRequest(key, current), { unmemoised: current });
}

/**
 * Reads of a watched collection remembered one by one, by a key (a document's `_id`, a bucket of a sequence), while
 * its revision stays the same (the same checks as `keptInMemory`): a page that shows many of them (a person's periods)
 * asks once for the revision instead of once per read. What is handed out is frozen, as every request shares it.
 * `unmemoised` reads without fixing the revision for the rest of the request (see `KeptInMemory`).
 */
export function keptByKey<T extends object>(watched: WatchedCollection, recheckMs: number, capacity = 5000) {
  // The reads of one revision: a new, empty map whenever the revision changes.
  const readsOfRevision = keptInMemory(watched, async () => new Map<string, Promise<Readonly<T> | null>>(), recheckMs);

  const reader = (reads: () => Promise<Map<string, Promise<Readonly<T> | null>>>) =>
    async function byKey(key: string, load: () => Promise<T | null>): Promise<Readonly<T> | null> {
      const held = await reads();
      let doc = held.get(key);
      if (!doc) {
        if (held.size >= capacity) held.clear();
        doc = load().then((d) => (d ? Object.freeze(d) : null));
        held.set(key, doc);
        doc.catch(() => held.get(key) === doc && held.delete(key));
      }
      return doc;
    };
  return Object.assign(reader(readsOfRevision), { unmemoised: reader(readsOfRevision.unmemoised) });
}
