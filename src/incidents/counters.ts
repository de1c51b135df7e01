import mongoose, { Schema, Types } from 'mongoose';
import { SequenceIndex } from '../audit/index.js';
import { upserting } from '../db/errors.js';
import { keptByKey, watchedRevision } from '../shared/kept-in-memory.js';
import { rememberedAcrossRequests } from '../shared/process-caches.js';
import { SerialQueue } from '../shared/serial.js';
import { vietnamDay } from '../shared/dates.js';
import { caseWrites, FINAL_STATUSES, IncidentReportModel, receivedMonthOf, ReporterIdentityModel, type IncidentReport, type ReportStatus } from './model.js';
import { sealedUpdate } from './identity-sealing.js';
import { once } from '../shared/once.js';
import { recordsChanged } from '../shared/changes.js';

/**
 * What the reports pages count, kept at write time so that no page reads the history to show a total:
 *
 * - the inbox's numbering (`caseIndex`, see audit/sequences.ts): each case is numbered, newest last, in every unit on
 *   its handler's path — overall, per reported criterion and per unit it is about — so a page of the inbox is one or
 *   two equality look-ups whatever the years of history;
 * - per handling unit, cases by status and open cases by the person reported about (`ReportCounter`);
 * - per unit and breach key, the substantiated incidents behind early warnings, with a `hot` flag set when enough of
 *   them fall inside the window (`ReportBreach`), so the warnings read the few flagged keys, not the reports.
 *
 * All three are rebuilt from the reports when their marker document is missing (an older database, or one emptied),
 * which is idempotent; `prepareReports` does it at start.
 */

const OPEN_STATUSES_LIST = ['RECEIVED', 'UNDER_REVIEW', 'SUBSTANTIATED', 'PARTLY_SUBSTANTIATED', 'NOT_SUBSTANTIATED'] as const;
export const OPEN_STATUSES: readonly ReportStatus[] = OPEN_STATUSES_LIST;
export const isOpen = (status: string) => !FINAL_STATUSES.includes(status as ReportStatus);

const reportSequenceSchema = new Schema({ _id: { type: String, required: true }, scope: { type: String, default: '' }, n: { type: Schema.Types.Mixed, default: {} } }, { versionKey: false, minimize: false });
const ReportSequenceModel = mongoose.model('ReportSequence', reportSequenceSchema, 'reportsequences');

type Plannable = Pick<IncidentReport, 'handlerUnitPath' | 'unitPath' | 'criterionCodes'>;

/** The inbox's sequences of a case: overall, per criterion and per unit it is about, in each unit of its handler's path. */
export function casePlan(r: Plannable) {
  const unitPath = (r.unitPath ?? []).map(String);
  return (r.handlerUnitPath ?? []).map((h) => {
    const scope = String(h);
    const below = unitPath.slice(unitPath.indexOf(scope) + 1);
    return { scope, dims: ['all', ...[...new Set(r.criterionCodes ?? [])].map((c) => `c:${c}`), ...below.map((u) => `u:${u}`)] };
  });
}

export const caseIndex = new SequenceIndex({
  docs: IncidentReportModel,
  counters: ReportSequenceModel,
  keysField: 'seqKeys',
  pendingField: 'seqPending',
  timeField: 'receivedAt',
  planFields: 'handlerUnitPath unitPath criterionCodes',
  plan: (doc) => casePlan(doc as unknown as Plannable),
  watched: caseWrites,
});

// ---------- cases by status, open cases by person ----------

const newToken = () => new Types.ObjectId().toHexString();

const reportCounterSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Cases handled under this unit, by status. */
    s: { type: Schema.Types.Mixed, default: {} },
    /** Open cases handled under this unit, by the staff member they are about. */
    o: { type: Schema.Types.Mixed, default: {} },
    /** Replaced by every change of these counts: what a reader remembers them by. */
    t: { type: String, default: '' },
  },
  { versionKey: false, minimize: false },
);
const ReportCounterModel = mongoose.model('ReportCounter', reportCounterSchema, 'reportcounters');
const COUNTED = '~counted';

// One writer at a time in this process: FerretDB's updates are read-then-write, concurrent $inc could be lost there.
const counterLock = new SerialQueue();

async function bump(id: string, inc: Record<string, number>): Promise<void> {
  if (!Object.keys(inc).length) return;
  await upserting((upsert) => ReportCounterModel.updateOne({ _id: id }, { $inc: inc, $set: { t: newToken() } }, { upsert }));
}

type Counted = Pick<IncidentReport, 'handlerUnitPath' | 'status' | 'staffId'>;

/** The counters' change from one state of a case to the next (null: it did not exist). */
export async function countCase(before: Counted | null, after: Counted): Promise<void> {
  const delta = new Map<string, Record<string, number>>();
  const add = (r: Counted, sign: number) => {
    for (const h of r.handlerUnitPath ?? []) {
      const inc = delta.get(String(h)) ?? {};
      delta.set(String(h), inc);
      inc[`s.${r.status}`] = (inc[`s.${r.status}`] ?? 0) + sign;
      if (r.staffId && isOpen(r.status)) inc[`o.${String(r.staffId)}`] = (inc[`o.${String(r.staffId)}`] ?? 0) + sign;
    }
  };
  if (before) add(before, -1);
  add(after, 1);
  await counterLock.run(async () => {
    for (const [id, inc] of delta) await bump(id, Object.fromEntries(Object.entries(inc).filter(([, v]) => v !== 0)));
  });
}

export interface UnitCaseCounts {
  byStatus: Record<string, number>;
  openByStaff: Record<string, number>;
  /** Changes whenever the counts do. */
  token: string;
}

export async function caseCounts(unitId: Types.ObjectId | string): Promise<UnitCaseCounts> {
  await ensureCounted();
  const doc = await ReportCounterModel.findById(String(unitId)).lean<{ s?: Record<string, number>; o?: Record<string, number>; t?: string }>();
  return { byStatus: doc?.s ?? {}, openByStaff: doc?.o ?? {}, token: doc?.t ?? '' };
}

let counting: Promise<void> | null = null;
/** The counters were found built by this process: the marker is not asked for again. */
let counted = false;
async function ensureCounted(): Promise<void> {
  if (counted) return;
  if (await ReportCounterModel.exists({ _id: COUNTED })) {
    counted = true;
    return;
  }
  counting ??= recountCases().finally(() => (counting = null));
  await counting;
}

/** Recounts cases by status and open cases by person from the reports (idempotent). */
export async function recountCases(): Promise<void> {
  const reports = await IncidentReportModel.find({}).select('handlerUnitPath status staffId').lean<Counted[]>();
  const counts = new Map<string, { s: Record<string, number>; o: Record<string, number> }>();
  for (const r of reports) {
    for (const h of r.handlerUnitPath ?? []) {
      const c = counts.get(String(h)) ?? { s: {}, o: {} };
      counts.set(String(h), c);
      c.s[r.status] = (c.s[r.status] ?? 0) + 1;
      if (r.staffId && isOpen(r.status)) c.o[String(r.staffId)] = (c.o[String(r.staffId)] ?? 0) + 1;
    }
  }
  await counterLock.run(async () => {
    await ReportCounterModel.deleteMany({});
    const docs = [...counts.entries()].map(([_id, c]) => ({ _id, ...c, t: newToken() }));
    for (let i = 0; i < docs.length; i += 1000) await ReportCounterModel.insertMany(docs.slice(i, i + 1000));
    await ReportCounterModel.create({ _id: COUNTED });
  });
}

// ---------- early-warning breaches ----------

const reportBreachSchema = new Schema(
  {
    /** `<unitId>|<breach key>`. */
    _id: { type: String, required: true },
    scope: { type: String, required: true },
    key: { type: String, required: true },
    /** `<reportId>@<incident day, ISO>` for every substantiated report on this key under the unit. */
    hits: { type: [String], default: [] },
    /** Enough hits inside the early-warning window when last written (a reader checks again and clears it). */
    hot: { type: Boolean, default: false },
  },
  { versionKey: false },
);
reportBreachSchema.index({ scope: 1, hot: 1 });
const ReportBreachModel = mongoose.model('ReportBreach', reportBreachSchema, 'reportbreaches');
const BREACHES_BUILT = '~built';
/** Replaced whenever hits are recorded or rebuilt. */
const BREACHES_REVISION = 'reportBreaches';
const breachesRevision = watchedRevision(BREACHES_REVISION);
const breachesChanged = () => breachesRevision.bump();
/** Candidates read per unit, window and day, kept while no hit was recorded (checked at most once a second). */
const keptBreaches = keptByKey<{ candidates: BreachCandidate[] }>(breachesRevision, 1000);

export interface WarningWindow {
  threshold: number;
  days: number;
}

export const hitOf = (reportId: Types.ObjectId | string, day: Date) => `${String(reportId)}@${day.toISOString().slice(0, 10)}`;
const dayOfHit = (hit: string) => new Date(`${hit.slice(hit.indexOf('@') + 1)}T00:00:00Z`);
const reportOfHit = (hit: string) => hit.slice(0, hit.indexOf('@'));

/**
 * The hits of a breach key inside the window ending today (incident days from today − days to today, on the
 * Vietnamese calendar: an incident dated today counts from 00:00 in Vietnam, while it is still yesterday in UTC).
 */
export function hitsInWindow(hits: readonly string[], window: WarningWindow, now: Date): string[] {
  const today = vietnamDay(now).getTime();
  const since = today - window.days * 86_400_000;
  return hits.filter((h) => {
    const t = dayOfHit(h).getTime();
    return t >= since && t <= today;
  });
}

type Breaching = Pick<IncidentReport, '_id' | 'unitPath' | 'breachKeys' | 'occurredAt'>;

/** Records a report's confirmed breaches under every unit on its path (idempotent: a hit is a set member). */
export async function recordBreaches(report: Breaching, window: WarningWindow, now = new Date()): Promise<void> {
  const hit = hitOf(report._id, report.occurredAt);
  await Promise.all(
    (report.unitPath ?? []).flatMap((unit) =>
      (report.breachKeys ?? []).map(async (key) => {
        const _id = `${String(unit)}|${key}`;
        const update = { $set: { scope: String(unit), key }, $addToSet: { hits: hit } };
        const doc = (await upserting((upsert) => ReportBreachModel.findOneAndUpdate({ _id }, update, { upsert, returnDocument: 'after' }).lean<{ hits: string[]; hot: boolean }>()))!;
        const hot = hitsInWindow(doc.hits, window, now).length >= window.threshold;
        if (hot !== doc.hot) await ReportBreachModel.updateOne({ _id }, { $set: { hot } });
      }),
    ),
  );
  await breachesChanged();
}

export interface BreachCandidate {
  key: string;
  hits: string[];
}

/**
 * Breach keys flagged hot under a unit, with their hits; a flag that no longer holds is cleared on the way. With
 * `all`, every key under the unit (hot or not): a reader of several units adds their hits up.
 */
export async function hotBreaches(unitId: Types.ObjectId | string, window: WarningWindow, now = new Date(), all = false): Promise<BreachCandidate[]> {
  await ensureBreaches(window);
  const key = `${String(unitId)}|${all}|${window.threshold}/${window.days}|${vietnamDay(now).toISOString()}`;
  return (await keptBreaches(key, async () => ({ candidates: await readBreaches(unitId, window, now, all) })))!.candidates;
}

async function readBreaches(unitId: Types.ObjectId | string, window: WarningWindow, now: Date, all: boolean): Promise<BreachCandidate[]> {
  const docs = await ReportBreachModel.find({ scope: String(unitId), ...(all ? {} : { hot: true }) }).lean<{ _id: string; key: string; hits: string[]; hot?: boolean }[]>();
  if (all) return docs.filter((d) => d._id !== BREACHES_BUILT).map((d) => ({ key: d.key, hits: d.hits }));
  const out: BreachCandidate[] = [];
  for (const d of docs) {
    if (hitsInWindow(d.hits, window, now).length >= window.threshold) out.push({ key: d.key, hits: d.hits });
    else await ReportBreachModel.updateOne({ _id: d._id, hot: true }, { $set: { hot: false } });
  }
  return out;
}

export const reportIdOfHit = reportOfHit;

let breaching: Promise<void> | null = null;
/** The window whose breaches this process found built. */
let builtFor: string | null = null;
rememberedAcrossRequests(() => {
  counted = false;
  builtFor = null;
});
async function ensureBreaches(window: WarningWindow): Promise<void> {
  const key = `${window.threshold}/${window.days}`;
  if (builtFor === key) return;
  const marker = await ReportBreachModel.findById(BREACHES_BUILT).lean<{ key: string }>();
  // The hot flags depend on the window: a changed setting flags them again.
  if (marker?.key === key) {
    builtFor = key;
    return;
  }
  builtFor = null;
  breaching ??= rebuildBreaches(window).finally(() => (breaching = null));
  await breaching;
  builtFor = key;
}

/** Rebuilds the breach documents from the substantiated reports (idempotent). */
export async function rebuildBreaches(window: WarningWindow, now = new Date()): Promise<void> {
  const reports = await IncidentReportModel.find({ substantiated: true }).select('unitPath breachKeys occurredAt').lean<Breaching[]>();
  const docs = new Map<string, { _id: string; scope: string; key: string; hits: string[]; hot: boolean }>();
  for (const r of reports) {
    for (const unit of r.unitPath ?? []) {
      for (const key of r.breachKeys ?? []) {
        const _id = `${String(unit)}|${key}`;
        const d = docs.get(_id) ?? { _id, scope: String(unit), key, hits: [], hot: false };
        docs.set(_id, d);
        d.hits.push(hitOf(r._id, r.occurredAt));
      }
    }
  }
  for (const d of docs.values()) d.hot = hitsInWindow(d.hits, window, now).length >= window.threshold;
  await ReportBreachModel.deleteMany({});
  const list = [...docs.values()];
  for (let i = 0; i < list.length; i += 1000) await ReportBreachModel.insertMany(list.slice(i, i + 1000));
  await ReportBreachModel.updateOne({ _id: BREACHES_BUILT }, { $set: { scope: '', key: `${window.threshold}/${window.days}`, hits: [], hot: false } }, { upsert: true });
  await breachesChanged();
}

/** Reporter identities stored before they were sealed are sealed (once per database; see identity-sealing.ts). */
export function sealStoredIdentities(): Promise<number | 'done before'> {
  return once('reporterIdentities.sealed', async () => {
    let changed = 0;
    // The raw collection: the model's reads would open the values, its writes seal them again.
    for await (const raw of ReporterIdentityModel.collection.find({})) {
      const set = sealedUpdate(raw);
      if (!set) continue;
      await ReporterIdentityModel.collection.updateOne({ _id: raw._id }, { $set: set });
      changed++;
    }
    return changed;
  });
}

/** Reports written before the month received was stored get it (once per database). */
export function storeReceivedMonths(): Promise<number | 'done before'> {
  return once('incidentReports.receivedMonth', async () => {
    const missing = await IncidentReportModel.find({ receivedYear: null }).select('receivedAt unitPath').lean();
    const touched = new Map<string, { unitPath: Types.ObjectId[]; years: Set<number> }>();
    for (let i = 0; i < missing.length; i += 500) {
      const ops = missing.slice(i, i + 500).map((r) => ({ updateOne: { filter: { _id: r._id }, update: { $set: receivedMonthOf(r.receivedAt) } } }));
      await IncidentReportModel.bulkWrite(ops, { ordered: false });
    }
    for (const r of missing) {
      const key = String(r.unitPath);
      if (!touched.has(key)) touched.set(key, { unitPath: r.unitPath, years: new Set() });
      touched.get(key)!.years.add(receivedMonthOf(r.receivedAt).receivedYear);
    }
    // Figures a page computed meanwhile, without these reports, are recomputed.
    for (const { unitPath, years } of touched.values()) await recordsChanged(unitPath, ...years);
    return missing.length;
  });
}

/** Start-up work (idempotent): numbers the inbox and builds the counters of a database written before they existed. */
export async function prepareReports(window: WarningWindow, log?: (msg: string) => void): Promise<void> {
  if (!(await caseIndex.ensure(0))) await caseIndex.rebuild(log);
  else await caseIndex.numberLeftPending();
  await ensureCounted();
  await ensureBreaches(window);
}
