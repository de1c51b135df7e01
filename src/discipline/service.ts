import type { Types } from 'mongoose';
import type { Actor } from '../auth/index.js';
import { coversUnit } from '../auth/index.js';
import * as audit from '../audit/index.js';
import { caseByNumber } from '../incidents/index.js';
import { staffMember, type StaffMember } from '../staff/index.js';
import { isId } from '../shared/ids.js';
import { disciplineChanged } from '../shared/changes.js';
import { Conflict, Forbidden, NotFound, ValidationFailed, type FieldErrors } from '../shared/errors.js';
import { DisciplineDecisionModel, FORMS_BY_CATEGORY, FORMS_BY_SYSTEM, PARTY_FORMS, systemOf, type DisciplineDecision, type DisciplineForm, type DisciplineSystem } from './model.js';
import type { DecisionInput } from './schemas.js';

const AUDIT_TYPE = 'disciplineDecision';

/** What the audit log keeps of a decision (no reporter data exists on it to leak: a case is cited by number only). */
const plain = (d: Pick<DisciplineDecision, 'system' | 'form' | 'decisionNumber' | 'decisionDate' | 'issuer' | 'effectiveDate' | 'violationYear' | 'dutyRelated' | 'caseNumber' | 'note'>) => ({
  ...asTheyRead(d),
  note: d.note,
});

/** A decision as the person it is about reads it: without the recorder's note (an internal remark). */
const asTheyRead = (d: Pick<DisciplineDecision, 'system' | 'form' | 'decisionNumber' | 'decisionDate' | 'issuer' | 'effectiveDate' | 'violationYear' | 'dutyRelated' | 'caseNumber'>) => ({
  system: systemOf(d),
  form: d.form,
  decisionNumber: d.decisionNumber,
  decisionDate: d.decisionDate,
  issuer: d.issuer,
  effectiveDate: d.effectiveDate,
  violationYear: d.violationYear,
  dutyRelated: d.dutyRelated,
  caseNumber: d.caseNumber,
});

/**
 * The person whose decisions are read or written, when the actor may: the province administrator, or a head whose
 * grant covers the person's unit (never about oneself).
 */
async function personInScope(actor: Actor, staffId: string | Types.ObjectId): Promise<StaffMember> {
  if (!isId(String(staffId))) throw new NotFound();
  const person = await staffMember(staffId);
  if (!person) throw new NotFound();
  if (!coversUnit(actor, person.unitPath, 'head', 'admin')) throw new Forbidden();
  if (actor.staffId && person._id.equals(actor.staffId)) throw new Forbidden('discipline.errors.notOwn');
  return person;
}

/**
 * The forms this person can be given, per system: administrative ones by their category (cán bộ, công chức, viên
 * chức; none for người lao động), party ones whatever the category (party discipline is of the party member, and the
 * registry does not record membership). A system without forms is left out.
 */
export function formsFor(person: Pick<StaffMember, 'category'>): Partial<Record<DisciplineSystem, readonly DisciplineForm[]>> {
  const administrative = FORMS_BY_CATEGORY[person.category ?? ''] ?? [];
  return { ...(administrative.length ? { ADMINISTRATIVE: administrative } : {}), PARTY: PARTY_FORMS };
}

export interface PersonDecisions {
  person: Pick<StaffMember, '_id' | 'fullName' | 'position' | 'category'>;
  forms: Partial<Record<DisciplineSystem, readonly DisciplineForm[]>>;
  /** Stored decisions, each with its system read (`systemOf`: none stored means administrative). */
  decisions: (DisciplineDecision & { system: DisciplineSystem })[];
}

export async function decisionsPage(actor: Actor, staffId: string): Promise<PersonDecisions> {
  const person = await personInScope(actor, staffId);
  const decisions = ((await DisciplineDecisionModel.find({ staffId: person._id }).sort({ effectiveDate: -1 }).lean()) as DisciplineDecision[]).map((d) => ({ ...d, system: systemOf(d) }));
  return { person: { _id: person._id, fullName: person.fullName, position: person.position, category: person.category }, forms: formsFor(person), decisions };
}

/** A decision and its person, when the actor may change it. */
export async function decisionInScope(actor: Actor, id: string): Promise<{ decision: DisciplineDecision; person: StaffMember; forms: Partial<Record<DisciplineSystem, readonly DisciplineForm[]>> }> {
  if (!isId(id)) throw new NotFound();
  const decision = (await DisciplineDecisionModel.findById(id).lean()) as DisciplineDecision | null;
  if (!decision) throw new NotFound();
  const person = await personInScope(actor, decision.staffId);
  return { decision, person, forms: formsFor(person) };
}

/** The rules a form alone cannot check; every problem is reported at once, beside its field. */
async function checked(person: StaffMember, input: DecisionInput) {
  const errors: FieldErrors = {};
  // The system's own forms first (without scripts the page offers every form), then the person's category.
  if (!FORMS_BY_SYSTEM[input.system].includes(input.form)) errors.form = 'discipline.errors.formNotForSystem';
  else if (!formsFor(person)[input.system]?.includes(input.form)) errors.form = 'discipline.errors.formNotForCategory';
  if (input.effectiveDate < input.decisionDate) errors.effectiveDate = 'discipline.errors.effectiveBeforeDecision';
  const effectiveYear = input.effectiveDate.getUTCFullYear();
  if (input.violationYear > effectiveYear) errors.violationYear = 'discipline.errors.violationAfterDecision';
  let linked: { caseId: Types.ObjectId | null; caseNumber: string } = { caseId: null, caseNumber: '' };
  if (input.caseNumber) {
    const c = await caseByNumber(input.caseNumber.toUpperCase());
    if (!c) errors.caseNumber = 'discipline.errors.caseUnknown';
    else if (!c.staffId || !c.staffId.equals(person._id)) errors.caseNumber = 'discipline.errors.caseNotAboutPerson';
    else linked = { caseId: c._id, caseNumber: c.caseNumber };
  }
  if (Object.keys(errors).length) throw new ValidationFailed(errors);
  return {
    system: input.system,
    form: input.form,
    decisionNumber: input.decisionNumber,
    decisionDate: input.decisionDate,
    issuer: input.issuer,
    effectiveDate: input.effectiveDate,
    effectiveYear,
    violationYear: input.violationYear,
    dutyRelated: input.dutyRelated,
    ...linked,
    note: input.note ?? '',
  };
}

export async function recordDecision(actor: Actor, staffId: string, input: DecisionInput): Promise<DisciplineDecision> {
  const person = await personInScope(actor, staffId);
  const fields = await checked(person, input);
  const created = (
    await DisciplineDecisionModel.create({ staffId: person._id, staffName: person.fullName, unitPath: person.unitPath, ...fields, recordedBy: actor.userId, recordedByName: actor.displayName })
  ).toObject() as DisciplineDecision;
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: created._id, action: 'create', after: plain(created), unitPath: person.unitPath });
  await disciplineChanged({ staffId: person._id, years: [created.effectiveYear] });
  return created;
}

export async function updateDecision(actor: Actor, id: string, input: DecisionInput): Promise<void> {
  const { decision, person } = await decisionInScope(actor, id);
  const fields = await checked(person, input);
  const res = await DisciplineDecisionModel.updateOne({ _id: decision._id, version: input.version }, { $set: { ...fields, unitPath: person.unitPath }, $inc: { version: 1 } });
  if (res.matchedCount === 0) throw new Conflict('discipline.errors.stale');
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: decision._id, action: 'update', before: plain(decision), after: plain(fields), unitPath: person.unitPath });
  await disciplineChanged({ staffId: person._id, years: [...new Set([decision.effectiveYear, fields.effectiveYear])] });
}

export async function deleteDecision(actor: Actor, id: string): Promise<Types.ObjectId> {
  const { decision, person } = await decisionInScope(actor, id);
  await DisciplineDecisionModel.deleteOne({ _id: decision._id });
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: decision._id, action: 'delete', before: plain(decision), unitPath: person.unitPath });
  await disciplineChanged({ staffId: person._id, years: [decision.effectiveYear] });
  return person._id;
}

/** What the yearly classification reads: the decisions about a person that took effect in a year. */
export interface DisciplineFact {
  id: Types.ObjectId;
  system: DisciplineSystem;
  form: DisciplineForm;
  decisionNumber: string;
  decisionDate: Date;
  issuer: string;
  effectiveDate: Date;
  violationYear: number;
  dutyRelated: boolean;
}

/**
 * The unit (the person's when the decision was recorded) of each administrative decision taking effect in the year,
 * for the yearly workbook's count. Party decisions are left out: the same violation is often disciplined by both the
 * party organisation and the employing body, so counting both would count one violation twice, and the workbook
 * reports the administration's own measures. One `{effectiveYear}` equality (the index); the system is filtered
 * here, old records without one being administrative.
 */
export async function administrativeDecisionUnitsOfYear(year: number): Promise<string[]> {
  const rows = await DisciplineDecisionModel.find({ effectiveYear: year }, { unitPath: 1, system: 1 }).lean();
  return rows.filter((d) => systemOf(d) === 'ADMINISTRATIVE').map((d) => String(d.unitPath[d.unitPath.length - 1]));
}

/** One `{staffId, effectiveYear}` equality (the index). */

export async function decisionsTakingEffectIn(staffId: Types.ObjectId, year: number): Promise<DisciplineFact[]> {
  const rows = await DisciplineDecisionModel.find({ staffId, effectiveYear: year }).sort({ effectiveDate: 1 }).lean();
  return rows.map((d) => ({
    id: d._id,
    system: systemOf(d),
    form: d.form,
    decisionNumber: d.decisionNumber,
    decisionDate: d.decisionDate,
    issuer: d.issuer,
    effectiveDate: d.effectiveDate,
    violationYear: d.violationYear,
    dutyRelated: d.dutyRelated ?? true,
  }));
}

/**
 * The discipline decisions about a person, for their right of access (Law 91/2025/QH15): what the decision
 * they were handed says — form, number, dates, issuer, the case it came from by number. Not the recorder's note (an
 * internal remark, like a case's internal notes).
 */
export async function decisionsAboutPerson(staffId: Types.ObjectId) {
  const rows = await DisciplineDecisionModel.find({ staffId }).sort({ decisionDate: 1 }).lean<DisciplineDecision[]>();
  return rows.map(asTheyRead);
}
