import { Types } from 'mongoose';
import { hasRole, scopeRoots, type Actor } from '../auth/index.js';
import { accountsOfStaff, findAccount } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { rememberedAcrossRequests } from '../shared/process-caches.js';
import { compareSortKeys, vietnameseNameOrder } from '../shared/text.js';
import { staffMember } from '../staff/index.js';
import { staffNames } from '../staff/index.js';
import { unitsSnapshot } from '../units/index.js';
import { caseCounts, hitsInWindow, hotBreaches, reportIdOfHit } from './counters.js';
import { inboxRoots } from './inbox.js';
import { FINAL_STATUSES, IncidentReportModel, ReporterIdentityModel, RetaliationFlagModel, retaliationFlagWrites, type IncidentReport, type RetaliationFlag, type ReportStatus } from './model.js';
import { keptByKey } from '../shared/kept-in-memory.js';
import { casesKeptFrom } from './readers.js';
import { AUDIT_TYPE } from './service.js';
import type { ReportSettings } from './settings.js';

export interface EarlyWarning {
  kind: 'STAFF' | 'DESK';
  id: string;
  name: string;
  criterionCode: string;
  count: number;
}

/**
 * People and desks with at least EARLY_WARNING_THRESHOLD substantiated reports on the same criterion
 * whose incidents fell within the last EARLY_WARNING_WINDOW_DAYS, in the actor's scope. The breach keys flagged
 * hot under each root are read (counters.ts: a few small documents, not the reports) and counted again here;
 * the cases about the actor do not count, and a head never sees a warning about themselves.
 */
export async function earlyWarnings(actor: Actor, settings: ReportSettings, now = new Date()): Promise<EarlyWarning[]> {
  const roots = await inboxRoots(actor);
  if (!roots.length) return [];
  const window = { threshold: settings.EARLY_WARNING_THRESHOLD, days: settings.EARLY_WARNING_WINDOW_DAYS };
  const [candidates, aboutMe] = await Promise.all([
    // One unit: its hot keys hold every hit. Several: a key may be hot in none of them but over the threshold in sum.
    Promise.all(roots.map((root) => hotBreaches(root, window, now, roots.length > 1))),
    casesKeptFrom(actor.userId),
  ]);
  const excluded = new Set(aboutMe.map((r) => String(r._id)));
  const hitsByKey = new Map<string, Set<string>>();
  for (const c of candidates.flat()) {
    const hits = hitsByKey.get(c.key) ?? new Set<string>();
    hitsByKey.set(c.key, hits);
    for (const h of hitsInWindow(c.hits, window, now)) if (!excluded.has(reportIdOfHit(h))) hits.add(reportIdOfHit(h));
  }
  const warnings: EarlyWarning[] = [...hitsByKey.entries()]
    .filter(([, hits]) => hits.size >= window.threshold)
    .map(([key, hits]) => {
      const [kind, id, code] = key.split(':') as [string, string, string];
      return { kind: kind === 'D' ? 'DESK' : 'STAFF', id, name: '', criterionCode: code, count: hits.size } satisfies EarlyWarning;
    })
    .filter((w) => !(actor.staffId && w.kind === 'STAFF' && w.id === String(actor.staffId)));
  const [people, snapshot] = await Promise.all([staffNames(warnings.filter((w) => w.kind === 'STAFF').map((w) => w.id)), unitsSnapshot()]);
  for (const w of warnings) w.name = (w.kind === 'STAFF' ? people.get(w.id) : snapshot.byId(w.id)?.name) ?? '';
  const byName = vietnameseNameOrder<EarlyWarning>((w) => w.name);
  return warnings.sort((a, b) => compareSortKeys(a.kind, b.kind) || byName(a, b) || a.criterionCode.localeCompare(b.criterionCode));
}

export interface ReportGroup {
  staffId: string;
  staffName: string;
  reports: { id: string; caseNumber: string; status: string }[];
  /** Distinct reporters: named ones counted once each, every anonymous report as one more. */
  reporterCount: number;
}

/**
 * Open reports about the same person, grouped, with how many different people filed them. The counters name the
 * people with two open cases or more under each root; only their cases are read.
 */
export async function reportGroups(actor: Actor): Promise<ReportGroup[]> {
  const roots = await inboxRoots(actor);
  if (!roots.length) return [];
  const seen = new Set<string>();
  const open = (await Promise.all(roots.map(openCasesOfRepeatedPeople)))
    .flat()
    .filter(({ report: r }) => !(actor.staffId && String(r.staffId) === String(actor.staffId)) && !r.excludedUserIds.some((id) => id.equals(actor.userId)) && !seen.has(String(r._id)) && seen.add(String(r._id)))
    .sort((a, b) => a.report.receivedAt.getTime() - b.report.receivedAt.getTime());
  const byStaff = new Map<string, typeof open>();
  for (const c of open) byStaff.set(String(c.report.staffId), [...(byStaff.get(String(c.report.staffId)) ?? []), c]);
  return [...byStaff.entries()]
    .filter(([, cs]) => cs.length > 1)
    .map(([staffId, cs]) => ({
      staffId,
      staffName: cs[0]!.report.staffName,
      reports: cs.map(({ report: r }) => ({ id: String(r._id), caseNumber: r.caseNumber, status: r.status })),
      reporterCount: new Set(cs.map((c) => c.reporterKey)).size,
    }))
    .sort(vietnameseNameOrder((g) => g.staffName));
}

type OpenCase = { report: IncidentReport; reporterKey: string };
/** Per handling unit, the open cases of people with two or more, remembered until the unit's case counts change. */
const repeatedByRoot = new Map<string, { token: string; cases: OpenCase[] }>();
rememberedAcrossRequests(() => repeatedByRoot.clear());

async function openCasesOfRepeatedPeople(root: Types.ObjectId): Promise<OpenCase[]> {
  const counts = await caseCounts(root);
  const known = repeatedByRoot.get(String(root));
  if (known && known.token === counts.token) return known.cases;
  const people = Object.entries(counts.openByStaff).filter(([, n]) => n > 1).map(([staffId]) => new Types.ObjectId(staffId));
  const reports = (
    await Promise.all(
      people.map((staffId) => IncidentReportModel.find({ staffId, handlerUnitPath: root }).select('caseNumber status staffId staffName anonymous receivedAt excludedUserIds').lean<IncidentReport[]>()),
    )
  )
    .flat()
    .filter((r) => !FINAL_STATUSES.includes(r.status as ReportStatus));
  const identities = (await Promise.all(reports.map((r) => ReporterIdentityModel.findOne({ reportId: r._id }).select('reportId userId staffId name phone email').lean()))).filter((i) => i != null);
  // Only a key is derived from the identity here (named reporters counted once each, every anonymous report as one
  // more); nothing of it leaves this module.
  const keyOf = new Map(identities.map((i) => [String(i.reportId), i.userId ? `u${String(i.userId)}` : `c${(i.phone || i.email || i.name).toLowerCase()}`]));
  const cases = reports.map((report) => ({ report, reporterKey: keyOf.get(String(report._id)) ?? `a${String(report._id)}` }));
  repeatedByRoot.set(String(root), { token: counts.token, cases });
  return cases;
}

export interface EvaluationChange {
  staffId: Types.ObjectId;
  evaluatorUserId: Types.ObjectId;
  evaluationId?: Types.ObjectId | null;
  periodKey?: string;
  /** The evaluation's total score before and after the head's change. */
  scoreBefore: number;
  scoreAfter: number;
  at?: Date;
}

/**
 * Anti-retaliation watch: when a head lowers the evaluation of someone who has reported them, the
 * province is told. Call it whenever a head's rating of an evaluation changes. Returns the flag, if any.
 */
export async function checkRetaliation(change: EvaluationChange) {
  if (change.scoreAfter >= change.scoreBefore) return null;
  const evaluator = await findAccount(change.evaluatorUserId);
  if (!evaluator) return null;
  const reporterAccounts = await accountsOfStaff(change.staffId);
  // Equality look-ups only ($or and $in are not pushed down by FerretDB): the person's filings, then each report.
  const filed = (
    await Promise.all([
      ReporterIdentityModel.find({ staffId: change.staffId }).select('reportId').lean(),
      ...reporterAccounts.map((u) => ReporterIdentityModel.find({ userId: u._id }).select('reportId').lean()),
    ])
  ).flat();
  if (!filed.length) return null;
  const reportIds = [...new Set(filed.map((f) => String(f.reportId)))];
  const reports = await Promise.all(reportIds.map((id) => IncidentReportModel.findById(id).select('_id provinceId excludedUserIds staffId').lean()));
  const aboutEvaluator = reports.filter(
    (r) => r != null && (r.excludedUserIds.some((id) => id.equals(evaluator._id)) || (evaluator.staffId != null && r.staffId != null && r.staffId.equals(evaluator.staffId))),
  ) as { _id: Types.ObjectId; provinceId: Types.ObjectId }[];
  if (!aboutEvaluator.length) return null;
  const staff = await staffMember(change.staffId);
  const flag = await RetaliationFlagModel.create({
    provinceId: aboutEvaluator[0]!.provinceId,
    evaluatorUserId: evaluator._id,
    evaluatorName: evaluator.displayName,
    staffId: change.staffId,
    staffName: staff?.fullName ?? '',
    evaluationId: change.evaluationId ?? null,
    periodKey: change.periodKey ?? '',
    scoreBefore: change.scoreBefore,
    scoreAfter: change.scoreAfter,
    reportIds: aboutEvaluator.map((r) => r._id),
    at: change.at ?? new Date(),
  });
  await audit.record({
    actor: null,
    objectType: AUDIT_TYPE,
    objectId: flag._id,
    action: 'retaliationFlagged',
    // Not the person who reported: the warning itself (province only) names them; the log never does.
    after: { evaluatorName: flag.evaluatorName, scoreBefore: flag.scoreBefore, scoreAfter: flag.scoreAfter },
    unitPath: flag.provinceId ? [flag.provinceId] : [],
  });
  return flag.toObject();
}

/** A province's flags, read again when a flag is written (the administrator's inbox shows them on every view). */
const keptFlags = keptByKey<{ list: readonly RetaliationFlag[] }>(retaliationFlagWrites, 1000);

/** The anti-retaliation flags of the administrator's province, newest first. */
export async function retaliationFlags(actor: Actor) {
  if (!hasRole(actor, 'admin')) return [];
  // One equality look-up per root (FerretDB does not push $in down), kept until a flag is written; flags are few.
  const flags = (
    await Promise.all(
      scopeRoots(actor, 'admin').map(async (provinceId) => (await keptFlags(String(provinceId), async () => ({ list: Object.freeze(await RetaliationFlagModel.find({ provinceId }).lean()) })))!.list),
    )
  ).flat();
  return flags.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, 50);
}
