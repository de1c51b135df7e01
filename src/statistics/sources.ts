import type { Types } from 'mongoose';
import { classificationsCountedBy, LEVEL_SCORE, resultsCountedBy, scoresOf } from '../evaluations/index.js';
import { lateDossiersOfYear } from '../dossiers/index.js';
import { casesReceivedBy, conductCasesOf } from '../incidents/index.js';
import { ratingsOfYear } from '../satisfaction/index.js';
import { staffCountedBy, staffFormerlyIn, staffMember } from '../staff/index.js';
import { vietnamDay } from '../shared/dates.js';
import { COMMUNE_KINDS, type UnitKind } from '../units/index.js';
import type { RecordsOf } from '../shared/records-of.js';
import type { UnitYearFigures } from './model.js';
import { addRating, emptyDeskMonth } from './desk-ratings.js';

// The one place that reads other features' records for the statistics, through each feature's readers.
// Every query is an equality on indexed top-level fields and returns one reporting unit's records of one year.

export interface ReportingUnit {
  _id: Types.ObjectId;
  path: Types.ObjectId[];
  kind: UnitKind;
  name: string;
}

/** A commune owns everything under it; any other reporting unit owns only what sits on it directly. */
function ownedBy(unit: ReportingUnit): RecordsOf {
  return COMMUNE_KINDS.includes(unit.kind) ? { under: unit._id } : { on: unit._id };
}

const FEEDBACK_FIGURE = { SATISFIED: 'satisfied', NEUTRAL: 'neutral', DISSATISFIED: 'dissatisfied', NOT_RESOLVED: 'reopened' } as const;

const bump = (map: Record<string, number>, key: string | number, by = 1) => (map[key] = (map[key] ?? 0) + by);

/** Staff looked up one by one (`_id`): people the unit evaluated whose staff record now sits elsewhere. */
const LOOKUP_CONCURRENCY = 8;

type StaffHistory = {
  unitId: Types.ObjectId;
  unitPath: Types.ObjectId[];
  active?: boolean | null;
  inactiveSince?: Date | null;
  unitHistory?: { unitId: Types.ObjectId; unitPath: Types.ObjectId[]; until: Date }[] | null;
};

/** Whether the person worked at (or under) the unit on a day: the earliest unit they left after it, else the current. */
function workedAt(s: StaffHistory, of: RecordsOf, day: Date): boolean {
  const stay = (s.unitHistory ?? []).filter((h) => h.until.getTime() > day.getTime()).sort((a, b) => a.until.getTime() - b.until.getTime())[0];
  const unitId = stay ? stay.unitId : s.unitId;
  const unitPath = stay ? stay.unitPath : s.unitPath;
  return 'under' in of ? unitPath.some((id) => id.equals(of.under)) : unitId.equals(of.on);
}

/** Whether the person was working on a day: by the day they stopped when known, else by their flag. */
const activeAt = (s: StaffHistory, day: Date) => (s.inactiveSince ? s.inactiveSince.getTime() > day.getTime() : s.active !== false);

export async function computeOwnFigures(unit: ReportingUnit, year: number): Promise<UnitYearFigures> {
  const owned = ownedBy(unit);
  const [staff, results, reports, conduct, ratings, classes, dossiers] = await Promise.all([
    // Active or not: people who left still count for a year in which the unit evaluated them.
    staffCountedBy(owned),
    resultsCountedBy(unit._id, year),
    casesReceivedBy(owned, year),
    conductCasesOf(owned, year),
    ratingsOfYear(owned, year),
    classificationsCountedBy(unit._id, year),
    lateDossiersOfYear(owned, year),
  ]);

  const figures: UnitYearFigures = {
    staff: 0,
    activeStaff: 0,
    under40: 0,
    staffByCategory: {},
    periods: {},
    results: {},
    evaluatedStaff: 0,
    fullyCompliant: 0,
    reports: {},
    reportsByCriterion: {},
    substantiatedByCriterion: {},
    substantiatedByMonth: {},
    remediesByMonth: {},
    handlingFeedback: { satisfied: 0, neutral: 0, dissatisfied: 0, reopened: 0 },
    ratings: {},
    ratingsByDesk: {},
    classification: {},
    unclassified: 0,
    lateDossiers: dossiers.length,
    apologyBreaches: dossiers.reduce((n, d) => n + (d.breachesApology ?? 0), 0),
  };

  const rostered = new Set<string>();
  const breachesByStaff = new Map<string, number>();
  for (const r of results) {
    const id = String(r.staffId);
    rostered.add(id);
    const p = (figures.periods[r.periodKey] ??= { total: 0, finalised: 0 });
    p.total++;
    if (!r.finalised) continue;
    p.finalised++;
    let breaches = 0;
    for (const { criterionCode, score } of scoresOf(r)) {
      const c = (figures.results[criterionCode] ??= { good: 0, done: 0, breached: 0, ok: 0, all: 0 });
      c.all++;
      if (score === LEVEL_SCORE.GOOD) c.good++;
      else if (score === LEVEL_SCORE.DONE) c.done++;
      if (score > LEVEL_SCORE.NOT_DONE) c.ok++;
      else {
        c.breached++;
        breaches++;
      }
    }
    breachesByStaff.set(id, (breachesByStaff.get(id) ?? 0) + breaches);
  }

  // People of the year: active staff of the unit, and people no longer active whom it had on a roster this year.
  type Counted = { birthYear: number; category?: string; educationLevel?: string; politicalTheoryLevel?: string; generalEducation?: string };
  const counted = new Map<string, Counted>();
  const countedOf = (s: { birthYear?: number; category?: string; educationLevel?: string; politicalTheoryLevel?: string; generalEducation?: string }): Counted => ({
    birthYear: s.birthYear ?? 0,
    category: s.category,
    educationLevel: s.educationLevel,
    politicalTheoryLevel: s.politicalTheoryLevel,
    generalEducation: s.generalEducation,
  });
  const ownedIds = new Set<string>();
  // A year that has ended is counted as at its last day (staff history): who worked here then, active then — also
  // people who have moved away since; not those who came after. The current year is today's roster.
  const yearEnd = new Date(Date.UTC(year + 1, 0, 1));
  const ended = yearEnd.getTime() <= vietnamDay().getTime();
  const people = ended ? [...new Map([...staff, ...(await staffFormerlyIn(owned))].map((s) => [String(s._id), s])).values()] : staff;
  for (const s of people) {
    const id = String(s._id);
    if (ended && !workedAt(s, owned, yearEnd)) continue;
    ownedIds.add(id);
    const active = ended ? activeAt(s, yearEnd) : s.active !== false;
    if (active) figures.activeStaff++;
    if (active || rostered.has(id)) counted.set(id, countedOf(s));
  }
  // Rostered here but their staff record sits elsewhere now (moved, or moved and left): counted here only if no
  // longer active, else where they are now. A few `_id` look-ups: movers are few.
  const elsewhere = [...rostered].filter((id) => !ownedIds.has(id));
  for (let i = 0; i < elsewhere.length; i += LOOKUP_CONCURRENCY) {
    const slice = elsewhere.slice(i, i + LOOKUP_CONCURRENCY);
    const found = await Promise.all(slice.map((id) => staffMember(id)));
    slice.forEach((id, k) => {
      const s = found[k];
      if (!s || s.active === false) counted.set(id, s ? countedOf(s) : { birthYear: 0 });
    });
  }
  figures.staff = counted.size;
  for (const c of counted.values()) {
    const young = c.birthYear > 0 && year - c.birthYear < 40;
    if (young) figures.under40++;
    const g = (figures.staffByCategory![c.category ?? 'unknown'] ??= { total: 0, under40: 0, education: {}, politicalTheory: {}, generalEducation: {} });
    g.total++;
    if (young) g.under40++;
    bump(g.education, c.educationLevel ?? 'unknown');
    bump(g.politicalTheory, c.politicalTheoryLevel ?? 'unknown');
    bump(g.generalEducation!, c.generalEducation ?? 'unknown');
  }

  for (const r of reports) {
    const month = r.receivedMonth ?? 0;
    bump((figures.reports[month] ??= {}), r.status);
    for (const code of r.criterionCodes ?? []) bump(figures.reportsByCriterion, code);
    for (const f of r.feedback ?? []) figures.handlingFeedback[FEEDBACK_FIGURE[f.answer]]++;
    for (const kind of new Set((r.remedies ?? []).map((x) => x.kind))) bump((figures.remediesByMonth![month] ??= {}), kind);
    if (!r.substantiated) continue;
    bump(figures.substantiatedByMonth!, month);
    for (const code of r.confirmedCriterionCodes ?? []) bump(figures.substantiatedByCriterion, code);
  }
  // Compliance is about conduct in the year: a report received in January about December counts for December's year.
  const withIncidents = new Set(conduct.filter((r) => r.substantiated && r.staffId).map((r) => String(r.staffId)));
  figures.evaluatedStaff = breachesByStaff.size;
  for (const [id, breaches] of breachesByStaff) if (breaches === 0 && !withIncidents.has(id)) figures.fullyCompliant++;

  for (const r of ratings) {
    const m = (figures.ratings[r.month] ??= { total: 0, satisfied: 0 });
    m.total++;
    m.satisfied += r.satisfied;
    const d = ((figures.ratingsByDesk[String(r.unitId)] ??= {})[r.month] ??= emptyDeskMonth());
    addRating(d, r);
  }
  const classified = new Set<string>();
  for (const c of classes) {
    bump(figures.classification, c.level);
    classified.add(String(c.staffId));
  }
  for (const id of counted.keys()) if (!classified.has(id)) figures.unclassified++;
  return figures;
}
