import { oneWriterPerDocument } from '../db/one-writer.js';
import { upserting } from '../db/errors.js';
import type { Model } from 'mongoose';
import { finishedInBackground, rememberedAcrossRequests } from '../shared/process-caches.js';
import { SerialQueue } from '../shared/serial.js';
import { keptByKey, readRevision, replaceRevision, type WatchedCollection } from '../shared/kept-in-memory.js';
import { memoisedPerRequest } from '../shared/request-memo.js';

/**
 * Positions in an append-ordered collection (the audit log, the reports inbox), so that a page newest-first reads only
 * the rows it shows, however long the history.
 *
 * Each document is numbered at write time in each of its sequences — a sequence is a scope (a unit id) and a
 * dimension (`all`, or a filter value such as `t:staff`) — and stores one key per sequence, `scope|dim|bucket`, where
 * bucket = floor((number − 1) / BUCKET). A counter document per scope holds how many documents each of its sequences
 * has. Page p of a sequence is then one or two equality look-ups on the keys field (what FerretDB pushes into SQL):
 * the documents of a bucket, ordered by (time, _id), are the sequence's numbers in order.
 *
 * Numbers are handed out under an in-process lock, so within the one app process they are exact on FerretDB too
 * (whose updates are read-then-write, its issue #3040); `findOneAndUpdate` with `$inc` keeps them unique on MongoDB.
 * A document written before its collection was numbered (an older database, or while a rebuild runs) is stored with
 * the pending flag and numbered by `rebuild()`, which is idempotent and runs when the marker document is missing.
 */

export const BUCKET = 25;
/** Full buckets kept per index (the oldest dropped first): a few megabytes of audit entries. */
const FULL_BUCKETS_KEPT = 400;
// Bumped when the stored numbering changes shape (2: dimension fields escaped), so that older numberings are rebuilt.
export const NUMBERED_MARKER = '~numbered-2';
const MARKER = NUMBERED_MARKER;
/**
 * How long an appended document waits before it is numbered, so that the writes of a busy few seconds are numbered
 * together: each counter is updated once per batch instead of once per document (an audit entry is numbered in four to
 * six counters: each unit on its path, overall and for its actor). At 1 s, ten people saving at once still cost 2.3
 * counter updates per entry, more than its insert (bench at 3,000 staff); at 5 s each actor's counters are shared by
 * all their saves of those seconds. Readers do not wait for it: `settled` numbers at once what is waiting. A stop
 * leaves the waiting ones pending for the next start, as before.
 */
const NUMBERING_DELAY_MS = 5000;
/** Numbered at once when this many are waiting (a bulk import), so that the queue's memory stays bounded. */
const MAX_WAITING = 1000;

type Id = { toString(): string };
type Lean = Record<string, unknown> & { _id: Id };

export interface SequenceSource {
  scope: string;
  dim: string;
}

/** What a document is numbered in: dims by scope. */
export type SequencePlan = { scope: string; dims: string[] }[];

export interface SequenceOptions {
  /** The numbered collection. */
  docs: Model<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Counter documents `{_id, scope, n: {dim: count}}` (and the marker), a collection of their own. */
  counters: Model<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  keysField: string;
  pendingField: string;
  timeField: string;
  /** Fields a rebuild reads to know a document's plan. */
  planFields: string;
  plan(doc: Lean): SequencePlan;
  /** Dimensions kept in a counter document of their own (one per value, e.g. one per actor): `${scope}|${dim}`. */
  ownDocument?(dim: string): boolean;
  /** Extra fields set on a counter document when a document is numbered in it (e.g. the actor's name); arrays accumulate. */
  counterFields?(scope: string, dim: string, doc: Lean): Record<string, unknown>;
  /**
   * The numbered collection's revision (every write through its model renews it): given, a bucket once read is kept
   * in memory until the collection changes. Worth it where documents are large and change seldom (cases: FerretDB
   * decodes each whole, whatever the projection), not for a log written on every request.
   */
  watched?: WatchedCollection;
  /** Counter documents read by `_id` once per request (pages that read a scope's counter for two purposes). */
  counterReadsPerRequest?: boolean;
  /**
   * The revision renewed when stored documents are rewritten in place (the retention run blanking erased values in
   * audit entries): buckets kept in memory by any process are dropped when it changes, checked at most every
   * `recheckMs`, so erased words do not stay on screen from memory.
   */
  rewrites?: { revision: string; recheckMs: number };
}

/**
 * A dimension as a field name of a counter document: dots (an action such as `selfAssessment.submit`) would make a
 * nested path for `$inc` and are refused as keys by FerretDB, so they are written as `%2E` (and `%` as `%25`).
 */
export const dimField = (dim: string) => dim.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/^\$/, '%24');
export const dimOfField = (field: string) => field.replace(/%24/g, '$').replace(/%2E/g, '.').replace(/%25/g, '%');

export const keyOf = (scope: string, dim: string, seq: number) => `${scope}|${dim}|${Math.floor((seq - 1) / BUCKET)}`;
const bucketKey = (s: SequenceSource, bucket: number) => `${s.scope}|${s.dim}|${bucket}`;


export class SequenceIndex {
  private readonly lock = new SerialQueue();
  /** null: not known in this process yet; false: not numbered (or a rebuild runs): writes are pending. */
  private ready: boolean | null = null;
  private building: Promise<void> | null = null;
  /** The newest time numbered by this process. */
  private newest: number | null = null;
  /** Appended documents waiting for their numbers, in the order of their time field. */
  private queue: { doc: Lean; inserted: Promise<unknown> }[] = [];
  private draining: Promise<void> | null = null;
  private waiting: NodeJS.Timeout | null = null;

  private readonly keptBuckets: ((key: string, load: () => Promise<{ seq: number; doc: Lean }[]>) => Promise<readonly { seq: number; doc: Lean }[] | null>) | null;
  /**
   * Full buckets of an unwatched collection (the audit log): a bucket holding all its BUCKET documents changes only
   * when the collection is renumbered, which starts a new generation.
   */
  private fullBuckets = new Map<string, readonly { seq: number; doc: Lean }[]>();
  /** For each bucket kept while still filling, the key it is kept under (with its count). */
  private partialKeys = new Map<string, string>();
  private generation = 0;
  private rewrites: { token: string | null; checkedAt: number } | null = null;

  constructor(private readonly o: SequenceOptions) {
    this.keptBuckets = o.watched ? keptByKey<{ seq: number; doc: Lean }[]>(o.watched, 1000, 1000) : null;
    rememberedAcrossRequests(() => {
      if (!this.building) this.ready = null;
      this.newest = null;
      this.rewrites = null;
      this.newGeneration();
    });
    finishedInBackground(() => this.settled());
  }

  private counterId(scope: string, dim: string): string {
    return this.o.ownDocument?.(dim) ? `${scope}|${dim}` : scope;
  }

  private async markerPresent(): Promise<boolean> {
    return (await this.o.counters.exists({ _id: MARKER })) != null;
  }

  /**
   * Writes one document now and numbers it soon after, in the background: a request waits for its insert only, and
   * the numbers of everything written meanwhile are handed out together (one counter update per counter, not per
   * document). The document is stored pending; readers wait for the numbering through `ensure`. Documents are
   * numbered in the order `append` was called, which must be the order of their time field.
   */
  async append<T>(doc: Lean, insert: () => Promise<T>): Promise<T> {
    const inserted = insert();
    this.queue.push({ doc, inserted });
    if (this.queue.length >= MAX_WAITING) this.numberNow();
    else this.numberSoon();
    return inserted;
  }

  private numberSoon(): void {
    if (this.draining || this.waiting) return;
    this.waiting = setTimeout(() => this.numberNow(), NUMBERING_DELAY_MS);
    // A stopping process leaves them pending: the next start numbers them (`numberLeftPending`).
    this.waiting.unref();
  }

  private numberNow(): void {
    if (this.waiting) clearTimeout(this.waiting);
    this.waiting = null;
    this.draining ??= (async () => {
      while (this.queue.length > 0) await this.lock.run(() => this.numberQueued());
    })().finally(() => {
      this.draining = null;
      // Appended after the loop's last look: numbered with the next batch.
      if (this.queue.length > 0) this.numberSoon();
    });
  }

  /** Resolves when every document appended so far is numbered (or left pending for a rebuild). */
  async settled(): Promise<void> {
    if (this.waiting) this.numberNow();
    while (this.draining) await this.draining;
  }

  /** Under the lock: numbers the queued documents whose insert succeeded, oldest first. */
  private async numberQueued(): Promise<void> {
    const taken = this.queue.splice(0);
    const outcomes = await Promise.allSettled(taken.map((q) => q.inserted));
    const docs = taken
      .filter((_, i) => outcomes[i]!.status === 'fulfilled')
      .map((q) => q.doc)
      .sort(this.oldestFirst);
    if (docs.length === 0) return;
    if (this.ready === null) this.ready = await this.markerPresent().catch(() => null);
    // Not numbered yet, or a rebuild runs: they stay pending, and the rebuild numbers them.
    if (!this.ready) return;
    try {
      await this.numberInOrder(docs);
    } catch {
      // Counters may have moved without every key written: the next reader renumbers from the documents.
      await this.forgetNumbering();
    }
  }

  private async numberInOrder(docs: readonly Lean[]): Promise<void> {
    const o = this.o;
    const wanted = new Map<string, { scope: string; inc: Map<string, number>; extra: Record<string, unknown> }>();
    const plans = docs.map((doc) => {
      const plan = this.o.plan(doc);
      for (const { scope, dims } of plan) {
        for (const dim of dims) {
          const id = this.counterId(scope, dim);
          const c = wanted.get(id) ?? { scope, inc: new Map<string, number>(), extra: {} as Record<string, unknown> };
          wanted.set(id, c);
          c.inc.set(dim, (c.inc.get(dim) ?? 0) + 1);
          for (const [k, v] of Object.entries(o.counterFields?.(scope, dim, doc) ?? {})) {
            c.extra[k] = Array.isArray(v) ? [...new Set([...((c.extra[k] as unknown[] | undefined) ?? []), ...v])] : v;
          }
        }
      }
      return plan;
    });
    // The first number of this batch in each sequence: the counter after the increment, less the batch's count.
    // A few counters at a time, as `storeKeys` writes: a batch may touch hundreds of counters.
    const next = new Map<string, number>();
    await inBatches([...wanted.entries()], 8, async ([id, c]) => {
      const inc = Object.fromEntries([...c.inc.entries()].map(([dim, n]) => [`n.${dimField(dim)}`, n]));
      const counter = await this.increment(id, c.scope, inc, c.extra);
      for (const [dim, n] of c.inc) next.set(`${c.scope}|${dim}`, (counter.n as Record<string, number>)[dimField(dim)]! - n + 1);
    });
    const keyed = docs.map((doc, i) => ({
      _id: doc._id,
      keys: plans[i]!.flatMap(({ scope, dims }) =>
        dims.map((dim) => {
          const seq = next.get(`${scope}|${dim}`)!;
          next.set(`${scope}|${dim}`, seq + 1);
          return keyOf(scope, dim, seq);
        }),
      ),
    }));
    await this.storeKeys(keyed);
    // Numbers follow time: a document older than one already numbered (a seed writing the past) has them out of
    // order, so the collection is renumbered on its next read.
    const times = docs.map((d) => (d[o.timeField] as Date | undefined)?.getTime()).filter((t): t is number => t != null);
    if (times.length === 0) return;
    if (this.newest != null && Math.min(...times) < this.newest) await this.forgetNumbering();
    this.newest = Math.max(this.newest ?? -Infinity, ...times);
  }

  /** Start-up work: numbers what a stopped process wrote and had not numbered yet. */
  async numberLeftPending(): Promise<number> {
    const o = this.o;
    return this.lock.run(async () => {
      if (!(this.ready ?? (this.ready = await this.markerPresent()))) return 0;
      const left = await this.storedPendingNotQueued();
      if (left.length > 0) await this.numberInOrder(left);
      return left.length;
    });
  }

  /** Pending documents in the collection that the queue will not number, oldest first. */
  private async storedPendingNotQueued(): Promise<Lean[]> {
    const o = this.o;
    const stored = await o.docs.find({ [o.pendingField]: true }).select(`_id ${o.timeField} ${o.planFields}`).lean<Lean[]>();
    const queued = new Set(this.queue.map((q) => String(q.doc._id)));
    return stored.filter((d) => !queued.has(String(d._id))).sort(this.oldestFirst);
  }

  /** (time, _id) order: the order numbers are handed out in. */
  private readonly oldestFirst = (a: Lean, b: Lean): number => {
    const time = (d: Lean) => (d[this.o.timeField] as Date | undefined)?.getTime() ?? 0;
    return time(a) - time(b) || String(a._id).localeCompare(String(b._id));
  };

  /**
   * Writes each document's keys and clears its pending flag. Through the driver, not the model: a watched collection's
   * revision is renewed once for the batch instead of once per document (the model's hooks doubled the numbering's
   * writes, and a backlog of filed cases was numbered half as fast).
   */
  private async storeKeys(keyed: readonly { _id: Id; keys: string[] }[]): Promise<void> {
    const o = this.o;
    const collection = o.docs.collection;
    // One command per document: a bulkWrite of them may never return on FerretDB v1 (docs/database.md).
    const write = (k: { _id: Id; keys: string[] }) => collection.updateOne({ _id: k._id as never }, { $set: { [o.keysField]: k.keys, [o.pendingField]: false } });
    await inBatches(keyed, 8, (k) => oneWriterPerDocument(o.docs, k._id, () => write(k)));
    if (keyed.length) await o.watched?.bump();
  }

  private async forgetNumbering(): Promise<void> {
    this.newGeneration();
    await this.o.counters.deleteOne({ _id: MARKER }).catch(() => undefined);
    this.ready = null;
  }

  /** Stored documents were rewritten in place: every process drops the buckets it keeps (see `rewrites`). */
  async documentsRewritten(): Promise<void> {
    if (!this.o.rewrites) return;
    await replaceRevision(this.o.rewrites.revision);
    this.newGeneration();
    this.rewrites = null;
  }

  private async dropRewrittenBuckets(): Promise<void> {
    const r = this.o.rewrites;
    if (!r || (this.rewrites && Date.now() - this.rewrites.checkedAt < r.recheckMs)) return;
    const token = await readRevision(r.revision);
    if (this.rewrites && this.rewrites.token !== token) this.newGeneration();
    this.rewrites = { token, checkedAt: Date.now() };
  }

  private newGeneration(): void {
    this.generation++;
    this.fullBuckets = new Map();
    this.partialKeys = new Map();
  }

  /** $inc with upsert (a lost race to create a new counter is retried as a plain update). */
  private async increment(id: string, scope: string, inc: Record<string, number>, extra: Record<string, unknown>): Promise<Lean> {
    // Array fields accumulate (e.g. every name an actor has had); scalars are replaced.
    const arrays = Object.entries(extra).filter(([, v]) => Array.isArray(v));
    const scalars = Object.fromEntries(Object.entries(extra).filter(([, v]) => !Array.isArray(v)));
    const update = {
      $inc: inc,
      $set: { scope, ...scalars },
      ...(arrays.length ? { $addToSet: Object.fromEntries(arrays.map(([k, v]) => [k, { $each: v as unknown[] }])) } : {}),
    };
    return (await upserting((upsert) => this.o.counters.findOneAndUpdate({ _id: id }, update, { upsert, returnDocument: 'after' }).lean<Lean>()))!;
  }

  /** The numbered state, building it when missing; waits at most `waitMs` for a build (false: use another path). */
  async ensure(waitMs: number): Promise<boolean> {
    await this.settled();
    // Once numbered in this process, only a renumbering started here (an out-of-order write) undoes it.
    if (this.ready === true && !this.building) return true;
    if (!this.building && (await this.markerPresent())) {
      this.ready ??= true;
      return true;
    }
    const building = this.rebuild();
    if (waitMs <= 0) {
      building.catch(() => undefined);
      return false;
    }
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([building.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)))]);
    clearTimeout(timer);
    return done;
  }

  /**
   * Numbers every document again from scratch, in (time, _id) order: the counters are recomputed and the keys
   * rewritten where they differ. Documents written meanwhile are pending and numbered at the end, under the lock.
   */
  rebuild(log?: (msg: string) => void): Promise<void> {
    this.building ??= this.renumber(log).finally(() => {
      this.building = null;
    });
    return this.building;
  }

  private async renumber(log?: (msg: string) => void): Promise<void> {
    const o = this.o;
    await this.lock.run(async () => {
      this.ready = false;
      this.newGeneration();
    });
    const docs = await o.docs.find({}).select(`_id ${o.timeField} ${o.keysField} ${o.pendingField} ${o.planFields}`).lean<Lean[]>();
    log?.(`read ${docs.length} documents`);
    docs.sort(this.oldestFirst);
    const numbering = this.numbering();
    const numberDoc = (d: Lean) => numbering.keysOf(d);
    const changed: { _id: Id; keys: string[] }[] = [];
    for (const d of docs) {
      const keys = numberDoc(d);
      const stored = (d[o.keysField] as string[] | undefined) ?? [];
      if (d[o.pendingField] || stored.length !== keys.length || stored.some((k, i) => k !== keys[i])) changed.push({ _id: d._id, keys });
    }
    log?.(`rewriting the keys of ${changed.length} documents`);
    await this.storeKeys(changed);
    await this.lock.run(async () => {
      // Written while the keys above were rewritten: numbered after everything else. Documents still queued for
      // numbering are the queue's, which runs after this.
      const taken = this.queue.splice(0);
      await Promise.allSettled(taken.map((q) => q.inserted));
      const late = (await this.storedPendingNotQueued()).map((d) => ({ _id: d._id, keys: numberDoc(d) }));
      await o.counters.deleteMany({ _id: { $ne: MARKER } });
      await this.storeCounters(numbering.counterDocs());
      await this.storeKeys(late);
      await o.counters.updateOne({ _id: MARKER }, { $set: { scope: '', at: new Date() } }, { upsert: true });
      this.newGeneration();
      this.ready = true;
    });
    log?.('numbered');
  }

  /** Hands out numbers to documents given oldest first; `counterDocs` are the counters after the last one. */
  private numbering() {
    const o = this.o;
    const counts = new Map<string, { scope: string; n: Record<string, number>; extra: Record<string, unknown> }>();
    return {
      keysOf: (d: Lean): string[] => {
        const keys: string[] = [];
        for (const { scope, dims } of o.plan(d)) {
          for (const dim of dims) {
            const id = this.counterId(scope, dim);
            const c = counts.get(id) ?? { scope, n: {}, extra: {} };
            counts.set(id, c);
            const seq = (c.n[dimField(dim)] = (c.n[dimField(dim)] ?? 0) + 1);
            for (const [k, v] of Object.entries(o.counterFields?.(scope, dim, d) ?? {})) {
              c.extra[k] = Array.isArray(v) ? [...new Set([...((c.extra[k] as unknown[] | undefined) ?? []), ...v])] : v;
            }
            keys.push(keyOf(scope, dim, seq));
          }
        }
        return keys;
      },
      counterDocs: () => [...counts.entries()].map(([_id, c]) => ({ _id, scope: c.scope, n: c.n, ...c.extra })),
    };
  }

  private async storeCounters(docs: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < docs.length; i += 1000) await this.o.counters.insertMany(docs.slice(i, i + 1000));
  }

  /**
   * A bulk load into an empty collection (the benchmark's generator): `batches` yields documents oldest first, in
   * batches; each is inserted with its numbers, and the counters and the marker are written at the end. Much faster
   * than writing the documents unnumbered and renumbering them (one update per document).
   */
  async loadInOrder(batches: AsyncIterable<Lean[]>): Promise<number> {
    const o = this.o;
    if ((await o.docs.estimatedDocumentCount()) > 0 || (await o.counters.estimatedDocumentCount()) > 0) throw new Error('loadInOrder: the collection is not empty');
    const numbering = this.numbering();
    let n = 0;
    for await (const batch of batches) {
      const docs = batch.map((d) => ({ ...d, [o.keysField]: numbering.keysOf(d), [o.pendingField]: false }));
      const raw = o.docs.collection as unknown as { insertMany(docs: unknown[]): Promise<unknown> };
      for (let i = 0; i < docs.length; i += 2000) await raw.insertMany(docs.slice(i, i + 2000));
      n += docs.length;
    }
    await this.storeCounters(numbering.counterDocs());
    await o.counters.updateOne({ _id: MARKER }, { $set: { scope: '', at: new Date() } }, { upsert: true });
    this.ready = true;
    return n;
  }

  /** Counter values of these sequences (0 when none). */
  async counts(sources: readonly SequenceSource[]): Promise<number[]> {
    const ids = [...new Set(sources.map((s) => this.counterId(s.scope, s.dim)))];
    const docs = await this.countersById(ids);
    const byId = new Map(ids.map((id, i) => [id, docs[i]]));
    return sources.map((s) => ((byId.get(this.counterId(s.scope, s.dim))?.n as Record<string, number> | undefined)?.[dimField(s.dim)] ?? 0));
  }

  /**
   * Counter documents by `_id` (a scope's, or an own-document dimension's `scope|dim`). With `counterReadsPerRequest`,
   * read once per request: a page that shows the filter choices and the counts of a scope asks once.
   */
  async countersById(ids: readonly string[]): Promise<(Lean | null)[]> {
    const read = (id: string) => this.o.counters.findById(id).lean<Lean>().exec();
    if (!this.o.counterReadsPerRequest) return Promise.all(ids.map(read));
    const generation = this.generation;
    return Promise.all(ids.map((id) => memoisedPerRequest(`sequences.${this.o.counters.collection.collectionName}.${generation}.${id}`, () => read(id))));
  }

  /** Counter documents of a scope whose extra field equals a value (e.g. actors by a name key). */
  async countersWhere(filter: Record<string, unknown>): Promise<Lean[]> {
    return this.o.counters.find(filter).lean<Lean[]>();
  }

  /**
   * The documents of one bucket, oldest first, each with its number. `count` is the sequence's counter as read by this
   * request, given when no pushdown narrows the bucket: the bucket then holds min(BUCKET, count − first) documents.
   */
  private async bucket(s: SequenceSource, bucket: number, select: string, pushdown: Record<string, unknown> = {}, count?: number): Promise<readonly { seq: number; doc: Lean }[]> {
    const read = () => this.readBucket(s, bucket, select, pushdown);
    // Pushdown values are strings, numbers and ids: their JSON tells them apart well enough for a key.
    const key = JSON.stringify([bucketKey(s, bucket), select, pushdown]);
    if (!this.keptBuckets) {
      const expected = count == null || Object.keys(pushdown).length > 0 ? BUCKET : Math.min(BUCKET, count - bucket * BUCKET);
      return this.fullBucket(key, read, expected);
    }
    return (await this.keptBuckets(key, async () => (await read()).map((r) => Object.freeze({ seq: r.seq, doc: Object.freeze(r.doc) }))))!;
  }

  /**
   * A bucket of an unwatched collection, kept once it holds what it should: all BUCKET documents (it changes only when
   * the collection is renumbered, which starts a new generation), or — the newest bucket, still filling — exactly as
   * many as the sequence's counter says it has numbered into it, kept under that count (the next document numbered
   * changes the count, and so the key). Numbers are handed out one batch at a time, each batch's keys written before
   * the next batch is counted, so a bucket holding exactly the counted number holds exactly the counted documents.
   */
  private async fullBucket(key: string, read: () => Promise<{ seq: number; doc: Lean }[]>, expected: number): Promise<readonly { seq: number; doc: Lean }[]> {
    const keptKey = expected === BUCKET ? key : `${key}#${expected}`;
    const kept = this.fullBuckets.get(keptKey);
    if (kept) return kept;
    const generation = this.generation;
    const rows = await read();
    // Fewer than expected: keys still being written, or narrowed by a pushdown; read each time.
    if (expected > 0 && rows.length === expected && generation === this.generation) {
      if (expected < BUCKET) this.forgetPartial(key);
      if (this.fullBuckets.size >= FULL_BUCKETS_KEPT) this.fullBuckets.delete(this.fullBuckets.keys().next().value!);
      this.fullBuckets.set(keptKey, Object.freeze(rows.map((r) => Object.freeze({ seq: r.seq, doc: Object.freeze(r.doc) }))));
      if (expected < BUCKET) this.partialKeys.set(key, keptKey);
    }
    return rows;
  }

  /** The newest bucket kept under an older count: it will not be asked for again. */
  private forgetPartial(key: string): void {
    const older = this.partialKeys.get(key);
    if (older) this.fullBuckets.delete(older);
    this.partialKeys.delete(key);
  }

  private async readBucket(s: SequenceSource, bucket: number, select: string, pushdown: Record<string, unknown>): Promise<{ seq: number; doc: Lean }[]> {
    const o = this.o;
    const docs = await o.docs.find({ ...pushdown, [o.keysField]: bucketKey(s, bucket) }).select(`${select} ${o.timeField}`).lean<Lean[]>();
    docs.sort(this.oldestFirst);
    return docs.map((doc, i) => ({ seq: bucket * BUCKET + 1 + i, doc }));
  }

  /** How many of the sequence's first `n` documents are older than `t` (its numbers are in time order); `counter`: its count. */
  async countBefore(s: SequenceSource, n: number, t: Date, counter = n): Promise<number> {
    if (n === 0) return 0;
    const o = this.o;
    let lo = 0;
    let hi = Math.floor((n - 1) / BUCKET);
    let best = 0;
    // The last bucket whose oldest document is older than t.
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const rows = await this.bucket(s, mid, '_id', {}, counter);
      const older = rows.filter((r) => (r.doc[o.timeField] as Date).getTime() < t.getTime());
      if (older.length === 0) hi = mid - 1;
      else {
        best = mid * BUCKET + older.length;
        if (older.length < rows.length) return best;
        lo = mid + 1;
      }
    }
    return best;
  }

  /**
   * One page, newest first, of the documents in these (disjoint) sequences, between the time bounds [from, to).
   * Without residual conditions the total is known from the counters and only the page's buckets are read; with
   * them (`pushdown` equalities, an in-app `test`) buckets are walked newest first: the page is filled from the
   * fewest buckets, and the total is counted by walking the rest unless `knownTotal` gives it.
   */
  async page(q: {
    sources: readonly SequenceSource[];
    page: number;
    size: number;
    select: string;
    from?: Date;
    to?: Date;
    pushdown?: Record<string, unknown>;
    test?: (doc: Lean) => boolean;
    knownTotal?: number;
  }): Promise<{ rows: Lean[]; total: number; page: number }> {
    const o = this.o;
    await this.dropRewrittenBuckets();
    const counts = await this.counts(q.sources);
    const ranges = await Promise.all(
      q.sources.map(async (s, i) => {
        const n = counts[i]!;
        const hi = q.to ? await this.countBefore(s, n, q.to) : n;
        const lo = q.from ? (await this.countBefore(s, hi, q.from, n)) + 1 : 1;
        return { s, lo, hi };
      }),
    );
    const time = (d: Lean) => (d[o.timeField] as Date).getTime();
    const newestFirst = (a: Lean, b: Lean) => time(b) - time(a) || String(b._id).localeCompare(String(a._id));
    const residual = (q.pushdown && Object.keys(q.pushdown).length > 0) || q.test != null;

    if (!residual) {
      const total = ranges.reduce((sum, r) => sum + Math.max(0, r.hi - r.lo + 1), 0);
      const page = clampPage(q.page, total, q.size);
      const offset = (page - 1) * q.size;
      if (ranges.length === 1) {
        const { s, lo, hi } = ranges[0]!;
        const top = hi - offset;
        const bottom = Math.max(lo, top - q.size + 1);
        const rows = await this.seqRange(s, bottom, top, q.select, counts[0]!);
        return { rows: rows.sort(newestFirst), total, page };
      }
      // Several sequences: the newest offset + size of each, merged.
      const parts = await Promise.all(ranges.map(({ s, lo, hi }, i) => this.seqRange(s, Math.max(lo, hi - offset - q.size + 1), hi, q.select, counts[i]!)));
      return { rows: dedupe(parts.flat()).sort(newestFirst).slice(offset, offset + q.size), total, page };
    }

    // Residual conditions: walk the buckets newest first.
    const want = (q.page - 1) * q.size + q.size;
    const found: Lean[] = [];
    let exhausted = true;
    for (const { s, lo, hi } of ranges) {
      if (hi < lo) continue;
      for (let b = Math.floor((hi - 1) / BUCKET); b >= Math.floor((lo - 1) / BUCKET); b--) {
        const rows = await this.bucket(s, b, q.select, q.pushdown);
        for (const r of rows) {
          if (q.from && time(r.doc) < q.from.getTime()) continue;
          if (q.to && time(r.doc) >= q.to.getTime()) continue;
          if (!q.test || q.test(r.doc)) found.push(r.doc);
        }
        if (ranges.length === 1 && q.knownTotal != null && found.length >= want) {
          exhausted = false;
          break;
        }
      }
    }
    const all = dedupe(found).sort(newestFirst);
    const total = exhausted ? all.length : q.knownTotal!;
    const page = clampPage(q.page, total, q.size);
    const offset = (page - 1) * q.size;
    return { rows: all.slice(offset, offset + q.size), total, page };
  }

  /** The documents numbered lo..hi (inclusive) in a sequence whose counter is `count`. */
  private async seqRange(s: SequenceSource, lo: number, hi: number, select: string, count: number): Promise<Lean[]> {
    if (hi < lo) return [];
    const buckets: number[] = [];
    for (let b = Math.floor((hi - 1) / BUCKET); b >= Math.floor((lo - 1) / BUCKET); b--) buckets.push(b);
    const rows = (await Promise.all(buckets.map((b) => this.bucket(s, b, select, {}, count)))).flat();
    return rows.filter((r) => r.seq >= lo && r.seq <= hi).map((r) => r.doc);
  }
}

function dedupe(docs: Lean[]): Lean[] {
  const seen = new Set<string>();
  return docs.filter((d) => {
    const id = String(d._id);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

async function inBatches<T>(items: readonly T[], parallel: number, f: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) await f(items[next++]!);
    }),
  );
}

function clampPage(page: number, total: number, size: number): number {
  return Math.min(Math.max(1, page), Math.max(1, Math.ceil(total / size)));
}

