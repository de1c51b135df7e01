import { updateCase } from './case-writes.js';
import { idOrNull } from '../shared/ids.js';
import { isDuplicateKey } from '../db/errors.js';
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { coversUnit, hasRole, type Actor } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { publishedVersion, versionInForce } from '../conduct-code/index.js';
import type { CodeVersion } from '../conduct-code/index.js';
import { workingDaysFrom } from '../holidays/index.js';
import { vietnamDay, vietnamMonth } from '../shared/dates.js';
import type { Language } from '../shared/i18n.js';
import { AppError, Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { compareVietnamese, vietnameseNameOrder } from '../shared/text.js';
import * as staffService from '../staff/index.js';
import { COMMUNE_KINDS, type UnitKind } from '../units/index.js';
import { unitsSnapshot, type UnitInfo, isAliveAt, isDesk } from '../units/index.js';
import { caseIndex, countCase } from './counters.js';
import { evaluationFor } from '../evaluations/index.js';
import { FINAL_STATUSES, IncidentReportModel, type IntakeChannel, ReporterIdentityModel, statisticsYearsOf, type IncidentReport, type ReportKind, type ReportStatus } from './model.js';
import { handlerFor } from './routing.js';
import type { ReportSettings } from './settings.js';
import { hashOfIssued, hashOfTyped, newTrackingCode } from './tracking.js';
import { recordsChanged } from '../shared/changes.js';
import type { CleanEvidence } from './evidence-cleaning.js';
import { assertRoomFor, deleteEvidenceOfCase, evidenceKept, evidenceOf, storeEvidence } from './evidence.js';

export const AUDIT_TYPE = 'report';

/** What the reporter says happened, from the public or the staff form. */
export interface ReportInput {
  unitId: string;
  deskId?: string;
  staffId?: string;
  criterionCodes: string[];
  occurredOn: Date;
  place?: string;
  description: string;
  dossierNumber?: string;
  /** Photos and documents sent with it, already cleaned (evidence-cleaning.ts). */
  evidence?: readonly CleanEvidence[];
}

/** Who reports. An anonymous reporter carries nothing that could identify them. */
export type Reporter =
  | { source: 'CITIZEN'; anonymous: true }
  | { source: 'CITIZEN'; anonymous: false; name: string; phone?: string; email?: string; kind?: ReportKind; address?: string; language?: Language }
  | { source: 'PEER'; actor: Actor; kind: ReportKind; anonymous: boolean; phone?: string; address?: string };

/** A report received by a handler (by phone, letter, hotline, suggestion box or in person) and recorded by them. */
export interface Intake {
  actor: Actor;
  channel: Exclude<IntakeChannel, 'ONLINE'>;
}

/**
 * A handler records reports about the units they may handle: a head their own unit's, the administrator their
 * province's; never one about themselves (they could not follow it: the subject never sees their case).
 */
function assertMayRecordFor(actor: Actor, unit: UnitInfo, staffId: Types.ObjectId | null): void {
  if (!coversUnit(actor, unit.path, 'head', 'admin')) throw new Forbidden();
  if (staffId && actor.staffId && String(staffId) === String(actor.staffId)) throw new ValidationFailed({ staffId: 'intake.errors.self' });
}

/** The commune-level units this handler may record a report about. */
export async function intakeUnits(actor: Actor, now = new Date()) {
  const snapshot = await unitsSnapshot();
  const all = await reportableUnits(now);
  return all.filter((u) => {
    const unit = snapshot.byId(u.id);
    return unit != null && coversUnit(actor, unit.path, 'head', 'admin');
  });
}

function oid(id: string | undefined): Types.ObjectId | null {
  return idOrNull(id);
}

/** The commune-level units a citizen can report about, by name (from the unit tree in memory). */
export async function reportableUnits(now = new Date()) {
  const snapshot = await unitsSnapshot();
  const units = snapshot.all.filter((u) => COMMUNE_KINDS.includes(u.kind as UnitKind) && isAliveAt(u, now));
  return units
    .map((u) => ({ id: String(u._id), name: u.name, province: snapshot.byId(u.path[0]!)?.name ?? '' }))
    .sort((a, b) => compareVietnamese(a.name, b.name) || compareVietnamese(a.province, b.province));
}

async function reportableUnit(id: string | undefined, now: Date): Promise<UnitInfo | null> {
  const _id = oid(id);
  if (!_id) return null;
  const unit = (await unitsSnapshot()).byId(_id);
  return unit && COMMUNE_KINDS.includes(unit.kind as UnitKind) && isAliveAt(unit, now) ? unit : null;
}

/** Everything the report form needs once a unit is chosen: its desks, its staff, the criteria in force. */
export async function reportFormFor(unitId: string | undefined, now = new Date()) {
  const unit = await reportableUnit(unitId, now);
  if (!unit) return null;
  const [snapshot, staff, version] = await Promise.all([unitsSnapshot(), staffService.activeStaffUnder(unit._id), versionInForce(unit.path[0]!, vietnamDay(now))]);
  const desks = snapshot.subtree(unit._id).filter((u) => isDesk(u.kind) && isAliveAt(u, now));
  return {
    unit: { id: String(unit._id), name: unit.name },
    desks: desks.map((d) => ({ id: String(d._id), name: d.name })).sort((a, b) => compareVietnamese(a.name, b.name)),
    staff: staff.map((s) => ({ id: String(s._id), name: s.fullName, position: s.position })).sort(vietnameseNameOrder((s) => s.name)),
    criteria: version ? [...version.criteria].sort((a, b) => a.order - b.order) : [],
  };
}

function caseNumber(kind: ReportKind, year: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const suffix = Array.from({ length: 6 }, () => alphabet[crypto.randomInt(alphabet.length)]).join('');
  return `${kind === 'TO_CAO' ? 'TC' : 'PA'}-${year}-${suffix}`;
}

/** Checks the report against the tree and the code in force; returns what the case stores about it. */
async function resolveSubject(input: ReportInput, now: Date) {
  const errors: Record<string, string> = {};
  const unit = await reportableUnit(input.unitId, now);
  if (!unit) throw new ValidationFailed({ unitId: 'reports.errors.unit' });
  let desk: UnitInfo | null = null;
  if (input.deskId) {
    const found = oid(input.deskId) ? (await unitsSnapshot()).byId(input.deskId) : undefined;
    desk = found && found.path.some((id) => id.equals(unit._id)) && isDesk(found.kind) ? found : null;
    if (!desk) errors.deskId = 'validation.invalidChoice';
  }
  let staff = null;
  if (input.staffId) {
    const id = oid(input.staffId);
    staff = id ? await staffService.activeStaffMember(id, unit._id) : null;
    if (!staff) errors.staffId = 'validation.invalidChoice';
  }
  const version = await versionInForce(unit.path[0]!, vietnamDay(now));
  const known = new Set((version?.criteria ?? []).map((c) => c.code));
  const codes = [...new Set(input.criterionCodes)];
  if (!codes.length || codes.some((c) => !known.has(c))) errors.criterionCodes = 'reports.errors.criteria';
  if (input.occurredOn.getTime() > vietnamDay(now).getTime()) errors.occurredOn = 'reports.errors.future';
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
  return { unit, desk, staff, version, codes };
}

/**
 * Files a report and returns it with its tracking code (shown once; only its hash is kept).
 * Anonymous reports store no identity at all; named ones keep it in ReporterIdentity, apart from the case.
 */
export async function fileReport(input: ReportInput, reporter: Reporter, settings: ReportSettings, filedAt?: Date, intake?: Intake) {
  const now = filedAt ?? new Date();
  const { unit, desk, staff, version, codes } = await resolveSubject(input, now);
  if (intake) assertMayRecordFor(intake.actor, unit, staff?._id ?? null);
  const kind: ReportKind = reporter.source === 'PEER' ? reporter.kind : reporter.anonymous ? 'PHAN_ANH' : (reporter.kind ?? 'PHAN_ANH');
  // A denunciation is never anonymous: the law handles anonymous ones as feedback at most.
  if (kind === 'TO_CAO' && reporter.anonymous) throw new ValidationFailed({ anonymous: 'reports.errors.denunciationNamed' });
  const anonymous = reporter.anonymous;
  const files = input.evidence ?? [];
  assertRoomFor(null, files.length);
  const subjectUnit = desk ?? unit;
  const staffId = staff?._id ?? null;
  const routing = await handlerFor(unit, staffId);
  const today = vietnamDay(now);
  const day = input.occurredOn;
  const link = await evaluationFor(staffId, day);
  const base = {
    source: reporter.source,
    channel: intake?.channel ?? ('ONLINE' as IntakeChannel),
    kind,
    anonymous,
    provinceId: unit.path[0],
    reportingUnitId: unit._id,
    unitId: subjectUnit._id,
    unitPath: subjectUnit.path,
    unitName: desk ? `${desk.name} — ${unit.name}` : unit.name,
    deskId: desk?._id ?? null,
    staffId,
    staffName: staff?.fullName ?? '',
    codeVersionId: version?._id ?? null,
    codeVersionNumber: version?.versionNumber ?? null,
    criterionCodes: codes,
    occurredAt: day,
    place: input.place ?? '',
    description: input.description,
    dossierNumber: input.dossierNumber ?? '',
    receivedAt: now,
    year: day.getUTCFullYear(),
    month: day.getUTCMonth() + 1,
    periodKey: vietnamMonth(day).key,
    status: 'RECEIVED' as ReportStatus,
    history: [{ from: null, to: 'RECEIVED', at: now, note: '' }],
    handlerUnitId: routing.handlerUnit._id,
    handlerUnitPath: routing.handlerUnit.path,
    conflictOfInterest: routing.conflictOfInterest,
    excludedUserIds: routing.excludedUserIds,
    stageStartedAt: now,
    dueAt: await workingDaysFrom(today, settings.REPORT_DAYS_ACKNOWLEDGE),
    ...link,
  };

  // The files first, under the case's id: the case then appears with its evidence listed in one write. Should it
  // never be written, its files are removed again.
  const reportId = new Types.ObjectId();
  const evidence = await storeEvidence(reportId, files, 'REPORT', 1, now);
  for (let attempt = 0; ; attempt++) {
    const trackingCode = newTrackingCode();
    try {
      // Numbered in the inbox of every unit on the handler's path soon after it is written (counters.ts), in the
      // order of receipt: a live report is stamped as it is appended.
      const receivedAt = filedAt ?? new Date();
      const stored = {
        ...base,
        _id: reportId,
        receivedAt,
        evidence,
        stageStartedAt: receivedAt,
        history: [{ from: null, to: 'RECEIVED', at: receivedAt, note: '' }],
        caseNumber: caseNumber(kind, base.year),
        trackingHash: hashOfIssued(trackingCode),
        seqKeys: [],
        seqPending: true,
      };
      const doc = await caseIndex.append(stored, () => IncidentReportModel.create(stored));
      const report = doc.toObject() as IncidentReport;
      await evidenceKept(evidence);
      // The case's counters, the statistics' token, the reporter's identity and the audit entry do not depend on one
      // another: written side by side, once the case is stored.
      await Promise.all([
        countCase(null, report),
        recordsChanged(report.unitPath, ...statisticsYearsOf(report)),
        anonymous ? null : storeIdentity(report._id, reporter),
        audit.record({
          // Never the reporter: their identity is seen only through the audited identity view (Luật Tố cáo Art. 9). A report
          // received on paper, by phone or in person is recorded by its handler, who is named (the reporter still is not).
          actor: intake?.actor ?? null,
          objectType: AUDIT_TYPE,
          objectId: report._id,
          action: 'create',
          // Of the files, their number only.
          after: { caseNumber: report.caseNumber, source: report.source, ...(intake ? { channel: intake.channel } : {}), kind, anonymous, status: report.status, handlerUnitId: report.handlerUnitId, conflictOfInterest: report.conflictOfInterest, ...(evidence.length ? { evidence: evidence.length } : {}) },
          unitPath: report.handlerUnitPath,
        }),
      ]);
      return { report, trackingCode };
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= 3) {
        if (!(await IncidentReportModel.exists({ _id: reportId }))) await deleteEvidenceOfCase(reportId);
        throw err;
      }
    }
  }
}

async function storeIdentity(reportId: Types.ObjectId, reporter: Reporter): Promise<void> {
  if (reporter.source === 'CITIZEN') {
    if (reporter.anonymous) return;
    await ReporterIdentityModel.create({ reportId, name: reporter.name, phone: reporter.phone ?? '', email: reporter.email ?? '', address: reporter.address ?? '', language: reporter.language ?? 'vi' });
    return;
  }
  await ReporterIdentityModel.create({
    reportId,
    userId: reporter.actor.userId,
    staffId: reporter.actor.staffId,
    name: reporter.actor.displayName,
    phone: reporter.phone ?? '',
    address: reporter.address ?? '',
  });
}

// ---------- tracking by code ----------

export class TrackingExpired extends AppError {
  constructor() {
    super(410, 'reports.track.expired');
  }
}

/** The case a typed tracking code opens; a clear 404 for a wrong code, 410 once it has expired. */
export async function findByTrackingCode(raw: string, settings: ReportSettings, now = new Date()): Promise<IncidentReport> {
  const hash = hashOfTyped(raw);
  const report = hash ? await IncidentReportModel.findOne({ trackingHash: hash }).lean<IncidentReport>() : null;
  if (!report) throw new NotFound('reports.track.notFound');
  assertTrackable(report, settings, now);
  return report;
}

export function assertTrackable(report: IncidentReport, settings: ReportSettings, now: Date): void {
  if (report.closedAt && now.getTime() - report.closedAt.getTime() > settings.REPORT_TRACKING_DAYS_AFTER_CLOSE * 86_400_000) throw new TrackingExpired();
}

/** A message or more details from the reporter, through the code, with photos or documents (already cleaned). */
export async function addReporterMessage(reportId: string, text: string, settings: ReportSettings, now = new Date(), files: readonly CleanEvidence[] = []): Promise<void> {
  const report = await IncidentReportModel.findById(oid(reportId)).lean<IncidentReport>();
  if (!report) throw new NotFound('reports.track.notFound');
  assertTrackable(report, settings, now);
  if (FINAL_STATUSES.includes(report.status as ReportStatus)) throw new Conflict('reports.errors.caseClosed');
  assertRoomFor(report, files.length);
  const evidence = await storeEvidence(report._id, files, 'MESSAGE', nextEvidenceNumber(report), now);
  const message = { at: now, author: 'REPORTER', byName: '', text, evidenceIds: evidence.map((e) => e._id) };
  await updateCase({ _id: report._id }, { $push: { messages: message, ...(evidence.length ? { evidence: { $each: evidence } } : {}) }, $inc: { version: 1 } });
  await evidenceKept(evidence);
  await audit.record({
    actor: null,
    objectType: AUDIT_TYPE,
    objectId: report._id,
    action: 'reporterMessage',
    before: { messages: report.messages.length },
    // Of the files, their number only.
    after: { messages: report.messages.length + 1, ...(evidence.length ? { evidence: evidence.length } : {}) },
    unitPath: report.handlerUnitPath,
  });
}

const nextEvidenceNumber = (report: Pick<IncidentReport, 'evidence'>) => Math.max(0, ...(report.evidence ?? []).map((e) => e.n)) + 1;

// ---------- access for handlers ----------

/** Heads and administrators whose grant covers the handling unit — never the person reported about. */
export function canHandle(actor: Actor, report: Pick<IncidentReport, 'handlerUnitPath' | 'excludedUserIds' | 'staffId'>): boolean {
  if (isSubject(actor, report)) return false;
  return coversUnit(actor, report.handlerUnitPath, 'head', 'admin');
}

export function isSubject(actor: Actor, report: Pick<IncidentReport, 'excludedUserIds' | 'staffId'>): boolean {
  if (report.excludedUserIds.some((id) => String(id) === String(actor.userId))) return true;
  return report.staffId != null && actor.staffId != null && String(report.staffId) === String(actor.staffId);
}

export async function loadCase(id: string): Promise<IncidentReport> {
  const _id = oid(id);
  const report = _id ? await IncidentReportModel.findById(_id).lean<IncidentReport>() : null;
  if (!report) throw new NotFound();
  return report;
}

export async function caseFor(actor: Actor, id: string): Promise<IncidentReport> {
  const report = await loadCase(id);
  if (!canHandle(actor, report)) throw new Forbidden();
  return report;
}

/** One evidence file of a case, for those who may handle the case (403 otherwise; 404 for a file it does not list). */
export async function evidenceFor(actor: Actor, caseId: string, fileId: string) {
  return evidenceOf(await caseFor(actor, caseId), fileId);
}

export async function criterionLabels(report: Pick<IncidentReport, 'codeVersionId'>): Promise<Map<string, { name: CodeVersion['criteria'][number]['name']; plain: string }>> {
  const version = report.codeVersionId ? await publishedVersion(report.codeVersionId) : null;
  return new Map((version?.criteria ?? []).map((c) => [c.code, { name: c.name, plain: c.plainLabel?.vi || c.name?.vi || c.code }]));
}

/**
 * The reporter's identity: for the province administrator only, and each look is recorded
 * (Luật Tố cáo 2018 Art. 9 requires the denouncer's identity to be kept secret).
 */
export async function reporterIdentity(actor: Actor, id: string) {
  const report = await loadCase(id);
  if (!hasRole(actor, 'admin') || !coversUnit(actor, report.unitPath, 'admin') || isSubject(actor, report)) throw new Forbidden();
  const identity = await ReporterIdentityModel.findOne({ reportId: report._id }).lean();
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: report._id, action: 'viewReporterIdentity', unitPath: report.handlerUnitPath });
  return { report, identity };
}

/** Case numbers by id, for lists that only hold ids (notices). */
export async function caseNumbers(ids: readonly Types.ObjectId[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.map(String))];
  // One _id look-up each: FerretDB does not push $in down.
  const rows = await Promise.all(unique.map((id) => IncidentReportModel.findById(id).select('caseNumber').lean()));
  return new Map(rows.filter((r) => r != null).map((r) => [String(r._id), r.caseNumber]));
}
