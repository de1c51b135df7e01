import { isAliveDuringYear } from '../units/index.js';
import type { Types } from 'mongoose';
import { criteriaOfYear, type YearCriterion } from '../conduct-code/index.js';
import { CLASSIFICATION_LEVELS, classificationsOfYearUnder, LEVEL_SCORE, periodKeysOfYear, resultsOfYearUnder, scoresOf } from '../evaluations/index.js';
import { casesOfYearUnder, casesReceivedUnder } from '../incidents/index.js';
import { ratingsOfYear } from '../satisfaction/index.js';
import { staffUnder } from '../staff/index.js';
import { COMMUNE_KINDS, distinctUnitLabels, predecessorsReportedUnder, reportedUnder, unitById, unitsSnapshot, unitsUnder, type UnitInfo as Unit, type UnitKind } from '../units/index.js';
import { compareVietnamese } from '../shared/text.js';
import { administrativeDecisionUnitsOfYear } from '../discipline/index.js';
import * as statistics from '../statistics/index.js';

/**
 * The year of one unit's subtree for the workbooks. Two sources:
 * - the summary figures of each group (commune) come from the statistics read model, the same figures the dashboard
 *   shows (one definition each, see src/statistics/model.ts), summed over the reporting units in the group;
 * - the per-person detail (scores, incidents, classification, verdict), the incident rows and the desks' monthly
 *   ratings are read in one streaming pass per collection and kept as compact numbers: per-staff values in flat typed
 *   arrays indexed by staff number. Nothing here holds a document once its numbers are taken, so memory grows with
 *   staff × columns only.
 */

const BATCH = 500;
/** Documents between yields, so a long read never holds the event loop. */
const YIELD_EVERY = 500;

export type CriterionInfo = YearCriterion;
export interface PeriodInfo {
  key: string;
  kind: 'monthly' | 'quarterly' | 'yearly';
  number: number;
}
export interface GroupInfo {
  id: string;
  name: string;
  code: string;
  kind: UnitKind;
  /** The unit existed during some of the year (merged-away communes only show with records). */
  alive: boolean;
  /** Names of the units merged into this one by the year's end whose records of the year it includes (the merger year). */
  includes: string[];
}
export interface IncidentRow {
  caseNumber: string;
  occurredAt: Date;
  receivedAt: Date;
  subject: string;
  unitName: string;
  criteria: string[];
  confirmed: string[];
  status: string;
  remedies: string[];
  letterSentAt: Date | null;
  /** The case it was joined to as a duplicate ('' if none): listed, but not counted, as the statistics count it. */
  duplicateOf: string;
}
export interface Progress {
  (phase: 'read' | 'write', done: number, total: number): void;
}

/** Staff flags (bits). */
export const ACTIVE = 1;
export const HAS_EVALUATION = 2;
export const EVALUATED = 4;
/** A substantiated report (fully or partly, whatever its criteria) about the person in the year. */
export const SUBSTANTIATED = 8;

export class YearData {
  staffCount = 0;
  private capacity = 0;
  readonly staffIds: string[] = [];
  readonly names: string[] = [];
  readonly sortKeys: string[] = [];
  readonly positions: string[] = [];
  readonly unitNames: string[] = [];
  /** Per staff: group index, flags, classification (0 none, 1 + level index), breaches. */
  group = new Int32Array(0);
  flags = new Uint8Array(0);
  classification = new Uint8Array(0);
  breaches = new Uint16Array(0);
  /** Per staff × period × criterion: 0 not rated, else score + 1. */
  scores = new Uint8Array(0);
  /** Per staff × criterion: substantiated incidents. */
  incidents = new Uint16Array(0);

  /** Per group: the statistics read model's figures of the reporting units in it, summed. */
  readonly figures: statistics.UnitYearFigures[];
  /** The same for the year before (the province workbook's comparison); filled only when asked for. */
  readonly previousFigures: statistics.UnitYearFigures[];
  /** Per group: administrative discipline decisions (not party ones: see the discipline door) taking effect in the year about people of its units; filled with `previousFigures`. */
  readonly disciplineDecisions: Int32Array;
  /** Per desk (the unit rated): name and 12 months of [total, satisfied] (read for the commune workbook only). */
  readonly desks = new Map<string, { name: string; months: Int32Array }>();
  readonly incidentRows: IncidentRow[] = [];

  constructor(
    readonly year: number,
    readonly root: Unit,
    readonly provinceName: string,
    readonly criteria: CriterionInfo[],
    readonly periods: PeriodInfo[],
    readonly groups: GroupInfo[],
  ) {
    this.figures = groups.map(() => statistics.emptyFigures());
    this.previousFigures = groups.map(() => statistics.emptyFigures());
    this.disciplineDecisions = new Int32Array(groups.length);
  }

  get scoreStride(): number {
    return this.periods.length * this.criteria.length;
  }

  addStaff(s: { id: string; name: string; sortKey: string; position: string; unitName: string; group: number; active: boolean }): number {
    if (this.staffCount === this.capacity) this.grow(Math.max(1024, this.capacity * 2));
    const i = this.staffCount++;
    this.staffIds.push(s.id);
    this.names.push(s.name);
    this.sortKeys.push(s.sortKey);
    this.positions.push(s.position);
    this.unitNames.push(s.unitName);
    this.group[i] = s.group;
    this.flags[i] = s.active ? ACTIVE : 0;
    return i;
  }

  private grow(capacity: number): void {
    const copy = <T extends Int32Array | Uint8Array | Uint16Array>(old: T, make: (n: number) => T, per = 1): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.group = copy(this.group, (n) => new Int32Array(n));
    this.flags = copy(this.flags, (n) => new Uint8Array(n));
    this.classification = copy(this.classification, (n) => new Uint8Array(n));
    this.breaches = copy(this.breaches, (n) => new Uint16Array(n));
    this.scores = copy(this.scores, (n) => new Uint8Array(n), this.scoreStride);
    this.incidents = copy(this.incidents, (n) => new Uint16Array(n), this.criteria.length);
    this.capacity = capacity;
  }

  /** Staff shown for the year: those still active, and anyone on an evaluation roster in it (statistics' staff). */
  listed(i: number): boolean {
    return (this.flags[i]! & (ACTIVE | HAS_EVALUATION)) !== 0;
  }

  /** Listed staff per group, each list in Vietnamese order: given name, family, middle. */
  staffByGroup(): Int32Array[] {
    const counts = new Int32Array(this.groups.length);
    for (let i = 0; i < this.staffCount; i++) if (this.listed(i) && this.group[i]! >= 0) counts[this.group[i]!]!++;
    const lists = Array.from(counts, (n) => new Int32Array(n));
    const filled = new Int32Array(this.groups.length);
    for (let i = 0; i < this.staffCount; i++) {
      const g = this.group[i]!;
      if (this.listed(i) && g >= 0) lists[g]![filled[g]!++] = i;
    }
    const order = (a: number, b: number) => (this.sortKeys[a]! < this.sortKeys[b]! ? -1 : this.sortKeys[a]! > this.sortKeys[b]! ? 1 : compareVietnamese(this.names[a]!, this.names[b]!));
    for (const list of lists) list.sort(order);
    return lists;
  }
}

export type Verdict = 'GOOD' | 'COMPLIANT' | 'BREACHED' | 'NOT_EVALUATED';

/** The year's verdict for one person: any breach or substantiated report outweighs the ratings (as "fully compliant"). */
export function verdictOf(data: YearData, i: number): Verdict {
  if (data.breaches[i]! > 0 || data.flags[i]! & SUBSTANTIATED) return 'BREACHED';
  if (!(data.flags[i]! & EVALUATED)) return 'NOT_EVALUATED';
  const base = i * data.scoreStride;
  for (let k = 0; k < data.scoreStride; k++) {
    const v = data.scores[base + k]!;
    if (v !== 0 && v !== 3) return 'COMPLIANT';
  }
  return 'GOOD';
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

async function each<T>(cursor: AsyncIterable<T>, fn: (doc: T) => void): Promise<number> {
  let n = 0;
  for await (const doc of cursor) {
    fn(doc);
    if (++n % YIELD_EVERY === 0) await yieldNow();
  }
  return n;
}

function periodInfo(key: string): PeriodInfo {
  const q = /^\d{4}-Q(\d)$/.exec(key);
  if (q) return { key, kind: 'quarterly', number: Number(q[1]) };
  const m = /^\d{4}-(\d{2})$/.exec(key);
  if (m) return { key, kind: 'monthly', number: Number(m[1]) };
  return { key, kind: 'yearly', number: 1 };
}

/** Months first, then quarters, then the year: the order a reader scans a year in. */
function comparePeriods(a: PeriodInfo, b: PeriodInfo): number {
  const rank = { monthly: 0, quarterly: 1, yearly: 2 } as const;
  return rank[a.kind] - rank[b.kind] || a.number - b.number;
}

/** The criteria of the province's code in force in the year (older versions' extra codes after them). */


export interface CollectOptions {
  /** Keep the incident rows (the commune workbook lists them); the province workbook only counts. */
  incidentRows?: boolean;
  /** Read the ratings per desk and month (the commune workbook's satisfaction sheet). */
  desks?: boolean;
  /** Read the year before's figures and the year's discipline decisions (the province workbook's comparison sheets). */
  comparison?: boolean;
  /** Reports this user must not see (they are the subject) are left out of the rows. */
  viewerUserId?: Types.ObjectId | null;
  progress?: Progress;
}

/**
 * Reads the year of a unit's subtree: units and periods (small), the groups' figures from the statistics read model,
 * then one cursor per big collection for the per-person detail.
 */
export async function collectYear(root: Unit, year: number, opts: CollectOptions = {}): Promise<YearData> {
  // A successor's year includes the records of the units merged into it by the year's end (read from their own roots).
  const tree = await unitsSnapshot();
  const roots = [root._id, ...(await predecessorsReportedUnder(tree, root._id, year)).map((u) => u._id)];
  const rootIds = new Set(roots.map(String));
  const units = await unitsUnder(roots);
  const byId = new Map(units.map((u) => [String(u._id), u]));
  const province = await unitById(root.path[0]);
  // A group is the commune-level unit a unit lies in; above commune level, the unit just under the root. Each of the
  // statistics' reporting units (a commune, or a unit under no commune) thus falls in exactly one group. A group merged
  // by the year's end into one of the list is reported under it, as the statistics do.
  const ownGroupOf = (u: Unit): Unit => {
    const from = Math.max(0, u.path.findIndex((id) => rootIds.has(String(id))));
    const below = u.path.slice(from).map((id) => byId.get(String(id))).filter((x): x is Unit => !!x);
    return below.find((a) => COMMUNE_KINDS.includes(a.kind as UnitKind)) ?? below[1] ?? below[0] ?? root;
  };
  const groupUnitOf = (u: Unit): Unit => {
    const own = ownGroupOf(u);
    return byId.get(String(reportedUnder(tree, own._id, year)?._id)) ?? own;
  };
  const groupIds = new Map<string, string>();
  const includes = new Map<string, string[]>();
  for (const u of units) {
    const g = groupUnitOf(u);
    groupIds.set(String(u._id), String(g._id));
    if (ownGroupOf(u)._id.equals(u._id) && !g._id.equals(u._id)) includes.set(String(g._id), [...(includes.get(String(g._id)) ?? []), u.name]);
  }
  const alive = units
    .filter((u) => COMMUNE_KINDS.includes(u.kind as UnitKind) && isAliveDuringYear(u, year) && String(reportedUnder(tree, u._id, year)?._id) === String(u._id))
    .map((u) => String(u._id));
  // Above commune level the root only gathers staff of its own offices (visibleGroups drops it when empty).
  const groupUnits = [...new Set([...alive, ...groupIds.values()])].map((id) => byId.get(id)!).filter(Boolean);
  groupUnits.sort((a, b) => compareVietnamese(a.name, b.name));
  const labels = distinctUnitLabels(groupUnits);
  const groups: GroupInfo[] = groupUnits.map((u) => ({
    id: String(u._id),
    name: labels.get(String(u._id)) ?? u.name,
    code: u.code,
    kind: u.kind as UnitKind,
    alive: isAliveDuringYear(u, year),
    includes: (includes.get(String(u._id)) ?? []).sort(compareVietnamese),
  }));
  const groupIndex = new Map(groups.map((g, i) => [g.id, i]));
  const groupOfUnit = (unitId: unknown): number => groupIndex.get(groupIds.get(String(unitId)) ?? '') ?? -1;

  const periods = [...new Set(await periodKeysOfYear(root, year))].map(periodInfo).sort(comparePeriods);
  const criteria = await criteriaOfYear(root.path[0]!, year);
  const data = new YearData(year, root, province?.name ?? root.name, criteria, periods, groups);
  const periodIndex = new Map(periods.map((p, i) => [p.key, i]));
  const criterionIndex = new Map(criteria.map((c, i) => [c.code, i]));
  const staffIndex = new Map<string, number>();
  const C = criteria.length;
  const progress = opts.progress ?? (() => {});
  const phases = opts.desks ? 6 : 5;
  let read = 0;

  for (const u of await statistics.figuresUnder(root, year)) {
    const g = groupOfUnit(u.unitId);
    if (g >= 0) data.figures[g] = statistics.sumFigures([data.figures[g]!, u.figures]);
  }
  if (opts.comparison) {
    for (const u of await statistics.figuresUnder(root, year - 1)) {
      const g = groupOfUnit(u.unitId);
      if (g >= 0) data.previousFigures[g] = statistics.sumFigures([data.previousFigures[g]!, u.figures]);
    }
    for (const unitId of await administrativeDecisionUnitsOfYear(year)) {
      const g = groupOfUnit(unitId);
      if (g >= 0) data.disciplineDecisions[g]!++;
    }
  }
  progress('read', 1, phases);

  for (const from of roots) read += await each(
    staffUnder(from),
    (s) => {
      const unit = byId.get(String(s.unitId));
      const id = String(s._id);
      staffIndex.set(id, data.addStaff({ id, name: s.fullName, sortKey: s.sortKey, position: s.position ?? '', unitName: unit?.name ?? '', group: groupOfUnit(s.unitId), active: s.active !== false }));
    },
  );
  progress('read', 2, phases);

  const stride = data.scoreStride;
  // People no longer active are listed under the group that had them on its latest roster of the year, where the
  // statistics count them (active people are listed where they are now).
  const latestRoster = new Map<number, string>();
  for (const from of roots) read += await each(
    resultsOfYearUnder(from, year),
    (e) => {
      const id = String(e.staffId);
      let i = staffIndex.get(id);
      const g = groupOfUnit(e.reportingUnitId) >= 0 ? groupOfUnit(e.reportingUnitId) : groupOfUnit(e.unitId);
      if (i === undefined) {
        // Evaluated here, since moved elsewhere: still part of this unit's year.
        i = data.addStaff({ id, name: e.staffName, sortKey: e.sortKey, position: e.position ?? '', unitName: e.unitName ?? '', group: g, active: false });
        staffIndex.set(id, i);
      }
      if (!(data.flags[i]! & ACTIVE) && g >= 0 && e.periodKey > (latestRoster.get(i) ?? '')) {
        latestRoster.set(i, e.periodKey);
        data.group[i] = g;
      }
      data.flags[i]! |= HAS_EVALUATION;
      if (e.finalised !== 1) return;
      data.flags[i]! |= EVALUATED;
      const p = periodIndex.get(e.periodKey);
      for (const r of scoresOf(e)) {
        const k = criterionIndex.get(r.criterionCode);
        if (k === undefined) continue;
        if (p !== undefined) data.scores[i * stride + p * C + k] = r.score + 1;
        // The scale's scores: 2 Thực hiện tốt, 1 Thực hiện, 0 Chưa thực hiện (breached).
        if (r.score === LEVEL_SCORE.NOT_DONE) data.breaches[i]!++;
      }
    },
  );
  progress('read', 3, phases);

  const levelIndex = new Map<string, number>(CLASSIFICATION_LEVELS.map((l, i) => [l, i + 1]));
  for (const from of roots) read += await each(classificationsOfYearUnder(from, year), (c) => {
    const i = staffIndex.get(String(c.staffId));
    if (i !== undefined) data.classification[i] = levelIndex.get(c.level) ?? 0;
  });
  progress('read', 4, phases);

  const viewer = opts.viewerUserId ? String(opts.viewerUserId) : null;
  // Conduct by the incident's year (whose conduct was found wanting); the list of reports by the year received, as
  // the statistics count them.
  for (const from of roots) read += await each(casesOfYearUnder(from, year), (r) => {
    const i = r.substantiated && r.staffId ? staffIndex.get(String(r.staffId)) : undefined;
    if (i === undefined) return;
    data.flags[i]! |= SUBSTANTIATED;
    for (const code of r.confirmedCriterionCodes ?? []) {
      const k = criterionIndex.get(code);
      if (k !== undefined) data.incidents[i * C + k]!++;
    }
  });
  if (opts.incidentRows) {
    for (const from of roots) read += await each(casesReceivedUnder(from, year), (r) => {
      if (!(viewer && (r.excludedUserIds ?? []).some((u) => String(u) === viewer))) {
        data.incidentRows.push({
          caseNumber: r.caseNumber!,
          occurredAt: r.occurredAt!,
          receivedAt: r.receivedAt!,
          subject: r.staffName ?? '',
          unitName: r.unitName ?? '',
          criteria: r.criterionCodes ?? [],
          confirmed: r.confirmedCriterionCodes ?? [],
          status: r.status,
          remedies: (r.remedies ?? []).map((m) => m.kind),
          letterSentAt: r.letterSentAt ?? null,
          duplicateOf: r.duplicateOf?.caseId ? (r.duplicateOf.caseNumber ?? '') : '',
        });
      }
    });
  }
  data.incidentRows.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.caseNumber.localeCompare(b.caseNumber));
  progress('read', 5, phases);

  if (opts.desks) {
    for (const from of roots) read += await each(ratingsOfYear({ under: from }, year).cursor({ batchSize: BATCH }), (r) => {
      const m = r.month - 1;
      if (m < 0 || m > 11) return;
      const key = String(r.unitId);
      let desk = data.desks.get(key);
      if (!desk) {
        desk = { name: byId.get(key)?.name ?? '', months: new Int32Array(24) };
        data.desks.set(key, desk);
      }
      desk.months[m * 2]!++;
      desk.months[m * 2 + 1]! += r.satisfied;
    });
    progress('read', 6, phases);
  }
  void read;
  return data;
}

/** The names of merged units as they read inside a sentence ("xã Thanh Luông, xã Hua Thanh"). */
export function mergedNames(names: readonly string[]): string {
  return names.map((n) => n.charAt(0).toLocaleLowerCase('vi') + n.slice(1)).join(', ');
}

/** Group rows worth showing: communes that existed in the year, and any unit with people or records. */
export function visibleGroups(data: YearData): number[] {
  const out: number[] = [];
  for (let g = 0; g < data.groups.length; g++) {
    const f = data.figures[g]!;
    const t = statistics.totalsOf(f);
    const hasData = f.staff > 0 || t.evaluations > 0 || t.reports > 0 || t.ratings > 0 || f.lateDossiers > 0;
    if (hasData || (data.groups[g]!.alive && COMMUNE_KINDS.includes(data.groups[g]!.kind))) out.push(g);
  }
  return out;
}

export { CLASSIFICATION_LEVELS };
