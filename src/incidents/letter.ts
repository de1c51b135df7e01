import { updateCase } from './case-writes.js';
import type { Actor } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { formatDate, vietnamDay } from '../shared/dates.js';
import { translator } from '../shared/i18n.js';
import {
  apologyLetterDocx,
  documentNumber,
  isSigningTitleOf,
  issuingBodyOf,
  placeNameOf,
  salutationOf,
  signingTitles,
  type ApologyLetterData,
  type IssuingBody,
} from '../letters/index.js';
import { Conflict, ValidationFailed } from '../shared/errors.js';
import { unitById } from '../units/index.js';
import { IncidentReportModel, ReporterIdentityModel, type IncidentReport } from './model.js';
import { AUDIT_TYPE, caseFor, criterionLabels } from './service.js';
import type { LetterInput } from './schemas.js';

/** Document type in the letter's number ("01/TXL-UBND"). */
const LETTER_TYPE = 'TXL';
/** Remedies the letter may tell the citizen about, in this order; the apology is the letter itself. */
const TOLD_REMEDIES = ['REMINDER_TRAINING', 'DISCIPLINE_REFERRAL'] as const;

function assertApology(report: IncidentReport): void {
  if (!report.remedies.some((r) => r.kind === 'APOLOGY')) throw new Conflict('reports.errors.noApology');
}

/** The letter is issued by the People's Committee of the commune reported about. */
async function issuerOf(report: IncidentReport): Promise<{ issuer: IssuingBody; commune: Awaited<ReturnType<typeof unitById>> }> {
  const commune = await unitById(report.reportingUnitId);
  return { issuer: commune ? issuingBodyOf(commune) : { name: report.unitName, kind: 'committee' }, commune };
}

/** Where it happened, by its proper name ("Trung tâm Phục vụ hành chính công xã …"), not the inbox's display string. */
async function placeOfIncident(report: IncidentReport, issuer: IssuingBody): Promise<string> {
  if (!report.deskId) return issuer.name;
  const desk = await unitById(report.deskId);
  return desk ? issuingBodyOf(desk).name : issuer.name;
}

/**
 * The citizen a named citizen report came from (they asked for a reply); peers' identities stay hidden, and so does a
 * citizen denouncer's (a denunciation recorded by a handler: only the province sees who it was).
 */
async function citizenName(report: IncidentReport): Promise<string> {
  if (report.source !== 'CITIZEN' || report.anonymous || report.kind === 'TO_CAO') return '';
  const identity = await ReporterIdentityModel.findOne({ reportId: report._id }).select('name').lean();
  return identity?.name ?? '';
}

/** The issuer's next letter number this year, for the handler to confirm against the outgoing register. */
async function suggestedNumber(report: IncidentReport, issuer: IssuingBody, day: Date): Promise<string> {
  const year = day.getUTCFullYear();
  const issued = await IncidentReportModel.countDocuments({
    reportingUnitId: report.reportingUnitId,
    'letter.date': { $gte: new Date(Date.UTC(year, 0, 1)), $lt: new Date(Date.UTC(year + 1, 0, 1)) },
  });
  return documentNumber(issued + 1, LETTER_TYPE, issuer);
}

/** A first draft from what the case records: its finding, and only the remedies actually recorded. */
async function draftBody(report: IncidentReport, issuer: IssuingBody): Promise<string> {
  const t = translator('vi');
  const labels = await criterionLabels(report);
  const criteria = report.confirmedCriterionCodes.map((c) => `“${labels.get(c)?.name?.vi ?? c}”`).join(', ');
  const partly = report.history.some((h) => h.to === 'PARTLY_SUBSTANTIATED');
  const recorded = new Set(report.remedies.map((r) => r.kind));
  return [
    t('reports.letterDraft.incident', {
      date: formatDate(report.occurredAt),
      unit: await placeOfIncident(report, issuer),
      dossier: report.dossierNumber ? t('reports.letterDraft.dossier', { number: report.dossierNumber }) : '',
      criteria: criteria ? ` (${criteria})` : '',
    }),
    t(partly ? 'reports.letterDraft.findingPartly' : 'reports.letterDraft.finding', { number: report.caseNumber, issuer: issuer.name }),
    ...TOLD_REMEDIES.filter((kind) => recorded.has(kind)).map((kind) => t(`reports.letterDraft.remedies.${kind}`, { issuer: issuer.name })),
    t('reports.letterDraft.closing'),
  ].join('\n\n');
}

/** The letter form's values: the saved draft, or a first draft written from the case; and the titles that may sign. */
export async function letterDraft(actor: Actor, id: string, now = new Date()) {
  const report = await caseFor(actor, id);
  assertApology(report);
  const { issuer } = await issuerOf(report);
  const form = { issuerName: issuer.name, signerTitles: signingTitles(issuer) };
  const saved = report.letter;
  if (saved?.documentNumber) {
    const values = { ...saved, date: formatDate(saved.date), recipientAddress: saved.recipientAddress ?? '', salutation: saved.salutation ?? '' };
    return { report, ...form, values };
  }
  const today = vietnamDay(now);
  const values = {
    documentNumber: await suggestedNumber(report, issuer, today),
    date: formatDate(today),
    salutation: '',
    recipientName: await citizenName(report),
    recipientAddress: '',
    body: await draftBody(report, issuer),
    signerTitle: signingTitles(issuer)[0],
    signerName: actor.displayName,
  };
  return { report, ...form, values };
}

export async function saveLetter(actor: Actor, id: string, input: LetterInput): Promise<void> {
  const report = await caseFor(actor, id);
  assertApology(report);
  const { issuer } = await issuerOf(report);
  if (!isSigningTitleOf(issuer, input.signerTitle)) throw new ValidationFailed({ signerTitle: 'reports.errors.signerTitle' });
  const letter = { ...input, recipientAddress: input.recipientAddress ?? '' };
  await updateCase({ _id: report._id }, { $set: { letter }, $inc: { version: 1 } });
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: report._id, action: 'letter', before: { letter: report.letter ?? null }, after: { letter }, unitPath: report.handlerUnitPath });
}

/** The saved letter as the letters feature takes it, for a handler. */
export async function letterData(actor: Actor, id: string): Promise<ApologyLetterData> {
  return letterDataOf(await caseFor(actor, id));
}

/** The saved letter of a case as the letters feature takes it (the issuing unit is the commune reported about). */
export async function letterDataOf(report: IncidentReport): Promise<ApologyLetterData> {
  assertApology(report);
  const l = report.letter;
  if (!l?.documentNumber || !l.date) throw new Conflict('reports.errors.letterNotDrafted');
  const { issuer, commune } = await issuerOf(report);
  const parent = commune?.parentId ? await unitById(commune.parentId) : null;
  return {
    issuer,
    parentName: parent ? issuingBodyOf(parent).name : undefined,
    documentNumber: l.documentNumber,
    placeName: placeNameOf(commune?.name ?? report.unitName),
    date: l.date,
    salutation: salutationOf(l.salutation, l.recipientName),
    recipientName: l.recipientName,
    recipientAddress: l.recipientAddress || undefined,
    bodyParagraphs: l.body.split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean),
    signerTitle: l.signerTitle,
    signerName: l.signerName,
  };
}

export async function letterDocx(actor: Actor, id: string): Promise<{ buffer: Buffer; fileName: string }> {
  return letterDocxOf(await caseFor(actor, id));
}

export async function letterDocxOf(report: IncidentReport): Promise<{ buffer: Buffer; fileName: string }> {
  return { buffer: await apologyLetterDocx(await letterDataOf(report)), fileName: `thu-xin-loi-${report.caseNumber}.docx` };
}
