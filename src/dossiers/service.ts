import { isId } from '../shared/ids.js';
import { oneWriterPerDocument } from '../db/one-writer.js';
import { Types } from 'mongoose';
import { coversUnit, scopeRoots, type Actor } from '../auth/index.js';
import type { Role } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { Conflict, Forbidden, NotFound, ValidationFailed, type FieldErrors } from '../shared/errors.js';
import { formatDate, vietnamDay } from '../shared/dates.js';
import { pageInfo, PAGE_SIZE } from '../shared/pagination.js';
import { COMMUNE_KINDS, compareUnits, isAliveAt, unitById, unitsByIds, unitsUnder, type UnitInfo, type UnitKind } from '../units/index.js';
import { activeStaffUnder, staffMember } from '../staff/index.js';
import { documentNumber, documentNumberSuffix, isSigningTitleOf, issuingBodyOf, placeNameOf, salutationOf, signingTitles, type ApologyLetterData, type IssuingBody } from '../letters/index.js';
import { translator } from '../shared/i18n.js';
import { dossierAuditView, LateDossierModel, type LateDossier, type SlipChannel } from './model.js';
import type { ApologySlipInput, DossierEditInput, DossierListQuery, LateDossierInput, WithdrawInput } from './schemas.js';
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
  const units = (await unitsUnder(roots)).filter((u) => RECEIVING_KINDS.includes(u.kind) && isAliveAt(u));
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

/** The name of the staff member chosen as handling the dossier ('' for none); one outside the actor's scope is an error. */
async function handlingStaffNameOf(actor: Actor, staffId: string | undefined, errors: FieldErrors): Promise<string> {
  if (!staffId) return '';
  const staff = await staffMember(staffId);
  if (staff && coversUnit(actor, staff.unitPath, ...DOSSIER_ROLES)) return staff.fullName;
  errors.handlingStaffId = 'dossiers.errors.staffOutOfScope';
  return '';
}

export async function recordLateDossier(actor: Actor, input: LateDossierInput): Promise<string> {
  const unit = await loadUnitInScope(actor, input.unitId);
  const errors: FieldErrors = {};
  if (!RECEIVING_KINDS.includes(unit.kind as UnitKind) || !isAliveAt(unit)) errors.unitId = 'dossiers.errors.unitNotReceiving';
  const handlingStaffName = await handlingStaffNameOf(actor, input.handlingStaffId, errors);
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

/** The dossier's fields as its edit form shows them, with the version the form must send back. */
export async function dossierForEdit(actor: Actor, id: string) {
  const d = await loadDossier(actor, id);
  return {
    id: String(d._id),
    version: versionOf(d),
    unitName: d.unitName,
    hasSlip: d.slip != null,
    values: {
      dossierNumber: d.dossierNumber,
      procedureName: d.procedureName,
      applicantName: d.applicantName,
      receivedDate: formatDate(d.receivedDate),
      dueDate: formatDate(d.dueDate),
      handlingStaffId: d.handlingStaffId ? String(d.handlingStaffId) : '',
    },
  };
}

/** A dossier's version is the moment of its last write: a form sent from an older one is refused, not applied over. */
const versionOf = (d: Pick<LateDossier, 'updatedAt'>) => String(d.updatedAt?.getTime() ?? 0);

/**
 * Corrects what was entered for a late dossier (its unit stays: a dossier recorded at the wrong desk is withdrawn and
 * recorded again). An issued slip stays as issued, so the corrected dates must still fit it.
 */
export async function updateLateDossier(actor: Actor, id: string, input: DossierEditInput): Promise<void> {
  const dossier = await loadDossier(actor, id);
  const errors: FieldErrors = {};
  const handlingStaffName = await handlingStaffNameOf(actor, input.handlingStaffId, errors);
  if (dossier.slip) {
    if (dossier.slip.newReturnDate <= input.dueDate) errors.dueDate = 'dossiers.errors.dueAfterSlipDate';
    if (dossier.slip.issuedDate < input.receivedDate) errors.receivedDate = 'dossiers.errors.receivedAfterSlip';
  }
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
  const changes = {
    dossierNumber: input.dossierNumber,
    procedureName: input.procedureName,
    applicantName: input.applicantName,
    receivedDate: input.receivedDate,
    dueDate: input.dueDate,
    handlingStaffId: input.handlingStaffId ? new Types.ObjectId(input.handlingStaffId) : null,
    handlingStaffName,
  };
  const after = await oneWriterPerDocument(LateDossierModel, `${String(dossier.unitId)}:${input.dossierNumber}`, () =>
    oneWriterPerDocument(LateDossierModel, dossier._id, async () => {
      const sameNumber = await LateDossierModel.find({ unitId: dossier.unitId, dossierNumber: input.dossierNumber }).select('_id').lean();
      if (sameNumber.some((d) => !d._id.equals(dossier._id))) throw new ValidationFailed({ dossierNumber: 'dossiers.errors.numberTaken' });
      const current = await LateDossierModel.findById(dossier._id);
      if (!current || versionOf(current) !== input.version) throw new ValidationFailed({}, 'dossiers.errors.changedMeanwhile', 409);
      current.set(changes);
      return current.save();
    }),
  );
  await recordsChanged(dossier.unitPath, dossier.year, after.year);
  await audit.record({ actor, objectType: 'lateDossier', objectId: dossier._id, action: 'update', before: dossierAuditView(dossier), after: dossierAuditView(after.toObject() as LateDossier), unitPath: dossier.unitPath });
}

/**
 * Takes back a dossier recorded by mistake (not late after all, or entered twice under two numbers): it leaves the
 * register and the statistics; the audit log keeps what it was and why it went. A dossier whose slip was issued to the
 * applicant stays (the slip happened); its details can still be corrected.
 */
export async function withdrawLateDossier(actor: Actor, id: string, input: WithdrawInput): Promise<void> {
  const dossier = await loadDossier(actor, id);
  if (dossier.slip) throw new Conflict('dossiers.errors.withdrawAfterSlip');
  const result = await oneWriterPerDocument(LateDossierModel, dossier._id, () => LateDossierModel.deleteOne({ _id: dossier._id, slip: null }));
  if (result.deletedCount === 0) throw new Conflict('dossiers.errors.withdrawAfterSlip');
  await recordsChanged(dossier.unitPath, dossier.year);
  await audit.record({ actor, objectType: 'lateDossier', objectId: dossier._id, action: 'withdraw', before: dossierAuditView(dossier), after: { reason: input.withdrawReason }, unitPath: dossier.unitPath });
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
  if (!isSigningTitleOf((await slipIssuer(dossier)).issuer, input.signerTitle)) errors.signerTitle = 'dossiers.errors.signerTitle';
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
    // The slip is owed before the result falls due: one dated on or after the due date was sent late.
    slipLate: d.slip != null && d.slip.issuedDate >= d.dueDate,
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

/** Document type in the slip's number ("01/PXL-TTPVHCC"). */
const SLIP_TYPE = 'PXL';
const noFinalStop = (s: string) => s.trim().replace(/[.;]+$/, '');

type SlipIssuer = { issuer: IssuingBody; parentName?: string; placeName: string };

/**
 * The slip is issued by the unit that received the dossier, under its managing body. A slip signed before the
 * titles were a choice by the commune's chairman ("Chủ tịch") is shown as the People's Committee's, the body they sign for.
 */
async function slipIssuer(dossier: LateDossier, signerTitle?: string): Promise<SlipIssuer> {
  const ancestors = await unitsByIds(dossier.unitPath);
  ancestors.sort((a, b) => a.depth - b.depth);
  const at = (i: number) => ancestors[i];
  const own = ancestors.findIndex((u) => u._id.equals(dossier.unitId));
  const communeAt = ancestors.findLastIndex((u) => COMMUNE_KINDS.includes(u.kind as UnitKind));
  const placeName = placeNameOf(at(communeAt)?.name ?? dossier.unitName);
  const bodyAt = (i: number): SlipIssuer => ({ issuer: issuingBodyOf(at(i)!), parentName: i > 0 ? issuingBodyOf(at(i - 1)!).name : undefined, placeName });
  if (own < 0) return { issuer: issuingBodyOf({ name: dossier.unitName, kind: 'desk' }), placeName };
  const receiving = bodyAt(own);
  if (signerTitle && communeAt >= 0 && !isSigningTitleOf(receiving.issuer, signerTitle) && isSigningTitleOf(bodyAt(communeAt).issuer, signerTitle)) return bodyAt(communeAt);
  return receiving;
}

/** What the slip form offers: who issues it, the titles that may sign for them, and the unit's next number this year. */
export async function slipForm(actor: Actor, id: string, now = new Date()) {
  const dossier = await loadDossier(actor, id);
  const { issuer } = await slipIssuer(dossier);
  const year = vietnamDay(now).getUTCFullYear();
  const issued = await LateDossierModel.countDocuments({
    unitId: dossier.unitId,
    'slip.issuedDate': { $gte: new Date(Date.UTC(year, 0, 1)), $lt: new Date(Date.UTC(year + 1, 0, 1)) },
  });
  return { issuerName: issuer.name, signerTitles: signingTitles(issuer), suggestedNumber: documentNumber(issued + 1, SLIP_TYPE, issuer) };
}

/**
 * The slip in the wording of the national form (Mẫu 04, Circular 01/2018/TT-VPCP). Official
 * documents are in Vietnamese whatever the interface language.
 */
export async function slipLetter(actor: Actor, id: string): Promise<{ data: ApologyLetterData; dossierNumber: string }> {
  const dossier = await loadDossier(actor, id);
  if (!dossier.slip) throw new NotFound('dossiers.errors.noSlip');
  const slip = dossier.slip;
  const { issuer, parentName, placeName } = await slipIssuer(dossier, slip.signerTitle);
  const t = translator('vi');
  const text = { issuer: issuer.name, applicant: dossier.applicantName, number: dossier.dossierNumber };
  const data: ApologyLetterData = {
    issuer,
    parentName,
    // Left blank for the clerk, who numbers the slip when sealing it.
    documentNumber: slip.documentNumber || `${'\u00a0'.repeat(6)}/${documentNumberSuffix(SLIP_TYPE, issuer)}`,
    placeName,
    date: slip.issuedDate,
    salutation: salutationOf(slip.salutation, ''),
    recipientName: dossier.applicantName,
    documentTitle: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
    signerTitle: slip.signerTitle,
    signerName: slip.signerName,
    bodyParagraphs: [
      t('dossiers.slipText.received', { ...text, received: formatDate(dossier.receivedDate) }),
      t('dossiers.slipText.procedure', { procedure: noFinalStop(dossier.procedureName) }),
      t('dossiers.slipText.due', { due: formatDate(dossier.dueDate) }),
      t('dossiers.slipText.late', { ...text, reason: noFinalStop(slip.reason) }),
      t('dossiers.slipText.apology', { ...text, newDate: formatDate(slip.newReturnDate) }),
      t('dossiers.slipText.closing'),
    ],
    recipientCopyNote: t(`dossiers.slipText.channels.${slip.channel as SlipChannel}`),
  };
  return { data, dossierNumber: dossier.dossierNumber };
}
