import { oneWriterPerDocument } from '../db/one-writer.js';
import { isId } from '../shared/ids.js';
import { forgetPerRequest, memoisedPerRequest } from '../shared/request-memo.js';
import { Types } from 'mongoose';
import type { Actor } from '../auth/index.js';
import { coversUnit, hasActiveLogin, hasRole } from '../auth/index.js';
import { record } from '../audit/index.js';
import { Conflict, Forbidden, NotFound, ValidationFailed, type FieldErrors } from '../shared/errors.js';
import {
  COPIES_READY,
  EvaluationModel,
  LEVEL_SCORE,
  type Evaluation,
  type EvaluationStatus,
  type HeadRating,
  type Level,
  type Period,
  type SelfRating,
} from './model.js';
import { catalogueOf, type CatalogueInfo } from './lookups.js';
import { endExclusive, isPastDeadline, keptPeriod } from './periods.js';
import { formatDate } from '../shared/dates.js';
import { disagreements, resultsOf, statusOf } from './derive.js';
import { checkRetaliation } from '../incidents/index.js';
import { substantiatedIncidents, type SubstantiatedIncident } from '../incidents/index.js';
import { isCurrentCopy, markCopied, saveResultRecord, saveResultRecordAfter } from './results-store.js';
import { EvaluationResultModel, outcomeOf, RECORD_SHAPE, RESULT_SOURCE_FIELDS, resultRecordOf, type EvaluationResult, type Source } from './record-model.js';
import { vietnamYear } from './periods.js';
import { ratingFields } from './audit-fields.js';

export { vietnamYear } from './periods.js';
export { createPeriod, openPeriod, reopenPeriod, assertMayReopen, syncPeriod, listPeriods, unitsForNewPeriod, findPeriodOr404 } from './periods.js';
export { startOpening, startSync, periodJob, closePeriod, idle as jobsIdle } from './jobs.js';

/** A rating row as posted by a form: every field may be missing. */
export type PostedRatings = Record<string, { level?: Level | undefined; comment?: string | undefined; reason?: string | undefined } | undefined>;

export async function findEvaluationOr404(id: string): Promise<Evaluation> {
  if (!isId(id)) throw new NotFound();
  const evaluation = await EvaluationModel.findById(id).lean();
  if (!evaluation) throw new NotFound();
  return evaluation as Evaluation;
}

/**
 * The evaluation a form POST is about, read once for the route's authorisation check and the save that follows (the
 * save takes it out of the request's memo, so a page rendered after it — a conflict, invalid input — reads it again).
 * Outside a request every call reads. The save itself still matches the version the form was loaded with.
 */
const forWriteKey = (id: string) => `evaluations.forWrite.${id}`;
function evaluationForWrite(id: string): Promise<Evaluation> {
  return memoisedPerRequest(forWriteKey(id), () => findEvaluationOr404(id));
}
async function takeEvaluationForWrite(id: string): Promise<Evaluation> {
  try {
    return await evaluationForWrite(id);
  } finally {
    forgetPerRequest(forWriteKey(id));
  }
}

/** The evaluation's period, from the copy kept in memory while no period changes (periods.ts `keptPeriod`). */
async function periodOfEvaluation(evaluation: Evaluation): Promise<Period> {
  const period = await keptPeriod(String(evaluation.periodId));
  if (!period) throw new NotFound();
  return period as Period;
}

// ── Who may do what ────────────────────────────────────────────────────────────────────────────

export function isOwner(actor: Actor, evaluation: Pick<Evaluation, 'staffId'>): boolean {
  return actor.staffId !== null && evaluation.staffId.equals(actor.staffId);
}

/** The head of the person's unit or above; nobody evaluates themself. */
export function canEvaluate(actor: Actor, evaluation: Pick<Evaluation, 'staffId' | 'unitPath'>): boolean {
  return coversUnit(actor, evaluation.unitPath, 'head', 'admin') && !isOwner(actor, evaluation);
}

function assertWritable(period: Period): void {
  if (period.status === 'CLOSED') throw new Conflict('evaluations.errors.periodClosed');
  if (period.status !== 'OPEN') throw new Conflict('evaluations.errors.periodNotOpen');
}

/**
 * The evaluation as a save will leave it, as far as its compact record goes (the top-level fields set), or null when
 * the update sets a nested field the record is made from.
 */
function projectedSource(evaluation: Evaluation, set: Record<string, unknown>, version: number): Source | null {
  const copied = new Set(RESULT_SOURCE_FIELDS.split(' ').map((f) => f.split('.')[0]!));
  if (Object.keys(set).some((k) => k.includes('.') && copied.has(k.split('.')[0]!))) return null;
  const top = Object.fromEntries(Object.entries(set).filter(([k]) => !k.includes('.')));
  return { ...evaluation, ...top, version } as Source;
}

/**
 * Saves with the version the form was loaded with; a stale version means someone else saved first. Once saved, its
 * audit entry (`audited`, given the saved document) is written beside the compact copies, not after them.
 *
 * The copies are written as cheaply as the evaluation read allows. When it was read with its copies written (no
 * `copyPending`, the period's copies READY) its record and tally count it as read, so:
 * - a save that leaves the record's content as it is (a draft saved again) writes the evaluation and the audit entry
 *   only — no mark, no copy: a crash after the evaluation write leaves copies that are still right;
 * - any other save sets the mark, writes the record without reading it first, changes the tally only when what it
 *   counts changed and tells the statistics only when what they count changed (results-store saveResultRecordAfter),
 *   then clears the mark. A crash before the clearing leaves the mark, which the start-up repair finds with one
 *   equality query, and the evaluation page repairs on opening (healCopies).
 * Otherwise (a mark left by an earlier save, a period whose copies are being built) the copies are rewritten from the
 * record as stored (saveResultRecord).
 */
async function saveVersioned(evaluation: Evaluation, period: Period, expectedVersion: number, update: Record<string, unknown>, audited: (saved: Evaluation) => Promise<void>): Promise<Evaluation> {
  if (expectedVersion !== evaluation.version) throw new Conflict('evaluations.errors.stale');
  const given = (update.$set as Record<string, unknown> | undefined) ?? {};
  const settled = !evaluation.copyPending && (period.copies ?? 0) >= COPIES_READY;
  const projected = projectedSource(evaluation, given, expectedVersion + 1);
  const unchanged = settled && projected !== null && isCurrentCopy(resultRecordOf(evaluation), projected);
  // `copyPending` marks the evaluation until its compact copies are written (no transaction): a crash between the
  // writes leaves the mark, which the start-up repair finds with one equality query (results-store.ts).
  const set = unchanged ? given : { ...given, copyPending: 1 };
  // One round trip: the saved document comes back with the update.
  const saved = await oneWriterPerDocument(EvaluationModel, evaluation._id, () =>
    EvaluationModel.findOneAndUpdate({ _id: evaluation._id, version: expectedVersion }, { ...update, $set: set, $inc: { version: 1 } }, { returnDocument: 'after' }).lean<Evaluation>(),
  );
  if (!saved) throw new Conflict('evaluations.errors.stale');
  // The record as saved is checked, not only as projected: a field written meanwhile without a version (a sort key)
  // has the copies rewritten.
  if (unchanged && isCurrentCopy(resultRecordOf(evaluation), saved)) {
    await audited(saved);
    return saved;
  }
  const copied = async () => {
    if (settled) await saveResultRecordAfter(evaluation, saved);
    else await saveResultRecord(saved);
    await markCopied([saved]);
  };
  await Promise.all([copied(), audited(saved)]);
  return saved;
}

/** For a form's `authorize`: the person's own evaluation only. */
export async function assertMaySelfAssess(actor: Actor, evaluationId: string): Promise<void> {
  if (!isOwner(actor, await evaluationForWrite(evaluationId))) throw new Forbidden('evaluations.errors.onlyOwnSelfAssessment');
}

/** For a form's `authorize`: the head of the person's unit or above, not the person. */
export async function assertMayEvaluate(actor: Actor, evaluationId: string): Promise<void> {
  if (!canEvaluate(actor, await evaluationForWrite(evaluationId))) throw new Forbidden('evaluations.errors.onlyHeadEvaluates');
}

// ── Self-assessment ────────────────────────────────────────────────────────────────────────────

export interface SelfAssessmentInput {
  version: number;
  ratings: PostedRatings;
  overallComment: string;
  submit: boolean;
}

export async function saveSelfAssessment(actor: Actor, evaluationId: string, input: SelfAssessmentInput, now = new Date()): Promise<Evaluation> {
  const evaluation = await takeEvaluationForWrite(evaluationId);
  if (!isOwner(actor, evaluation)) throw new Forbidden('evaluations.errors.onlyOwnSelfAssessment');
  const period = await periodOfEvaluation(evaluation);
  assertWritable(period);
  if (evaluation.selfAssessment.submittedAt || evaluation.status === 'FINALISED') throw new Conflict('evaluations.errors.selfAlreadySubmitted');

  const { criteria } = await catalogueOf(evaluation.codeVersionId);
  const errors: FieldErrors = {};
  const ratings: SelfRating[] = [];
  for (const c of criteria) {
    const posted = input.ratings[c.code];
    if (posted?.level) ratings.push({ criterionCode: c.code, level: posted.level, score: LEVEL_SCORE[posted.level], comment: posted.comment ?? '' });
    else if (input.submit) errors[`ratings.${c.code}.level`] = 'evaluations.validation.levelRequired';
  }
  if (Object.keys(errors).length > 0) throw new ValidationFailed(errors);

  const selfSubmitted = input.submit ? 1 : 0;
  const status = statusOf({ selfSubmitted, evaluated: evaluation.evaluated, finalised: evaluation.finalised });
  const selfAssessment = { ratings, overallComment: input.overallComment, savedAt: now, submittedAt: input.submit ? now : null };
  return saveVersioned(
    evaluation,
    period,
    input.version,
    { $set: { selfAssessment, selfSubmitted, status, disagreementCodes: input.submit ? disagreements(ratings, evaluation.headEvaluation.ratings) : [] } },
    (saved) =>
      record({
        actor,
        objectType: 'evaluation',
        objectId: evaluation._id,
        action: input.submit ? 'selfAssessment.submit' : 'selfAssessment.save',
        before: { status: evaluation.status, ...ratingFields(evaluation.selfAssessment.ratings, evaluation.selfAssessment.overallComment) },
        after: { status: saved.status, ...ratingFields(saved.selfAssessment.ratings, saved.selfAssessment.overallComment) },
        unitPath: evaluation.unitPath,
      }),
  );
}

// ── Head evaluation ────────────────────────────────────────────────────────────────────────────

export type HeadAction = 'save' | 'fillGood' | 'finalise';

export interface HeadEvaluationInput {
  version: number;
  ratings: PostedRatings;
  overallComment: string;
  linkedReportIds: string[];
  action: HeadAction;
}

/**
 * Reads the posted head ratings against the catalogue: every criterion rated (blanks become "Thực hiện tốt"
 * only when the head asked for it), and a reason for every rating below "Thực hiện".
 */
function headRatingsFrom(catalogue: CatalogueInfo, posted: PostedRatings, fillGood: boolean, previous: readonly HeadRating[]): HeadRating[] {
  const errors: FieldErrors = {};
  const before = new Map(previous.map((r) => [r.criterionCode, r]));
  const ratings: HeadRating[] = [];
  for (const c of catalogue.criteria) {
    const row = posted[c.code];
    const reason = row?.reason ?? '';
    let level = row?.level;
    let bulk = false;
    if (!level && fillGood) {
      level = 'GOOD';
      bulk = true;
    } else if (level && before.get(c.code)?.level === level) {
      bulk = before.get(c.code)!.bulk ?? false;
    }
    if (!level) {
      errors[`ratings.${c.code}.level`] = 'evaluations.validation.levelRequired';
      continue;
    }
    if (level === 'NOT_DONE' && !reason) errors[`ratings.${c.code}.reason`] = 'evaluations.validation.reasonRequired';
    ratings.push({ criterionCode: c.code, level, score: LEVEL_SCORE[level], reason, bulk });
  }
  if (Object.keys(errors).length > 0) throw new ValidationFailed(errors);
  return ratings;
}

export async function incidentsForEvaluation(evaluation: Evaluation, period: Period): Promise<SubstantiatedIncident[]> {
  return substantiatedIncidents([evaluation.staffId], period.startDate, endExclusive(period));
}

export async function saveHeadEvaluation(actor: Actor, evaluationId: string, input: HeadEvaluationInput, now = new Date()): Promise<Evaluation> {
  const evaluation = await takeEvaluationForWrite(evaluationId);
  if (!canEvaluate(actor, evaluation)) throw new Forbidden('evaluations.errors.onlyHeadEvaluates');
  const period = await periodOfEvaluation(evaluation);
  assertWritable(period);
  if (evaluation.status === 'FINALISED') throw new Conflict('evaluations.errors.finalisedUseAmend');
  // The person keeps their say until the deadline: a head may save a draft, not close the form on them.
  if (input.action === 'finalise' && (await awaitsSelfAssessment(evaluation, period, now))) {
    throw new Conflict('evaluations.errors.awaitSelfAssessment', { date: formatDate(period.deadline) });
  }

  const catalogue = await catalogueOf(evaluation.codeVersionId);
  const ratings = headRatingsFrom(catalogue, input.ratings, input.action === 'fillGood', evaluation.headEvaluation.ratings);
  const offered = new Set((await incidentsForEvaluation(evaluation, period)).map((i) => String(i._id)));
  if (input.linkedReportIds.some((id) => !offered.has(id))) throw new ValidationFailed({ linkedReportIds: 'validation.invalidChoice' });

  const finalised = input.action === 'finalise' ? 1 : 0;
  const headEvaluation = {
    ratings,
    overallComment: input.overallComment,
    evaluatorId: actor.userId,
    evaluatorName: actor.displayName,
    linkedReportIds: input.linkedReportIds.map((id) => new Types.ObjectId(id)),
    evaluatedAt: now,
    finalisedAt: finalised ? now : null,
  };
  const saved = await saveVersioned(
    evaluation,
    period,
    input.version,
    {
      $set: {
        headEvaluation,
        ...resultsOf(ratings),
        evaluated: 1,
        finalised,
        status: statusOf({ selfSubmitted: evaluation.selfSubmitted, evaluated: 1, finalised }),
        disagreementCodes: evaluation.selfAssessment.submittedAt ? disagreements(evaluation.selfAssessment.ratings, ratings) : [],
      },
    },
    (after) =>
      record({
        actor,
        objectType: 'evaluation',
        objectId: evaluation._id,
        action: finalised ? 'finalise' : 'evaluate',
        before: { status: evaluation.status, ...ratingFields(evaluation.headEvaluation.ratings, evaluation.headEvaluation.overallComment), linkedReportIds: evaluation.headEvaluation.linkedReportIds ?? [] },
        after: { status: after.status, ...ratingFields(after.headEvaluation.ratings, after.headEvaluation.overallComment), linkedReportIds: after.headEvaluation.linkedReportIds ?? [] },
        unitPath: evaluation.unitPath,
      }),
  );
  // Anti-retaliation watch: a finalised rating below the person's own assessment — or, when they never sent one, below
  // "Thực hiện" on every criterion — is checked against reports they filed.
  if (finalised) {
    const scoreBefore = evaluation.selfAssessment.submittedAt ? totalOf(evaluation.selfAssessment.ratings) : ratings.length * LEVEL_SCORE.DONE;
    await checkRetaliation({ ...retaliationSubject(actor, evaluation, now), scoreBefore, scoreAfter: saved.totalScore });
  }
  return saved;
}

/**
 * Not self-assessed yet by a person who can (they have a login), and the period's deadline still to come: finalising
 * would take their form away. People without a login are evaluated by their head alone.
 */
async function awaitsSelfAssessment(evaluation: Pick<Evaluation, 'selfAssessment' | 'staffId'>, period: Pick<Period, 'deadline'>, now: Date): Promise<boolean> {
  if (evaluation.selfAssessment.submittedAt || isPastDeadline(period, now)) return false;
  return hasActiveLogin(evaluation.staffId);
}

const totalOf = (ratings: readonly { score: number }[]) => ratings.reduce((n, r) => n + r.score, 0);
const retaliationSubject = (actor: Actor, evaluation: Evaluation, at: Date) => ({ staffId: evaluation.staffId, evaluatorUserId: actor.userId, evaluationId: evaluation._id, periodKey: evaluation.periodKey, at });

// ── Amendment of a finalised evaluation ───────────────────────────────────────────────────────

export interface AmendmentInput {
  version: number;
  ratings: PostedRatings;
  reason: string;
}

export async function amendEvaluation(actor: Actor, evaluationId: string, input: AmendmentInput, now = new Date()): Promise<Evaluation> {
  const evaluation = await takeEvaluationForWrite(evaluationId);
  if (!canEvaluate(actor, evaluation)) throw new Forbidden('evaluations.errors.onlyHeadEvaluates');
  const period = await periodOfEvaluation(evaluation);
  assertWritable(period);
  if (evaluation.status !== 'FINALISED') throw new Conflict('evaluations.errors.notFinalised');

  const catalogue = await catalogueOf(evaluation.codeVersionId);
  const ratings = headRatingsFrom(catalogue, input.ratings, false, evaluation.headEvaluation.ratings);
  const same = (a: HeadRating, b: HeadRating | undefined) => !!b && a.level === b.level && a.reason === b.reason;
  const previous = new Map(evaluation.headEvaluation.ratings.map((r) => [r.criterionCode, r]));
  if (ratings.every((r) => same(r, previous.get(r.criterionCode)))) throw new ValidationFailed({ reason: 'evaluations.validation.noChange' });

  const amendment = { reason: input.reason, authorId: actor.userId, authorName: actor.displayName, at: now, before: evaluation.headEvaluation.ratings, after: ratings };
  const saved = await saveVersioned(
    evaluation,
    period,
    input.version,
    {
      $set: {
        'headEvaluation.ratings': ratings,
        ...resultsOf(ratings),
        disagreementCodes: evaluation.selfAssessment.submittedAt ? disagreements(evaluation.selfAssessment.ratings, ratings) : [],
      },
      $push: { amendments: amendment },
    },
    () =>
      record({
        actor,
        objectType: 'evaluation',
        objectId: evaluation._id,
        action: 'amend',
        before: ratingFields(evaluation.headEvaluation.ratings),
        after: { ...ratingFields(ratings), amendReason: input.reason },
        unitPath: evaluation.unitPath,
      }),
  );
  await checkRetaliation({ ...retaliationSubject(actor, evaluation, now), scoreBefore: evaluation.totalScore, scoreAfter: saved.totalScore });
  return saved;
}

// ── Reading ───────────────────────────────────────────────────────────────────────────────────

export interface EvaluationPage {
  evaluation: Evaluation;
  period: Period;
  catalogue: CatalogueInfo;
  owner: boolean;
  evaluator: boolean;
  canSelfAssess: boolean;
  canHeadEvaluate: boolean;
  canAmend: boolean;
  /** The person sees the head's ratings once finalised; the head sees a self-assessment once submitted. */
  showHead: boolean;
  showSelf: boolean;
  incidents: SubstantiatedIncident[];
  /** The deadline until which finalising waits for the person's self-assessment, or null when it can be finalised. */
  finaliseWaitsUntil: Date | null;
}

export async function evaluationPage(actor: Actor, evaluationId: string): Promise<EvaluationPage> {
  const evaluation = await findEvaluationOr404(evaluationId);
  const owner = isOwner(actor, evaluation);
  const evaluator = canEvaluate(actor, evaluation);
  // Someone above the unit who is also the person (a chairman's own record) may read but not evaluate.
  const reader = owner || evaluator || coversUnit(actor, evaluation.unitPath, 'head', 'admin');
  if (!reader) throw new Forbidden();
  const [period] = await Promise.all([periodOfEvaluation(evaluation), healCopies(evaluation)]);
  const open = period.status === 'OPEN';
  const submitted = !!evaluation.selfAssessment.submittedAt;
  return {
    evaluation,
    period,
    catalogue: await catalogueOf(evaluation.codeVersionId),
    owner,
    evaluator,
    canSelfAssess: owner && open && !submitted && evaluation.status !== 'FINALISED',
    canHeadEvaluate: evaluator && open && evaluation.status !== 'FINALISED',
    canAmend: evaluator && open && evaluation.status === 'FINALISED',
    showHead: evaluator || evaluation.status === 'FINALISED' || (!owner && hasRole(actor, 'head', 'admin')),
    showSelf: submitted || owner,
    incidents: evaluator ? await incidentsForEvaluation(evaluation, period) : [],
    finaliseWaitsUntil: evaluator && (await awaitsSelfAssessment(evaluation, period, new Date())) ? period.deadline : null,
  };
}

/**
 * The evaluation is read anyway: if its compact record is missing or behind (a save cut off between its writes, or
 * a record of an older shape), opening it rewrites the record — one `_id` look-up when all is well.
 */
async function healCopies(evaluation: Evaluation): Promise<void> {
  // The whole record (compact): it is current when it holds what the evaluation gives, whichever version wrote it.
  const record = await EvaluationResultModel.findById(evaluation._id).lean<EvaluationResult>();
  if (isCurrentCopy(record, evaluation) && !evaluation.copyPending) return;
  await saveResultRecord(evaluation);
  await markCopied([evaluation]);
}

export interface MyEvaluationRow {
  id: string;
  periodKey: string;
  periodKind: string;
  unitName: string;
  status: EvaluationStatus;
  periodStatus: Period['status'];
  deadline: Date | null;
  totalScore: number;
  maxScore: number;
  breachedCount: number;
  /** Open and not yet submitted: the person has something to do. */
  actionable: boolean;
}

const MINE_FIELDS = 'periodId periodKey year unitName selfSubmitted evaluated finalised criteria scores version shape';
type MineRecord = Pick<EvaluationResult, '_id' | 'periodId' | 'periodKey' | 'year' | 'unitName' | 'selfSubmitted' | 'evaluated' | 'finalised' | 'criteria' | 'scores' | 'version' | 'shape'>;

/**
 * A person's own evaluations, newest period first: those of one year, or of this year and the last (what is still to
 * do in January may belong to December). Read from their compact records by `{staffId, year}` and the periods by
 * `_id`, so the page costs the same after ten years of history as after one.
 */
export async function myEvaluations(actor: Actor, year?: number): Promise<MyEvaluationRow[]> {
  return (await myEvaluationsPage(actor, year)).rows;
}

/** How many years back the page looks for the latest evaluations when this year and the last have none. */
const LOOK_BACK_YEARS = 10;

export async function myEvaluationsPage(actor: Actor, year?: number, now = new Date()): Promise<{ rows: MyEvaluationRow[]; years: number[] }> {
  const thisYear = vietnamYear(now);
  let years = year ? [year] : [thisYear, thisYear - 1];
  if (!actor.staffId) return { rows: [], years };
  const staffId = actor.staffId;
  const read = (ys: number[]) => Promise.all(ys.map((y) => EvaluationResultModel.find({ staffId, year: y }).select(MINE_FIELDS).lean<MineRecord[]>())).then((l) => l.flat());
  let list = await read(years);
  // Nothing lately (someone back from a long leave): the latest year that has any, one empty equality query a year.
  for (let y = thisYear - 2; !year && list.length === 0 && y >= thisYear - LOOK_BACK_YEARS; y--) {
    list = await read([y]);
    if (list.length) years = [y];
  }
  // Records of an older shape (written before they carried the period and the flags) are rewritten from the evaluation.
  const old = list.filter((r) => (r.shape ?? 0) < RECORD_SHAPE);
  if (old.length) {
    for (const r of old) {
      const e = await EvaluationModel.findById(r._id).lean<Evaluation>();
      if (e) await saveResultRecord(e);
    }
    list = await read(years);
  }
  const periodIds = [...new Set(list.map((r) => String(r.periodId)))];
  const periods = new Map((await Promise.all(periodIds.map(keptPeriod))).filter((p) => !!p).map((p) => [String(p._id), p]));
  const start = (r: MineRecord) => periods.get(String(r.periodId))?.startDate.getTime() ?? 0;
  const rows = list
    .sort((a, b) => start(b) - start(a) || b.periodKey.localeCompare(a.periodKey))
    .map((r) => {
      const p = periods.get(String(r.periodId));
      const o = outcomeOf(r);
      return {
        id: String(r._id),
        periodKey: r.periodKey,
        periodKind: p?.kind ?? 'monthly',
        unitName: r.unitName ?? '',
        status: o.status,
        periodStatus: (p?.status ?? 'CLOSED') as Period['status'],
        deadline: p?.deadline ?? null,
        totalScore: o.totalScore,
        // The head's result is the person's to see only once final.
        maxScore: o.status === 'FINALISED' ? o.maxScore : 0,
        breachedCount: o.status === 'FINALISED' ? o.breachedCount : 0,
        actionable: p?.status === 'OPEN' && !r.selfSubmitted && o.status !== 'FINALISED',
      };
    });
  return { rows, years };
}
