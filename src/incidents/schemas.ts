import { z } from 'zod';
import { checkbox, dateInput, objectId, optionalObjectId, optionalText, requiredText } from '../shared/validation.js';
import { RECORDED_INTAKE_CHANNELS, FEEDBACK_LEVELS, HANDED_OVER_CHANNELS, RECORDED_EXPLANATION_CHANNELS, REMEDY_KINDS, REPORT_KINDS, REPORT_STATUSES } from './model.js';
import { SALUTATIONS } from '../letters/index.js';
import { unknownPlaceholders } from './template-model.js';

/** A checkbox group arrives as nothing, one string or several. */
const stringList = z.preprocess((v) => (v == null || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().trim().max(20)).max(50));

const PHONE = /^\+?[0-9 .()-]{8,20}$/;
const optionalPhone = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().regex(PHONE, 'reports.errors.phone').optional());
const optionalEmail = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.email('reports.errors.email').max(200).optional());

/** What happened: the same on the public and the staff form. */
const incidentFields = {
  unitId: objectId,
  deskId: optionalObjectId,
  staffId: optionalObjectId,
  criterionCodes: stringList.pipe(z.array(z.string()).min(1, 'reports.errors.criteria')),
  occurredOn: dateInput,
  place: optionalText(300),
  description: requiredText(4000),
  dossierNumber: optionalText(60),
};

export const citizenReportForm = z
  .object({
    ...incidentFields,
    identity: z.enum(['anonymous', 'named']).default('anonymous'),
    name: optionalText(120),
    phone: optionalPhone,
    email: optionalEmail,
  })
  .superRefine((v, ctx) => {
    if (v.identity === 'named' && !v.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'reports.errors.nameNeeded' });
    // A name, phone or e-mail typed while "anonymous" is chosen (the form without scripts shows them) is refused,
    // never silently dropped: the citizen decides between clearing it and leaving their name.
    if (v.identity === 'anonymous') {
      for (const field of ['name', 'phone', 'email'] as const) {
        if (v[field]) ctx.addIssue({ code: 'custom', path: [field], message: 'reports.errors.contactWhileAnonymous' });
      }
    }
  });
export type CitizenReportInput = z.infer<typeof citizenReportForm>;

export const peerReportForm = z
  .object({
    ...incidentFields,
    kind: z.enum(REPORT_KINDS).default('PHAN_ANH'),
    anonymous: checkbox,
    address: optionalText(300),
    phone: optionalPhone,
  })
  .superRefine((v, ctx) => {
    if (v.kind !== 'TO_CAO') return;
    if (v.anonymous) ctx.addIssue({ code: 'custom', path: ['anonymous'], message: 'reports.errors.denunciationNamed' });
    if (!v.address) ctx.addIssue({ code: 'custom', path: ['address'], message: 'reports.errors.addressNeeded' });
  });
export type PeerReportInput = z.infer<typeof peerReportForm>;

/**
 * A report received by phone, letter, hotline, suggestion box or in person, recorded by its handler for the reporter:
 * anonymous or named (a denunciation always named, with an address, as the law wants it).
 */
export const intakeReportForm = z
  .object({
    ...incidentFields,
    channel: z.enum(RECORDED_INTAKE_CHANNELS, { message: 'intake.errors.channel' }),
    kind: z.enum(REPORT_KINDS).default('PHAN_ANH'),
    identity: z.enum(['anonymous', 'named']).default('anonymous'),
    name: optionalText(120),
    phone: optionalPhone,
    email: optionalEmail,
    address: optionalText(300),
  })
  .superRefine((v, ctx) => {
    if (v.identity === 'named' && !v.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'reports.errors.nameNeeded' });
    if (v.kind !== 'TO_CAO') return;
    if (v.identity !== 'named') ctx.addIssue({ code: 'custom', path: ['identity'], message: 'reports.errors.denunciationNamed' });
    if (!v.address) ctx.addIssue({ code: 'custom', path: ['address'], message: 'reports.errors.addressNeeded' });
  });
export type IntakeReportInput = z.infer<typeof intakeReportForm>;

/** Mark the case as a duplicate of another, named by its case number. */
export const duplicateForm = z.object({
  caseNumber: z.string('duplicates.errors.numberNeeded').trim().min(1, 'duplicates.errors.numberNeeded').max(40),
  version: z.coerce.number().int().min(0).optional(),
});

/** Undo the mark: only the version the handler saw. */
export const unmarkDuplicateForm = z.object({ version: z.coerce.number().int().min(0).optional() });

export const trackForm = z.object({ code: requiredText(40) });
export const messageForm = z.object({ text: requiredText(2000) });
/** A reply to the reporter, and the template it was started from (kept in the audit entry only). */
export const replyForm = messageForm.extend({ template: z.string().trim().max(40).optional().catch(undefined) });

/** Only the placeholders a reply template may use (response-templates.ts): none that could name the reporter. */
const withKnownPlaceholders = (text: string | undefined) => !unknownPlaceholders(text ?? '').length;

/** The administrator's reply template: title, Vietnamese text (English optional), criterion and states it suits. */
export const responseTemplateForm = z.object({
  title: requiredText(120),
  textVi: requiredText(2000).refine(withKnownPlaceholders, 'templates.errors.placeholder'),
  textEn: optionalText(2000).refine(withKnownPlaceholders, 'templates.errors.placeholder'),
  criterionCode: z.string().trim().max(20).default(''),
  statuses: stringList.pipe(z.array(z.enum(REPORT_STATUSES, { message: 'templates.errors.status' }))),
  active: checkbox,
  version: z.coerce.number().int().min(0).optional(),
});
export type ResponseTemplateInput = z.infer<typeof responseTemplateForm>;
export const templateStateForm = z.object({ version: z.coerce.number().int().min(0).optional() });

/** The reporter's questionnaire once the case is settled, and "not resolved" with its reason. */
export const feedbackForm = z.object({ level: z.enum(FEEDBACK_LEVELS, 'reports.caseView.levelNeeded'), comment: optionalText(1000) });
export const reopenForm = z.object({ reason: z.string('reports.caseView.reasonNeeded').trim().min(1, 'reports.caseView.reasonNeeded').max(2000) });

export const transitionForm = z.object({
  to: z.enum(REPORT_STATUSES),
  note: requiredText(2000),
  version: z.coerce.number().int().min(0).optional(),
  confirmedCodes: stringList,
});

export const extendForm = z.object({
  days: z.coerce.number().int().min(1).max(30),
  reason: requiredText(500),
  version: z.coerce.number().int().min(0).optional(),
});

export const remedyForm = z.object({ kind: z.enum(REMEDY_KINDS), note: optionalText(1000) });
export const letterSentForm = z.object({ sentOn: dateInput });
export const explanationForm = z.object({ text: requiredText(4000) });

/** The handler records an explanation received on paper or in person, or the refusal (then no text is needed). */
export const recordedExplanationForm = z.object({
  channel: z.enum(RECORDED_EXPLANATION_CHANNELS, { message: 'reports.errors.explanationChannel' }),
  receivedOn: dateInput,
  text: optionalText(4000),
  version: z.coerce.number().int().min(0).optional(),
});
/** The handler records how and when the conclusion was handed to a subject not told in-app. */
export const handOverForm = z.object({
  channel: z.enum(HANDED_OVER_CHANNELS, { message: 'reports.errors.handOverChannel' }),
  notifiedOn: dateInput,
  version: z.coerce.number().int().min(0).optional(),
});
/** The subject asks for a review of the finding from their own page. */
export const reviewRequestForm = z.object({ reason: requiredText(2000) });
/** A review request received on paper, recorded by the handler. */
export const recordedReviewForm = z.object({ requestReceivedOn: dateInput, requestText: requiredText(2000), version: z.coerce.number().int().min(0).optional() });

export const inboxQuery = z.object({
  status: z.enum(REPORT_STATUSES).optional().catch(undefined),
  criterion: z.string().trim().max(20).optional().catch(undefined),
  unit: objectId.optional().catch(undefined),
  age: z.enum(['7', '30', '90']).optional().catch(undefined),
  overdue: z.literal('1').optional().catch(undefined),
});

export const letterForm = z.object({
  documentNumber: requiredText(60),
  date: dateInput,
  salutation: z.enum(SALUTATIONS, { message: 'reports.errors.salutation' }),
  recipientName: requiredText(200),
  recipientAddress: optionalText(300),
  body: requiredText(6000),
  signerTitle: requiredText(120),
  signerName: requiredText(120),
});
export type LetterInput = z.infer<typeof letterForm>;
