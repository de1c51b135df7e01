import { updateCase } from './case-writes.js';
import type { Actor } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { formatDate, vietnamDay } from '../shared/dates.js';
import { apologyLetterDocx, issuingAuthorityName, placeNameOf, type ApologyLetterData } from '../letters/index.js';
import { Conflict } from '../shared/errors.js';
import { unitById } from '../units/index.js';
import { ReporterIdentityModel, type IncidentReport } from './model.js';
import { AUDIT_TYPE, caseFor, criterionLabels } from './service.js';
import type { LetterInput } from './schemas.js';

function assertApology(report: IncidentReport): void {
  if (!report.remedies.some((r) => r.kind === 'APOLOGY')) throw new Conflict('reports.errors.noApology');
}

/** The citizen a named citizen report came from (they asked for a reply); peers' identities stay hidden. */
async function citizenRecipient(report: IncidentReport): Promise<string> {
  if (report.source !== 'CITIZEN' || report.anonymous) return '';
  const identity = await ReporterIdentityModel.findOne({ reportId: report._id }).select('name').lean();
  return identity?.name ? `Ông/Bà ${identity.name}` : '';
}

/** The letter form's values: the saved draft, or a first draft written from the case. */
export async function letterDraft(actor: Actor, id: string, now = new Date()) {
  const report = await caseFor(actor, id);
  assertApology(report);
  const saved = report.letter;
  if (saved?.documentNumber) {
    return { report, values: { ...saved, date: formatDate(saved.date), recipientAddress: saved.recipientAddress ?? '' } };
  }
  const labels = await criterionLabels(report);
  const criteria = report.confirmedCriterionCodes.map((c) => `"${labels.get(c)?.name?.vi ?? c}"`).join(', ');
  const body = [
    `Ngày ${formatDate(report.occurredAt)}, khi Ông/Bà liên hệ giải quyết công việc tại ${report.unitName}${report.dossierNumber ? ` (hồ sơ số ${report.dossierNumber})` : ''}, cán bộ, công chức của đơn vị đã không thực hiện đúng quy tắc ứng xử${criteria ? ` (${criteria})` : ''}, gây phiền hà cho Ông/Bà.`,
    `Qua xem xét phản ánh số ${report.caseNumber}, đơn vị xác định nội dung phản ánh là có cơ sở. Thay mặt đơn vị, chúng tôi thành thật xin lỗi Ông/Bà.`,
    'Đơn vị đã chấn chỉnh, nhắc nhở cán bộ, công chức liên quan và cam kết không để tái diễn. Trân trọng cảm ơn Ông/Bà đã phản ánh, góp phần nâng cao chất lượng phục vụ Nhân dân.',
  ].join('\n\n');
  return {
    report,
    values: { documentNumber: '', date: formatDate(vietnamDay(now)), recipientName: await citizenRecipient(report), recipientAddress: '', body, signerTitle: 'Chủ tịch', signerName: actor.displayName },
  };
}

export async function saveLetter(actor: Actor, id: string, input: LetterInput): Promise<void> {
  const report = await caseFor(actor, id);
  assertApology(report);
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
  const unit = await unitById(report.reportingUnitId);
  const parent = unit?.parentId ? await unitById(unit.parentId) : null;
  return {
    issuingUnitName: unit ? issuingAuthorityName(unit) : report.unitName,
    parentUnitName: parent ? issuingAuthorityName(parent) : undefined,
    documentNumber: l.documentNumber,
    placeName: placeNameOf(unit?.name ?? report.unitName),
    date: l.date,
    recipientName: l.recipientName,
    recipientAddress: l.recipientAddress || undefined,
    subject: `V/v xin lỗi về phản ánh số ${report.caseNumber}`,
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
