import { Types } from 'mongoose';
import { hasRole, scopeRoots, type Actor } from '../auth/actor.js';
import { UserModel } from '../auth/model.js';
import * as audit from '../audit/service.js';
import { compareVietnameseNames } from '../shared/vietnamese.js';
import { StaffModel } from '../staff/model.js';
import { UnitModel } from '../units/model.js';
import { FINAL_STATUSES, IncidentReportModel, ReporterIdentityModel, RetaliationFlagModel, type IncidentReport } from './model.js';
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
 * whose incidents fell within the last EARLY_WARNING_WINDOW_DAYS, in the actor's scope. Counting is
 * done by the database ($unwind + $group/$sum); a head never sees a warning about themselves.
 */
export async function earlyWarnings(actor: Actor, settings: ReportSettings, now = new Date()): Promise<EarlyWarning[]> {
  const roots = scopeRoots(actor, 'head', 'admin');
  if (!roots.length) return [];
  const since = new Date(now.getTime() - settings.EARLY_WARNING_WINDOW_DAYS * 86_400_000);
  const rows = await IncidentReportModel.aggregate<{ _id: string; n: number }>([
    { $match: { substantiated: true, occurredAt: { $gte: since, $lte: now }, unitPath: { $in: roots }, excludedUserIds: { $ne: actor.userId } } },
    { $unwind: '$breachKeys' },
    { $group: { _id: '$breachKeys', n: { $sum: 1 } } },
  ]);
  const counts = rows.map((r) => {
    const [kind, id, code] = r._id.split(':') as [string, string, string];
    return { kind: kind === 'D' ? 'DESK' : 'STAFF', id, name: '', criterionCode: code, count: r.n } satisfies EarlyWarning;
  });
  const warnings = counts.filter((w) => w.count >= settings.EARLY_WARNING_THRESHOLD);
  if (actor.staffId) for (let i = warnings.length - 1; i >= 0; i--) if (warnings[i]!.kind === 'STAFF' && warnings[i]!.id === String(actor.staffId)) warnings.splice(i, 1);
  const ids = (kind: EarlyWarning['kind']) => warnings.filter((w) => w.kind === kind).map((w) => new Types.ObjectId(w.id));
  const [people, desks] = await Promise.all([StaffModel.find({ _id: { $in: ids('STAFF') } }).select('fullName').lean(), UnitModel.find({ _id: { $in: ids('DESK') } }).select('name').lean()]);
  const names = new Map([...people.map((p) => [String(p._id), p.fullName] as const), ...desks.map((d) => [String(d._id), d.name] as const)]);
  for (const w of warnings) w.name = names.get(w.id) ?? '';
  return warnings.sort((a, b) => a.kind.localeCompare(b.kind) || compareVietnameseNames(a.name, b.name) || a.criterionCode.localeCompare(b.criterionCode));
}

export interface ReportGroup {
  staffId: string;
  staffName: string;
  reports: { id: string; caseNumber: string; status: string }[];
  /** Distinct reporters: named ones counted once each, every anonymous report as one more. */
  reporterCount: number;
}

/** Open reports about the same person, grouped, with how many different people filed them. */
export async function reportGroups(actor: Actor): Promise<ReportGroup[]> {
  const roots = scopeRoots(actor, 'head', 'admin');
  if (!roots.length) return [];
  const open = await IncidentReportModel.find({ status: { $nin: [...FINAL_STATUSES] }, staffId: { $ne: null }, handlerUnitPath: { $in: roots }, excludedUserIds: { $ne: actor.userId } })
    .select('caseNumber status staffId staffName anonymous')
    .sort({ receivedAt: 1 })
    .lean<IncidentReport[]>();
  const byStaff = new Map<string, IncidentReport[]>();
  for (const r of open) byStaff.set(String(r.staffId), [...(byStaff.get(String(r.staffId)) ?? []), r]);
  const grouped = [...byStaff.entries()].filter(([, rs]) => rs.length > 1);
  if (!grouped.length) return [];
  const identities = await ReporterIdentityModel.find({ reportId: { $in: grouped.flatMap(([, rs]) => rs.map((r) => r._id)) } })
    .select('reportId userId staffId name phone email')
    .lean();
  // Only a key is derived from the identity here; nothing of it leaves this function.
  const keyOf = new Map(identities.map((i) => [String(i.reportId), i.userId ? `u${String(i.userId)}` : `c${(i.phone || i.email || i.name).toLowerCase()}`]));
  return grouped
    .map(([staffId, rs]) => ({
      staffId,
      staffName: rs[0]!.staffName,
      reports: rs.map((r) => ({ id: String(r._id), caseNumber: r.caseNumber, status: r.status })),
      reporterCount: new Set(rs.map((r) => keyOf.get(String(r._id)) ?? `a${String(r._id)}`)).size,
    }))
    .filter((g) => !(actor.staffId && g.staffId === String(actor.staffId)))
    .sort((a, b) => compareVietnameseNames(a.staffName, b.staffName));
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
  const evaluator = await UserModel.findById(change.evaluatorUserId).select('displayName staffId').lean();
  if (!evaluator) return null;
  const reporterAccounts = await UserModel.find({ staffId: change.staffId }).select('_id').lean();
  const filed = await ReporterIdentityModel.find({ $or: [{ staffId: change.staffId }, { userId: { $in: reporterAccounts.map((u) => u._id) } }] }).select('reportId').lean();
  if (!filed.length) return null;
  const aboutEvaluator = await IncidentReportModel.find({
    _id: { $in: filed.map((f) => f.reportId) },
    $or: [{ excludedUserIds: evaluator._id }, ...(evaluator.staffId ? [{ staffId: evaluator.staffId }] : [])],
  })
    .select('_id provinceId')
    .lean();
  if (!aboutEvaluator.length) return null;
  const staff = await StaffModel.findById(change.staffId).select('fullName').lean();
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
    after: { evaluatorName: flag.evaluatorName, staffName: flag.staffName, scoreBefore: flag.scoreBefore, scoreAfter: flag.scoreAfter },
    unitPath: flag.provinceId ? [flag.provinceId] : [],
  });
  return flag.toObject();
}

/** The anti-retaliation flags of the administrator's province, newest first. */
export async function retaliationFlags(actor: Actor) {
  if (!hasRole(actor, 'admin')) return [];
  return RetaliationFlagModel.find({ provinceId: { $in: scopeRoots(actor, 'admin') } }).sort({ at: -1 }).limit(50).lean();
}
