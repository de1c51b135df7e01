import { oneWriterPerDocument } from '../db/one-writer.js';
import { isId } from '../shared/ids.js';
import { isDuplicateKey } from '../db/errors.js';
import { Types } from 'mongoose';
import type { Actor } from '../auth/index.js';
import { coversUnit, scopeRoots } from '../auth/index.js';
import { record } from '../audit/index.js';
import { activeStaffUnder, staffMember } from '../staff/index.js';
import { isCommuneLevel, unitsSnapshot, isAliveAt } from '../units/index.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { ClassificationModel, classificationWrites, type Classification, type ClassificationLevel } from './model.js';
import { keptByKey } from '../shared/kept-in-memory.js';
import { conductPoints, disciplineOf, levelRank, ruleSetFor, suggestLevel, withinOutstandingCap, type ConductSummary, type DisciplineInYear, type RuleSet, type Suggestion } from './classification-rules.js';
import { decisionsTakingEffectIn } from '../discipline/index.js';
import { substantiatedIncidents } from '../incidents/index.js';
import { mapLimited } from '../shared/batches.js';
import { reportingUnitOn, unitsById } from './lookups.js';
import type { CriterionTally } from './tallies.js';
import { EvaluationResultModel, outcomeOf, scoresOf } from './record-model.js';
import { onDisciplineChanged, recordsChanged } from '../shared/changes.js';

/** "Before 15 December" of the year being classified. */
export function classificationDeadline(year: number): Date {
  return new Date(Date.UTC(year, 11, 15));
}

export interface YearRecord {
  summary: ConductSummary;
  perCriterion: CriterionTally[];
}

const emptySummary = (): ConductSummary => ({ evaluations: 0, rated: 0, score: 0, maxScore: 0, good: 0, breaches: 0, substantiatedIncidents: 0 });

const PARALLEL = 6;

/**
 * The year's conduct record of each person: sums over their finalised evaluations, plus substantiated incidents.
 * Read from the compact result records, one `{staffId, year, finalised}` query per person (equalities FerretDB
 * answers from its index), never from the evaluations: a list of a commune's people costs what it shows.
 */
export async function yearRecords(staffIds: readonly Types.ObjectId[], year: number): Promise<Map<string, YearRecord>> {
  const [perStaff, incidents] = await Promise.all([
    mapLimited(staffIds, PARALLEL, (staffId) => EvaluationResultModel.find({ staffId, year, finalised: 1 }).select('criteria scores').lean()),
    substantiatedIncidents(staffIds, new Date(Date.UTC(year, 0, 1)), new Date(Date.UTC(year + 1, 0, 1))),
  ]);
  const records = new Map<string, YearRecord>(staffIds.map((id) => [String(id), { summary: emptySummary(), perCriterion: [] }]));
  staffIds.forEach((id, i) => {
    const r = records.get(String(id))!;
    const tallies = new Map<string, CriterionTally>();
    for (const e of perStaff[i]!) {
      const o = outcomeOf(e);
      r.summary.evaluations++;
      r.summary.score += o.totalScore;
      r.summary.maxScore += o.maxScore;
      r.summary.breaches += o.breachedCount;
      for (const s of scoresOf(e)) {
        let t = tallies.get(s.criterionCode);
        if (!t) tallies.set(s.criterionCode, (t = { criterionCode: s.criterionCode, good: 0, done: 0, breached: 0 }));
        if (s.score >= 2) t.good++;
        else if (s.score === 1) t.done++;
        else t.breached++;
      }
    }
    for (const t of tallies.values()) {
      r.perCriterion.push(t);
      r.summary.good += t.good;
      r.summary.rated += t.good + t.done + t.breached;
    }
  });
  for (const i of incidents) {
    const r = records.get(String(i.staffId));
    if (r) r.summary.substantiatedIncidents++;
  }
  return records;
}

/** Decided levels of everyone else classified in the unit that year: what the 20% cap counts. */
async function othersCounts(reportingUnitId: Types.ObjectId, year: number, exceptStaffId: Types.ObjectId): Promise<Partial<Record<ClassificationLevel, number>>> {
  const groups = await ClassificationModel.aggregate<{ _id: ClassificationLevel; n: number }>([
    { $match: { reportingUnitId, year, staffId: { $ne: exceptStaffId } } },
    { $group: { _id: '$level', n: { $sum: 1 } } },
  ]);
  return Object.fromEntries(groups.map((g) => [g._id, g.n]));
}

/**
 * The discipline decisions that took effect in the year, each with whether its violation's own (earlier) year was
 * rated "không hoàn thành" — what Decree 48/2023's exception asks. One `{staffId, effectiveYear}` look-up, and one
 * `{staffId, year}` (the unique index) per earlier violation year.
 */
async function disciplineInYear(staffId: Types.ObjectId, year: number): Promise<DisciplineInYear[]> {
  const decisions = await decisionsTakingEffectIn(staffId, year);
  const earlierYears = [...new Set(decisions.filter((d) => d.violationYear < year).map((d) => d.violationYear))];
  const earlierLevels = new Map<number, string | undefined>();
  for (const y of earlierYears) earlierLevels.set(y, (await ClassificationModel.findOne({ staffId, year: y }).select('level').lean())?.level);
  return decisions.map((d) => ({ ...d, violationYearRatedNotCompleted: earlierLevels.get(d.violationYear) === 'NOT_COMPLETED' }));
}

async function staffInScope(actor: Actor, staffId: string) {
  if (!isId(staffId)) throw new NotFound();
  const staff = await staffMember(staffId);
  if (!staff) throw new NotFound();
  if (!coversUnit(actor, staff.unitPath, 'head', 'admin')) throw new Forbidden();
  return staff;
}

export interface ClassificationPage {
  staff: { _id: Types.ObjectId; fullName: string; position: string };
  year: number;
  ruleSet: RuleSet;
  record: YearRecord;
  existing: Classification | null;
  suggestion: Suggestion;
  conductPoints: number | null;
  deadline: Date;
  canDecide: boolean;
  /** A record decided with the old "disciplined" checkbox ticked while no decision counts now: shown, not applied. */
  declaredDisciplineOnly: boolean;
  /** The decided level is above what the year's discipline allows now (a decision recorded after it). */
  aboveDisciplineCap: boolean;
}

export async function classificationPage(actor: Actor, staffId: string, year: number): Promise<ClassificationPage> {
  const staff = await staffInScope(actor, staffId);
  const ruleSet = ruleSetFor(year);
  const yearRecord = (await yearRecords([staff._id], year)).get(String(staff._id))!;
  const existing = (await ClassificationModel.findOne({ staffId: staff._id, year }).lean()) as Classification | null;
  const points = ruleSet.scheme === 'points' ? conductPoints(ruleSet, yearRecord.summary) : null;
  const units = await unitsById(staff.unitPath);
  const counts = await othersCounts(reportingUnitOn(staff.unitPath, units), year, staff._id);
  const facts = {
    category: staff.category ?? '',
    discipline: await disciplineInYear(staff._id, year),
    generalPoints: existing?.generalPoints ?? points,
    taskPoints: existing?.taskPoints ?? null,
  };
  const suggestion = suggestLevel(ruleSet, yearRecord.summary, facts, counts);
  return {
    staff: { _id: staff._id, fullName: staff.fullName, position: staff.position ?? '' },
    year,
    ruleSet,
    record: yearRecord,
    existing,
    suggestion,
    declaredDisciplineOnly: !!existing?.disciplined && (existing.disciplineDecisionIds ?? []).length === 0 && suggestion.disciplineCap === null,
    aboveDisciplineCap: !!existing && suggestion.disciplineCap !== null && levelRank(existing.level as ClassificationLevel) > levelRank(suggestion.disciplineCap),
    conductPoints: points,
    deadline: classificationDeadline(year),
    canDecide: !(actor.staffId && staff._id.equals(actor.staffId)),
  };
}

export interface DecisionInput {
  version: number;
  generalPoints?: number | undefined;
  taskPoints?: number | undefined;
  level: ClassificationLevel;
  differenceReason: string;
}

export async function decideClassification(actor: Actor, staffId: string, year: number, input: DecisionInput, now = new Date()): Promise<Classification> {
  const staff = await staffInScope(actor, staffId);
  if (actor.staffId && staff._id.equals(actor.staffId)) throw new Forbidden('evaluations.errors.notOwnClassification');
  const ruleSet = ruleSetFor(year);
  if (ruleSet.scheme === 'points') {
    const errors: Record<string, string> = {};
    if (input.generalPoints === undefined) errors.generalPoints = 'validation.required';
    else if (input.generalPoints > ruleSet.generalMax) errors.generalPoints = 'validation.tooBig';
    if (input.taskPoints === undefined) errors.taskPoints = 'validation.required';
    else if (input.taskPoints > ruleSet.taskMax) errors.taskPoints = 'validation.tooBig';
    if (Object.keys(errors).length) throw new ValidationFailed(errors);
  }
  const facts = { category: staff.category ?? '', discipline: await disciplineInYear(staff._id, year), generalPoints: input.generalPoints ?? null, taskPoints: input.taskPoints ?? null };
  const yearRecord = (await yearRecords([staff._id], year)).get(String(staff._id))!;
  const units = await unitsById(staff.unitPath);
  const reportingUnitId = reportingUnitOn(staff.unitPath, units);
  const counts = await othersCounts(reportingUnitId, year, staff._id);
  const suggestion = suggestLevel(ruleSet, yearRecord.summary, facts, counts);
  const errors: Record<string, string> = {};
  // The decrees leave no judgement here: a level above what the year's discipline allows is refused, with the reason.
  if (suggestion.disciplineCap && levelRank(input.level) > levelRank(suggestion.disciplineCap)) errors.level = 'evaluations.classification.aboveDisciplineCap';
  else if (input.level === 'OUTSTANDING' && !withinOutstandingCap(ruleSet, counts)) errors.level = 'evaluations.classification.capReached';
  // A level refused for discipline needs no reason for differing: no reason would make it acceptable.
  if (errors.level !== 'evaluations.classification.aboveDisciplineCap' && suggestion.level && input.level !== suggestion.level && !input.differenceReason) errors.differenceReason = 'evaluations.validation.differenceReasonRequired';
  if (Object.keys(errors).length) throw new ValidationFailed(errors);

  const fields = {
    staffName: staff.fullName,
    sortKey: staff.sortKey,
    unitId: staff.unitId,
    unitPath: staff.unitPath,
    reportingUnitId,
    ruleSetId: ruleSet.id,
    // Still "disciplined in the year", now derived from the decisions that count (older records keep the head's tick).
    disciplined: suggestion.disciplineCap !== null,
    disciplineDecisionIds: suggestion.discipline.filter((n) => n.verdict === 'counts').map((n) => n.decision.id),
    generalPoints: ruleSet.scheme === 'points' ? facts.generalPoints : null,
    taskPoints: ruleSet.scheme === 'points' ? facts.taskPoints : null,
    suggestedLevel: suggestion.level,
    suggestionBecause: suggestion.because,
    level: input.level,
    differenceReason: suggestion.level && input.level !== suggestion.level ? input.differenceReason : '',
    decidedBy: actor.userId,
    decidedByName: actor.displayName,
    decidedAt: now,
    visibleToStaff: true,
    reviewNeeded: null,
  };
  const existing = (await ClassificationModel.findOne({ staffId: staff._id, year }).lean()) as Classification | null;
  let saved: Classification;
  if (existing) {
    if (existing.version !== input.version) throw new Conflict('evaluations.errors.stale');
    const res = await oneWriterPerDocument(ClassificationModel, existing._id, () => ClassificationModel.updateOne({ _id: existing._id, version: input.version }, { $set: fields, $inc: { version: 1 } }));
    if (res.matchedCount === 0) throw new Conflict('evaluations.errors.stale');
    saved = (await ClassificationModel.findById(existing._id).lean()) as Classification;
  } else {
    try {
      saved = (await ClassificationModel.create({ staffId: staff._id, year, ...fields })).toObject() as Classification;
    } catch (err) {
      if (isDuplicateKey(err)) throw new Conflict('evaluations.errors.stale');
      throw err;
    }
  }
  await recordsChanged(staff.unitPath, year);
  const view = (c: Classification | null) =>
    c && { level: c.level, suggestedLevel: c.suggestedLevel, differenceReason: c.differenceReason, disciplined: c.disciplined, generalPoints: c.generalPoints, taskPoints: c.taskPoints };
  await record({ actor, objectType: 'classification', objectId: saved._id, action: existing ? 'update' : 'decide', before: view(existing), after: view(saved), unitPath: staff.unitPath });
  return saved;
}

/**
 * After a person's discipline decisions of a year change: when the year is already classified above what its
 * discipline now allows, the classification is marked as needing a new decision (the level itself is the head's
 * and stays until they decide again); when it no longer is, the mark goes. Audited as the system's.
 */
async function reviewAfterDiscipline(staffId: Types.ObjectId, year: number): Promise<void> {
  const existing = (await ClassificationModel.findOne({ staffId, year }).lean()) as Classification | null;
  if (!existing) return;
  const staff = await staffMember(String(staffId));
  const ruleSet = ruleSetFor(year);
  const { cap, notes } = disciplineOf(ruleSet, { category: staff?.category ?? '', discipline: await disciplineInYear(staffId, year), generalPoints: existing.generalPoints ?? null, taskPoints: existing.taskPoints ?? null });
  const above = cap !== null && levelRank(existing.level as ClassificationLevel) > levelRank(cap);
  const reviewNeeded = above ? { cap, decisionNumbers: notes.filter((n) => n.verdict === 'counts').map((n) => n.decision.decisionNumber), at: new Date() } : null;
  if (!reviewNeeded && !existing.reviewNeeded) return;
  await ClassificationModel.updateOne({ _id: existing._id }, { $set: { reviewNeeded }, $inc: { version: 1 } });
  await record({
    actor: null,
    objectType: 'classification',
    objectId: existing._id,
    action: reviewNeeded ? 'reviewNeeded' : 'reviewCleared',
    before: { level: existing.level },
    after: reviewNeeded ? { level: existing.level, cap, decisions: reviewNeeded.decisionNumbers.join(', ') } : { level: existing.level },
    unitPath: existing.unitPath,
  });
}

onDisciplineChanged(async ({ staffId, years }) => {
  for (const year of years) await reviewAfterDiscipline(staffId, year);
});

export interface ClassificationListRow {
  staffId: string;
  fullName: string;
  position: string;
  summary: ConductSummary;
  level: ClassificationLevel | null;
  suggestedLevel: ClassificationLevel | null;
  /** A discipline decision recorded after the level caps the year below it: decide again. */
  reviewNeeded: boolean;
}

/** The commune-level units (and grant units) an actor may classify in, for the unit picker. */
export async function classificationUnits(actor: Actor): Promise<{ id: string; name: string; commune: boolean }[]> {
  const roots = scopeRoots(actor, 'head', 'admin');
  const units = (await unitsSnapshot()).all.filter(
    (u) => isAliveAt(u) && (roots.some((r) => r.equals(u._id)) || (isCommuneLevel(u.kind) && u.path.some((p) => roots.some((r) => r.equals(p))))),
  );
  return [...units]
    .sort((a, b) => a.depth - b.depth || a.name.localeCompare(b.name, 'vi'))
    .map((u) => ({ id: String(u._id), name: u.name, commune: isCommuneLevel(u.kind) }));
}

/** Everyone active in a unit with their year's record and classification; the unit must be in scope. */
export async function classificationList(actor: Actor, unitId: string, year: number): Promise<ClassificationListRow[]> {
  if (!isId(unitId)) throw new NotFound();
  const unit = (await unitsSnapshot()).byId(unitId);
  if (!unit) throw new NotFound();
  if (!coversUnit(actor, unit.path, 'head', 'admin')) throw new Forbidden();
  const staff = await activeStaffUnder(unit._id, { limit: 500 });
  const records = await yearRecords(staff.map((s) => s._id), year);
  // One `{staffId, year}` look-up per person (the unique index): `staffId: {$in}` would read the province's year.
  const decisions = await mapLimited(staff, PARALLEL, (s) => ClassificationModel.findOne({ staffId: s._id, year }).select('staffId level suggestedLevel reviewNeeded').lean());
  const decided = new Map(decisions.filter((c) => !!c).map((c) => [String(c.staffId), c]));
  return staff.map((s) => ({
    staffId: String(s._id),
    fullName: s.fullName,
    position: s.position ?? '',
    summary: records.get(String(s._id))!.summary,
    level: (decided.get(String(s._id))?.level as ClassificationLevel | undefined) ?? null,
    suggestedLevel: (decided.get(String(s._id))?.suggestedLevel as ClassificationLevel | null | undefined) ?? null,
    reviewNeeded: !!decided.get(String(s._id))?.reviewNeeded,
  }));
}

/** A person's own classifications, once decided. */
/** A person's visible classifications, kept until a classification changes (the "my evaluations" page asks every time). */
const keptOwnClassifications = keptByKey<{ list: readonly Classification[] }>(classificationWrites, 1000);

export async function myClassifications(actor: Actor): Promise<readonly Classification[]> {
  const staffId = actor.staffId;
  if (!staffId) return [];
  const kept = await keptOwnClassifications(String(staffId), async () => {
    const list = (await ClassificationModel.find({ staffId, visibleToStaff: true }).lean()) as Classification[];
    // Newest year first, sorted here: the engine does not sort.
    return { list: Object.freeze(list.sort((a, b) => b.year - a.year).map((c) => Object.freeze(c))) };
  });
  return kept!.list;
}
