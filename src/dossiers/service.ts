import { isId } from '../shared/ids.js';
import { oneWriterPerDocument } from '../db/one-writer.js';
import { Types } from 'mongoose';
import { coversUnit, scopeRoots, type Actor } from '../auth/index.js';
import type { Role } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { Conflict, Forbidden, NotFound, ValidationFailed, type FieldErrors } from '../shared/errors.js';
import { formatDate, vietnamDay } from '../shared/dates.js';
import { pageInfo, PAGE_SIZE } from '../shared/pagination.js';
import { COMMUNE_KINDS, compareUnits, unitById, unitsByIds, unitsUnder, type UnitInfo, type UnitKind } from '../units/index.js';
import { activeStaffUnder, staffMember } from '../staff/index.js';
import { issuingAuthorityName, placeNameOf, type ApologyLetterData } from '../letters/index.js';
import { dossierAuditView, LateDossierModel, type LateDossier, type SlipChannel } from './model.js';
import type { ApologySlipInput, DossierListQuery, LateDossierInput } from './schemas.js';
import { recordsChanged } from '../shared/changes.js';

/** Heads, the province and the desk's own staff keep the late-dossier register of their units. */
export const DOSSIER_ROLES: Role[] = ['admin', 'head', 'staff'];
/** Dossiers are received by communes and their desks, not by the province or a (former) district. */
const RECEIVING_KINDS: readonly UnitKind[] = [...COMMUNE_KINDS, 'office', 'desk'];


async function loadUnitInScope(actor: Actor, id: string): Promise<UnitInfo> {
  if (!isId(id)) throw new NotFound();
  const unit = await unitById(id);
  if (!unit) throw new NotFound();
  if (!coversUnit(actor, unit.path, ...DOSSIER_ROLES)) throw new Forbidden();
  return unit;
}

async function loadDossier(actor: Actor, id: string): Promise<LateDossier> {
  if (!isId(id)) throw new NotFound();
  const dossier = await LateDossierModel.findById(id).lean<LateDossier>();
  if (!dossier) throw new NotFound();
  if (!coversUnit(actor, dossier.unitPath, ...DOSSIER_ROLES)) throw new Forbidden();
  return dossier;
}

// ---------- form options ----------

/** Open receiving units (communes, desks, offices) the actor may record dossiers for. */
export async function unitOptions(actor: Actor) {
  const roots = scopeRoots(actor, ...DOSSIER_ROLES);
  if (!roots.length) return [];
  const units = (await unitsUnder(roots)).filter((u) => RECEIVING_KINDS.includes(u.kind) && u.effectiveTo == null);
  return units.sort(compareUnits).map((u) => ({ id: String(u._id), name: u.name, code: u.code }));
}

/** Active staff the actor's grants cover, as Vietnamese lists are ordered. */
export async function staffOptions(actor: Actor) {
  const roots = scopeRoots(actor, ...DOSSIER_ROLES);
  if (!roots.length) return [];
  const staff = await activeStaffUnder(roots, { limit: 1000 });
  return staff.map((s) => ({ id: String(s._id), name: s.position ? `${s.fullName} — ${s.position}` : s.fullName }));
}

// ---------- recording ----------

export async function recordLateDossier(actor: Actor, input: LateDossierInput): Promise<string> {
  const unit = await loadUnitInScope(actor, input.unitId);
  const errors: FieldErrors = {};
  if (!RECEIVING_KINDS.includes(unit.kind as UnitKind) || unit.effectiveTo) errors.unitId = 'dossiers.errors.unitNotReceiving';
  let handlingStaffName = '';
  if (input.handlingStaffId) {
    const staff = await staffMember(input.handlingStaffId);
    if (!staff || !coversUnit(actor, staff.unitPath, ...DOSSIER_ROLES)) errors.handlingStaffId = 'dossiers.errors.staffOutOfScope';
    else handlingStaffName = staff.fullName;
  }
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
  // One record per dossier and desk (a second would count the same breach twice): checked and created one at a time.
  const doc = await oneWriterPerDocument(LateDossierModel, `${String(unit._id)}:${input.dossierNumber}`, async () => {
    if (await LateDossierModel.exists({ unitId: unit._id, dossierNumber: input.dossierNumber })) throw new ValidationFailed({ dossierNumber: 'dossiers.errors.numberTaken' });
    return LateDossierModel.create({
      dossierNumber: input.dossierNumber,
      procedureName: input.procedureName,
      applicantName: input.applicantName,
      receivedDate: input.receivedDate,
      dueDate: input.dueDate,
      unitId: unit._id,
      unitPath: unit.path,
      unitName: unit.name,
      handlingStaffId: input.handlingStaffId ? new Types.ObjectId(input.handlingStaffId) : null,
      handlingStaffName,
      createdBy: actor.userId,
    });
  });
  await recordsChanged(unit.path, doc.year);
  await audit.record({ actor, objectType: 'lateDossier', objectId: doc._id, action: 'create', after: dossierAuditView(doc.toObject() as LateDossier), unitPath: unit.path });
  return String(doc._id);
}

/** The rules of the slip, beyond the form's own: the new date must come after the missed one. */
function slipErrors(dossier: LateDossier, input: ApologySlipInput, today: Date): FieldErrors {
  const errors: FieldErrors = {};
  if (input.newReturnDate <= dossier.dueDate) errors.newReturnDate = 'dossiers.errors.newDateNotAfterDue';
  else if (input.newReturnDate <= input.issuedDate) errors.newReturnDate = 'dossiers.errors.newDateNotAfterIssued';
  if (input.issuedDate < dossier.receivedDate) errors.issuedDate = 'dossiers.errors.issuedBeforeReceived';
  else if (input.issuedDate > today) errors.issuedDate = 'dossiers.errors.issuedInFuture';
  return errors;
}

export async function issueSlip(actor: Actor, id: string, input: ApologySlipInput, now = new Date()): Promise<void> {
  const dossier = await loadDossier(actor, id);
  if (dossier.slip) throw new Conflict('dossiers.errors.slipExists');
  const errors = slipErrors(dossier, input, vietnamDay(now));
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
  const slip = { ...input, documentNumber: input.documentNumber ?? '', issuedBy: actor.userId };
  // One slip per dossier: the condition on `slip: null` makes a second, concurrent issue a no-op (one writer at a time,
  // as FerretDB matches and writes in two steps).
  const result = await oneWriterPerDocument(LateDossierModel, dossier._id, () => LateDossierModel.updateOne({ _id: dossier._id, slip: null }, { $set: { slip, breachesApology: 0 } }));
  if (result.matchedCount === 0) throw new Conflict('dossiers.errors.slipExists');
  await recordsChanged(dossier.unitPath, dossier.year);
  await audit.record({ actor, objectType: 'lateDossier', objectId: dossier._id, action: 'issueSlip', before: dossierAuditView(dossier), after: dossierAuditView({ ...dossier, slip: slip as LateDossier['slip'], breachesApology: 0 }), unitPath: dossier.unitPath });
}


// ---------- reading ----------

function display(d: LateDossier) {
  return {
    id: String(d._id),
    dossierNumber: d.dossierNumber,
    procedureName: d.procedureName,
    applicantName: d.applicantName,
    receivedDate: d.receivedDate,
    dueDate: d.dueDate,
    unitName: d.unitName,
    handlingStaffName: d.handlingStaffName,
    breachesApology: d.breachesApology === 1,
    slip: d.slip
      ? {
          documentNumber: d.slip.documentNumber,
          reason: d.slip.reason,
          newReturnDate: d.slip.newReturnDate,
          channel: d.slip.channel as SlipChannel,
          signerName: d.slip.signerName,
          signerTitle: d.slip.signerTitle,
          issuedDate: d.slip.issuedDate,
        }
      : null,
  };
}

export async function getDossier(actor: Actor, id: string) {
  return display(await loadDossier(actor, id));
}

/** The units whose dossiers are listed: the one asked for (checked to be in scope), else every root of the actor's scope. */
async function unitsListed(actor: Actor, unitId: string): Promise<Types.ObjectId[]> {
  if (unitId) return [(await loadUnitInScope(actor, unitId))._id];
  const roots = scopeRoots(actor, ...DOSSIER_ROLES);
  if (!roots.length) throw new Forbidden();
  return roots;
}

export async function listDossiers(actor: Actor, query: DossierListQuery, page: number) {
  const scope = await unitsListed(actor, query.unit);
  const filter: Record<string, unknown> = { unitPath: { $in: scope } };
  if (query.year) filter.year = query.year;
  if (query.withoutSlip) filter.breachesApology = 1;
  const total = await LateDossierModel.countDocuments(filter);
  const pager = pageInfo(page, total);
  const rows = await LateDossierModel.find(filter)
    .sort({ dueDate: -1, _id: -1 })
    .skip((pager.page - 1) * PAGE_SIZE)
    .limit(PAGE_SIZE)
    .lean<LateDossier[]>();
  const summary = await lateDossierSummary(scope, query.year);
  return { rows: rows.map(display), pager, summary };
}

// ---------- counts for dashboards ----------

type Scope = Types.ObjectId | Types.ObjectId[];
const asArray = (scope: Scope) => (Array.isArray(scope) ? scope : [scope]);

/**
 * Late dossiers under the given units in a year (by due date), and how many of them got no slip.
 * One accumulator per $group, the flag in the key: FerretDB v1 computes only the first accumulator of a $group (its issue #4616).
 */
export async function lateDossierSummary(unitScope: Scope, year?: number): Promise<{ late: number; withoutSlip: number }> {
  const match: Record<string, unknown> = { unitPath: { $in: asArray(unitScope) } };
  if (year) match.year = year;
  const rows = await LateDossierModel.aggregate<{ _id: number; n: number }>([{ $match: match }, { $group: { _id: '$breachesApology', n: { $sum: 1 } } }]);
  return { late: rows.reduce((s, r) => s + r.n, 0), withoutSlip: rows.filter((r) => r._id === 1).reduce((s, r) => s + r.n, 0) };
}

/** Breaches of X2 "Xin lỗi" by the one-stop desks: late dossiers with no apology slip. */
export async function lateDossiersWithoutSlip(unitScope: Scope, year: number): Promise<number> {
  return (await lateDossierSummary(unitScope, year)).withoutSlip;
}

// ---------- the slip as a document ----------

const CHANNEL_NOTE: Record<SlipChannel, string> = { PAPER: 'trao trực tiếp', EMAIL: 'gửi qua thư điện tử', SMS: 'gửi qua tin nhắn SMS' };
const noFinalStop = (s: string) => s.trim().replace(/[.;]+$/, '');

/**
 * The slip in the wording of the national form (Mẫu 04, Circular 01/2018/TT-VPCP). Official
 * documents are in Vietnamese whatever the interface language.
 */
export async function slipLetter(actor: Actor, id: string): Promise<{ data: ApologyLetterData; dossierNumber: string }> {
  const dossier = await loadDossier(actor, id);
  if (!dossier.slip) throw new NotFound('dossiers.errors.noSlip');
  const slip = dossier.slip;
  const ancestors = await unitsByIds(dossier.unitPath);
  ancestors.sort((a, b) => a.depth - b.depth);
  const unit = ancestors.find((u) => u._id.equals(dossier.unitId)) ?? { name: dossier.unitName, kind: 'desk' };
  const commune = [...ancestors].reverse().find((u) => COMMUNE_KINDS.includes(u.kind as UnitKind));
  const parent = ancestors.length > 1 ? ancestors[ancestors.length - 2] : undefined;
  const issuer = issuingAuthorityName(unit);
  const recipient = `Ông/Bà ${dossier.applicantName}`;
  const data: ApologyLetterData = {
    issuingUnitName: issuer,
    parentUnitName: parent ? issuingAuthorityName(parent) : undefined,
    documentNumber: slip.documentNumber || `${dossier.dossierNumber}/PXL`,
    placeName: placeNameOf(commune?.name ?? unit.name),
    date: slip.issuedDate,
    recipientName: recipient,
    subject: `Hồ sơ số ${dossier.dossierNumber}`,
    documentTitle: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
    signerAuthority: '',
    signerTitle: slip.signerTitle,
    signerName: slip.signerName,
    bodyParagraphs: [
      `Ngày ${formatDate(dossier.receivedDate)}, ${issuer} tiếp nhận giải quyết hồ sơ của ${recipient}, mã hồ sơ ${dossier.dossierNumber}.`,
      `Nội dung yêu cầu giải quyết: ${noFinalStop(dossier.procedureName)}.`,
      `Thời hạn giải quyết hồ sơ theo quy định: ngày ${formatDate(dossier.dueDate)}.`,
      `Tuy nhiên đến nay, ${issuer} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà. Lý do: ${noFinalStop(slip.reason)}.`,
      `Sự chậm trễ này đã gây phiền hà cho Ông/Bà. ${issuer} xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào ngày ${formatDate(slip.newReturnDate)}.`,
      'Mong nhận được sự thông cảm của Ông/Bà./.',
    ],
    copyTo: [`${recipient} (${CHANNEL_NOTE[slip.channel as SlipChannel]});`, 'Lưu: VT.'],
  };
  return { data, dossierNumber: dossier.dossierNumber };
}
