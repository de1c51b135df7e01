import type { Types } from 'mongoose';
import * as audit from '../audit/index.js';
import { hasRole, scopeRoots, type Actor } from '../auth/index.js';
import { currentVersionFor } from '../conduct-code/index.js';
import { formatDate, formatMomentDay } from '../shared/dates.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import { isId } from '../shared/ids.js';
import { REPORT_STATUSES, type IncidentReport, type ReportStatus } from './model.js';
import { PLACEHOLDER, ResponseTemplateModel, templateWrites, type ResponseTemplate } from './template-model.js';
import { keptInMemory } from '../shared/kept-in-memory.js';
export { PLACEHOLDERS, ResponseTemplateModel, type ResponseTemplate } from './template-model.js';
import type { ResponseTemplateInput } from './schemas.js';

/** The text with the case's values filled in; a deadline the case has not got stays as written, for the handler to see. */
export function fillTemplate(text: string, report: Pick<IncidentReport, 'caseNumber' | 'dueAt' | 'receivedAt'>): string {
  const values: Record<string, string> = { ma_ho_so: report.caseNumber, han_xu_ly: report.dueAt ? formatDate(report.dueAt) : '', ngay_tiep_nhan: formatMomentDay(report.receivedAt) };
  return text.replace(PLACEHOLDER, (whole, name: string) => values[name] || whole);
}

export const AUDIT_TYPE = 'responseTemplate';
const plain = (t: Pick<ResponseTemplate, 'title' | 'textVi' | 'textEn' | 'criterionCode' | 'statuses' | 'active'>) => ({
  title: t.title,
  textVi: t.textVi,
  textEn: t.textEn,
  criterionCode: t.criterionCode,
  statuses: [...(t.statuses ?? [])].join(', '),
  active: t.active,
});

/** The province whose templates an administrator keeps (the demo's and a real one's grant is the province). */
function provinceOfAdmin(actor: Actor): Types.ObjectId {
  const root = hasRole(actor, 'admin') ? scopeRoots(actor, 'admin')[0] : undefined;
  if (!root) throw new Forbidden();
  return root;
}

/** The code's criteria the form offers (the version in force in the administrator's province). */
export async function criterionOptions(actor: Actor): Promise<{ code: string; name: { vi: string; en?: string | null } }[]> {
  const version = await currentVersionFor(actor);
  return (version?.criteria ?? []).map((c) => ({ code: c.code, name: { vi: c.name?.vi ?? c.code, en: c.name?.en ?? '' } }));
}

export async function listTemplates(actor: Actor) {
  const provinceId = provinceOfAdmin(actor);
  const rows = await ResponseTemplateModel.find({ provinceId }).lean<ResponseTemplate[]>();
  const collator = new Intl.Collator('vi');
  // Active first, then by title.
  return rows.sort((a, b) => Number(b.active) - Number(a.active) || collator.compare(a.title, b.title));
}

export async function getTemplate(actor: Actor, id: string): Promise<ResponseTemplate> {
  const provinceId = provinceOfAdmin(actor);
  const t = isId(id) ? await ResponseTemplateModel.findById(id).lean<ResponseTemplate>() : null;
  if (!t || String(t.provinceId) !== String(provinceId)) throw new NotFound();
  return t;
}

async function assertValid(actor: Actor, input: ResponseTemplateInput): Promise<void> {
  if (input.criterionCode && !(await criterionOptions(actor)).some((c) => c.code === input.criterionCode)) throw new ValidationFailed({ criterionCode: 'templates.errors.criterion' });
}

const fieldsOf = (input: ResponseTemplateInput) => ({
  title: input.title,
  textVi: input.textVi,
  textEn: input.textEn ?? '',
  criterionCode: input.criterionCode,
  statuses: REPORT_STATUSES.filter((s) => input.statuses.includes(s)),
  active: input.active,
});

export async function createTemplate(actor: Actor, input: ResponseTemplateInput): Promise<ResponseTemplate> {
  const provinceId = provinceOfAdmin(actor);
  await assertValid(actor, input);
  const created = (await ResponseTemplateModel.create({ provinceId, ...fieldsOf(input) })).toObject() as ResponseTemplate;
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: created._id, action: 'create', after: plain(created), unitPath: [provinceId] });
  return created;
}

/** Saves the form over the version the administrator read; one saved meanwhile by someone else gets 409. */
export async function updateTemplate(actor: Actor, id: string, input: ResponseTemplateInput): Promise<void> {
  const before = await getTemplate(actor, id);
  await assertValid(actor, input);
  const version = input.version ?? before.version;
  const fields = fieldsOf(input);
  const result = await ResponseTemplateModel.updateOne({ _id: before._id, version }, { $set: fields, $inc: { version: 1 } });
  if (result.matchedCount === 0) throw new Conflict('templates.errors.stale');
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: before._id, action: 'update', before: plain(before), after: plain(fields), unitPath: [before.provinceId] });
}

/** Takes a template out of the pickers (or puts it back); it is never deleted, so the audit log keeps its story. */
export async function setActive(actor: Actor, id: string, active: boolean, expectedVersion?: number): Promise<void> {
  const before = await getTemplate(actor, id);
  const version = expectedVersion ?? before.version;
  const result = await ResponseTemplateModel.updateOne({ _id: before._id, version }, { $set: { active }, $inc: { version: 1 } });
  if (result.matchedCount === 0) throw new Conflict('templates.errors.stale');
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: before._id, action: active ? 'reactivate' : 'deactivate', before: { active: before.active }, after: { active }, unitPath: [before.provinceId] });
}

export interface TemplateChoice {
  /** The option's value: the template's id, with ":en" for its English text. */
  value: string;
  title: string;
  lang: 'vi' | 'en';
  /** The text with the case's values filled in. */
  text: string;
}

/**
 * The templates a handler is offered on a case: the active ones of its province that suit it — for one of its
 * criteria or any, for its state or a state it may move to next, or any — each with its Vietnamese text and, when
 * it has one, its English text.
 */
const allTemplates = keptInMemory(templateWrites, async () => ResponseTemplateModel.find({}).lean<ResponseTemplate[]>(), 1000);

export async function templatesForCase(report: IncidentReport, nextStates: readonly ReportStatus[]): Promise<TemplateChoice[]> {
  const states = new Set<string>([report.status, ...nextStates]);
  const rows = (await allTemplates()).filter((t) => String(t.provinceId) === String(report.provinceId));
  const collator = new Intl.Collator('vi');
  const suits = (t: ResponseTemplate) =>
    t.active && (!t.criterionCode || report.criterionCodes.includes(t.criterionCode)) && (!(t.statuses ?? []).length || (t.statuses ?? []).some((s) => states.has(s)));
  return rows
    .filter(suits)
    .sort((a, b) => collator.compare(a.title, b.title))
    .flatMap((t) => [
      { value: String(t._id), title: t.title, lang: 'vi' as const, text: fillTemplate(t.textVi, report) },
      ...(t.textEn ? [{ value: `${String(t._id)}:en`, title: t.title, lang: 'en' as const, text: fillTemplate(t.textEn, report) }] : []),
    ]);
}

/** The title of a template used for a reply, for the audit entry ('' when none or not one of the case's province). */
export async function templateTitle(id: string | undefined, report: Pick<IncidentReport, 'provinceId'>): Promise<string> {
  const bare = id?.split(':')[0];
  if (!bare || !isId(bare)) return '';
  const t = await ResponseTemplateModel.findById(bare).select('title provinceId').lean();
  return t && String(t.provinceId) === String(report.provinceId) ? t.title : '';
}
