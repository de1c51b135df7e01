import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { watchWrites } from '../shared/kept-in-memory.js';
import { vietnamMonth } from '../shared/dates.js';
import { EVIDENCE_TYPES } from './evidence-cleaning.js';
import { identitySealing } from './identity-sealing.js';

export const REPORT_SOURCES = ['CITIZEN', 'PEER'] as const;
/** PHAN_ANH: feedback, may be anonymous. TO_CAO: a formal denunciation, always named, identity kept secret. */
export const REPORT_KINDS = ['PHAN_ANH', 'TO_CAO'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
/**
 * How a report came in: ONLINE (the public or the staff form, and every report stored before the channel existed), or
 * received by a handler by phone, letter, hotline, suggestion box or in person and recorded on the reporter's behalf.
 */
export const INTAKE_CHANNELS = ['ONLINE', 'PHONE', 'LETTER', 'HOTLINE', 'SUGGESTION_BOX', 'IN_PERSON'] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];
export const RECORDED_INTAKE_CHANNELS = ['PHONE', 'LETTER', 'HOTLINE', 'SUGGESTION_BOX', 'IN_PERSON'] as const satisfies readonly IntakeChannel[];

export const REPORT_STATUSES = ['RECEIVED', 'UNDER_REVIEW', 'SUBSTANTIATED', 'PARTLY_SUBSTANTIATED', 'NOT_SUBSTANTIATED', 'RESOLVED', 'CLOSED'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export const FINDINGS: readonly ReportStatus[] = ['SUBSTANTIATED', 'PARTLY_SUBSTANTIATED', 'NOT_SUBSTANTIATED'];
export const FINAL_STATUSES: readonly ReportStatus[] = ['RESOLVED', 'CLOSED'];

export const REMEDY_KINDS = ['APOLOGY', 'REMINDER_TRAINING', 'DISCIPLINE_REFERRAL'] as const;
export type RemedyKind = (typeof REMEDY_KINDS)[number];

export const OUTCOMES = ['ON_TIME', 'LATE', 'EXTENDED'] as const;

/** Who wrote a message in the public thread: the reporter (through the tracking code) or the handling unit. */
export const MESSAGE_AUTHORS = ['REPORTER', 'UNIT'] as const;

const messageSchema = new Schema(
  {
    at: { type: Date, required: true },
    author: { type: String, enum: MESSAGE_AUTHORS, required: true },
    /** The handler's name for unit replies; never the reporter's. */
    byName: { type: String, default: '' },
    /** '' once erased at the end of the retention period (the message's date and author stay). */
    text: { type: String, default: '' },
    /** The evidence files sent with it (entries of the case's `evidence`). */
    evidenceIds: { type: [Schema.Types.ObjectId], default: [] },
  },
  { _id: false },
);

/** Where an evidence file came with: the report itself, or a later message of the reporter. */
export const EVIDENCE_SOURCES = ['REPORT', 'MESSAGE'] as const;

/**
 * One evidence file of the case, as the case lists it: its bytes are in the evidence bucket (GridFS, evidence.ts)
 * under the same id. Never the name it was sent with (a file name may carry a person's name or a date).
 */
const evidenceSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    /** Its number in the case, from 1: the file is shown and downloaded as "<case number>-<n>". */
    n: { type: Number, required: true },
    /** The type read from its content (evidence-cleaning.ts), the one it is served with. */
    type: { type: String, enum: EVIDENCE_TYPES, required: true },
    /** Bytes as stored (after re-encoding). */
    size: { type: Number, required: true },
    at: { type: Date, required: true },
    source: { type: String, enum: EVIDENCE_SOURCES, required: true },
  },
  { _id: false },
);

const noteSchema = new Schema(
  {
    at: { type: Date, required: true },
    byUserId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    byName: { type: String, default: '' },
    text: { type: String, required: true },
  },
  { _id: false },
);

const transitionSchema = new Schema(
  {
    from: { type: String, enum: REPORT_STATUSES, default: null },
    to: { type: String, enum: REPORT_STATUSES, required: true },
    at: { type: Date, required: true },
    byUserId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    byName: { type: String, default: '' },
    note: { type: String, default: '' },
    /** Whether the stage being left had passed its deadline. */
    late: { type: Boolean, default: false },
    /** The reporter sent the settled case back ("chưa được giải quyết"): no user, no name. */
    byReporter: { type: Boolean, default: false },
  },
  { _id: false },
);

const remedySchema = new Schema(
  {
    kind: { type: String, enum: REMEDY_KINDS, required: true },
    note: { type: String, default: '' },
    at: { type: Date, required: true },
    byName: { type: String, default: '' },
  },
  { _id: false },
);

/** How an explanation reached the case: written by the subject here, or recorded by the handler. */
export const EXPLANATION_CHANNELS = ['ONLINE', 'PAPER', 'IN_PERSON', 'DECLINED'] as const;
export type ExplanationChannel = (typeof EXPLANATION_CHANNELS)[number];
/** The ways a handler records it (ONLINE is the subject's own). */
export const RECORDED_EXPLANATION_CHANNELS = ['PAPER', 'IN_PERSON', 'DECLINED'] as const satisfies readonly ExplanationChannel[];
/** How the subject was told the conclusion. */
export const CONCLUSION_CHANNELS = ['IN_APP', 'PAPER', 'IN_PERSON'] as const;
export const HANDED_OVER_CHANNELS = ['PAPER', 'IN_PERSON'] as const satisfies readonly (typeof CONCLUSION_CHANNELS)[number][];

const reviewRequestSchema = new Schema(
  {
    at: { type: Date, required: true },
    /** The day it was made (the paper's date of receipt when recorded by the handler). */
    receivedOn: { type: Date, required: true },
    /** The finding asked about. */
    finding: { type: String, enum: REPORT_STATUSES, required: true },
    reason: { type: String, required: true },
    /** Sent by the subject from their own page; else recorded by the handler from paper. */
    bySubject: { type: Boolean, default: false },
    recordedByName: { type: String, default: '' },
  },
  { _id: false },
);

/** The reporter's answer to "Bạn có hài lòng với kết quả xử lý?", or NOT_RESOLVED when they sent the case back. */
export const FEEDBACK_LEVELS = ['SATISFIED', 'NEUTRAL', 'DISSATISFIED'] as const;
export type FeedbackLevel = (typeof FEEDBACK_LEVELS)[number];
export const FEEDBACK_ANSWERS = [...FEEDBACK_LEVELS, 'NOT_RESOLVED'] as const;
export type FeedbackAnswer = (typeof FEEDBACK_ANSWERS)[number];

const feedbackSchema = new Schema(
  {
    at: { type: Date, required: true },
    /** The settlement answered (the case's closedAt then): one answer each time the case is settled. */
    closedAt: { type: Date, required: true },
    answer: { type: String, enum: FEEDBACK_ANSWERS, required: true },
    comment: { type: String, default: '' },
  },
  { _id: false },
);

const incidentReportSchema = new Schema(
  {
    /** Internal reference shown to handlers (not secret): 'PA-2026-7K3QXM'. */
    caseNumber: { type: String, required: true },
    /** sha256 of the tracking code; the code itself is only ever shown once to the reporter. */
    trackingHash: { type: String, required: true },
    source: { type: String, enum: REPORT_SOURCES, required: true },
    kind: { type: String, enum: REPORT_KINDS, required: true, default: 'PHAN_ANH' },
    channel: { type: String, enum: INTAKE_CHANNELS, default: 'ONLINE' },
    /** True when no identity was given: then no ReporterIdentity exists for this report. */
    anonymous: { type: Boolean, required: true },
    provinceId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    /** The commune-level unit reported about. */
    reportingUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    /** The most specific unit named (the desk when one was chosen, else the commune) and its ancestors. */
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    unitName: { type: String, default: '' },
    deskId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    staffId: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    staffName: { type: String, default: '' },
    codeVersionId: { type: Schema.Types.ObjectId, ref: 'CodeVersion', default: null },
    codeVersionNumber: { type: Number, default: null },
    criterionCodes: { type: [String], default: [] },
    /** Set by the finding: the reported criteria that were confirmed. */
    confirmedCriterionCodes: { type: [String], default: [] },
    occurredAt: { type: Date, required: true },
    place: { type: String, default: '' },
    description: { type: String, required: true },
    dossierNumber: { type: String, default: '' },
    receivedAt: { type: Date, required: true },
    /** Derived at write time for dashboards (the month the incident happened in). */
    year: { type: Number, required: true },
    month: { type: Number, required: true },
    periodKey: { type: String, required: true },
    /**
     * The month the report was received in (Việt Nam time): reports are counted in the statistics by when they came
     * in, as a report of received petitions counts them; `year`/`month` (the incident's) place the conduct in time.
     * Derived on validation; set on older records at start-up (startup.ts).
     */
    receivedYear: { type: Number },
    receivedMonth: { type: Number },

    status: { type: String, enum: REPORT_STATUSES, required: true, default: 'RECEIVED' },
    history: { type: [transitionSchema], default: [] },
    /** Who handles the case: the commune, or one level up when the subject would handle it. */
    handlerUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    handlerUnitPath: { type: [Schema.Types.ObjectId], required: true },
    conflictOfInterest: { type: Boolean, default: false },
    /** Accounts of the person reported about: they never see the case itself. */
    excludedUserIds: { type: [Schema.Types.ObjectId], default: [] },

    stageStartedAt: { type: Date, required: true },
    /** Last calendar day of the current stage (null once final). */
    dueAt: { type: Date, default: null },
    extended: { type: Boolean, default: false },
    /** 0/1: the current stage is past its deadline (set by the escalation job). */
    overdue: { type: Number, default: 0 },
    /** 0/1: some stage of this case ran late. */
    wasLate: { type: Number, default: 0 },
    escalatedToUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    escalationLevel: { type: Number, default: 0 },
    outcome: { type: String, enum: OUTCOMES, default: null },
    closedAt: { type: Date, default: null },

    explanation: {
      requestedAt: { type: Date, default: null },
      dueAt: { type: Date, default: null },
      text: { type: String, default: '' },
      /** When it was recorded: by the subject online, or by the handler for one received on paper or in person. */
      submittedAt: { type: Date, default: null },
      /** How it came ('' on explanations written before the handler could record one: online by the subject). */
      channel: { type: String, enum: ['', ...EXPLANATION_CHANNELS], default: '' },
      /** The day a paper or spoken explanation (or the refusal) was received; the subject's own is its submittedAt. */
      receivedOn: { type: Date, default: null },
      recordedByUserId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
      recordedByName: { type: String, default: '' },
    },
    /**
     * Telling the subject the finding: in-app for a subject with a login (at the finding), else recorded by the handler
     * (the day and the way it was handed over). The review window runs from that day; cleared when a review reopens it.
     */
    conclusion: {
      notifiedOn: { type: Date, default: null },
      channel: { type: String, enum: ['', ...CONCLUSION_CHANNELS], default: '' },
      recordedByName: { type: String, default: '' },
      reviewDueAt: { type: Date, default: null },
    },
    /** The subject's requests for a review of the finding, each reopening the case (by them, or recorded on paper). */
    reviewRequests: { type: [reviewRequestSchema], default: [] },
    finding: {
      note: { type: String, default: '' },
      explanationSummary: { type: String, default: '' },
      at: { type: Date, default: null },
      byName: { type: String, default: '' },
    },
    /** Kept for the evaluations feature: substantiated (fully or partly) and its 0/1 twin for sums. */
    substantiated: { type: Boolean, default: false },
    substantiatedFlag: { type: Number, default: 0 },
    substantiatedAt: { type: Date, default: null },
    /**
     * One key per confirmed breach, 'S:<staffId>:<code>' and 'D:<deskId>:<code>', so early warnings are a
     * single $unwind + $group on a string (FerretDB v1 mis-groups compound keys after $unwind).
     */
    breachKeys: { type: [String], default: [] },

    /**
     * A duplicate (the same matter reported again): closed as such, linked to the case that handles it, and left out of
     * the statistics' report counts. `duplicates` lists the cases joined to this one. Undoing it restores the state
     * kept here and clears the link (caseId null).
     */
    duplicateOf: {
      caseId: { type: Schema.Types.ObjectId, ref: 'IncidentReport', default: null },
      caseNumber: { type: String, default: '' },
      at: { type: Date, default: null },
      /** What marking it changed, so that "Bỏ đánh dấu trùng" can put it back (duplicates.ts). */
      previousStatus: { type: String, enum: ['', ...REPORT_STATUSES], default: '' },
      previousDueAt: { type: Date, default: null },
      previousStageStartedAt: { type: Date, default: null },
      previousOverdue: { type: Number, default: 0 },
    },
    duplicates: { type: [{ caseId: { type: Schema.Types.ObjectId, required: true }, caseNumber: { type: String, required: true }, at: { type: Date, required: true }, _id: false }], default: [] },

    messages: { type: [messageSchema], default: [] },
    /** Photos and documents sent with the report and the reporter's messages (evidence.ts). */
    evidence: { type: [evidenceSchema], default: [] },
    internalNotes: { type: [noteSchema], default: [] },
    remedies: { type: [remedySchema], default: [] },
    /** The apology letter as last drafted (generated on demand as a page or .docx from these fields). */
    letter: {
      documentNumber: { type: String, default: '' },
      date: { type: Date, default: null },
      /** "Ông" or "Bà", chosen by the handler; '' on letters drafted before it was asked (printed neutrally). */
      salutation: { type: String, default: '' },
      recipientName: { type: String, default: '' },
      recipientAddress: { type: String, default: '' },
      body: { type: String, default: '' },
      signerTitle: { type: String, default: '' },
      signerName: { type: String, default: '' },
    },
    letterSentAt: { type: Date, default: null },
    /** The reporter's answers to the questionnaire, one per settlement (see feedbackSchema). */
    feedback: { type: [feedbackSchema], default: [] },
    /** When the retention job erased the reporter's personal data from this settled case (retention.ts). */
    personalDataErasedAt: { type: Date, default: null },

    /** The subject's evaluation of the period the incident fell in, when one exists. */
    evaluationId: { type: Schema.Types.ObjectId, ref: 'Evaluation', default: null },
    evaluationPeriodKey: { type: String, default: '' },
    version: { type: Number, default: 0 },
    /** The case's places in the inbox of each unit on its handler's path (reports/counters.ts, audit/sequences.ts). */
    seqKeys: { type: [String], default: [] },
    /** Filed before the inbox was numbered (or while it is renumbered): numbered by the next rebuild. */
    seqPending: { type: Boolean, default: false },
  },
  { timestamps: true },
);
incidentReportSchema.pre('validate', function () {
  if (this.receivedAt) Object.assign(this, receivedMonthOf(this.receivedAt));
});
incidentReportSchema.index({ trackingHash: 1 }, { unique: true });
incidentReportSchema.index({ caseNumber: 1 }, { unique: true });
incidentReportSchema.index({ handlerUnitPath: 1, status: 1, receivedAt: -1 });
incidentReportSchema.index({ unitPath: 1, year: 1 });
// The statistics read model reads the reports of a unit that is under no commune by its own id.
incidentReportSchema.index({ unitId: 1, year: 1 });
incidentReportSchema.index({ unitPath: 1, receivedYear: 1 });
incidentReportSchema.index({ unitId: 1, receivedYear: 1 });
incidentReportSchema.index({ staffId: 1, occurredAt: 1 });
// A roster's incidents: a unit's substantiated reports of one month.
incidentReportSchema.index({ unitPath: 1, periodKey: 1, substantiated: 1 });
incidentReportSchema.index({ status: 1, dueAt: 1 });
incidentReportSchema.index({ seqKeys: 1 });
incidentReportSchema.index({ seqPending: 1 });
// The cases about a person, to keep them out of their own inbox and warnings.
incidentReportSchema.index({ excludedUserIds: 1 });

export function receivedMonthOf(receivedAt: Date): { receivedYear: number; receivedMonth: number } {
  const { year, month } = vietnamMonth(receivedAt);
  return { receivedYear: year, receivedMonth: month };
}

/** The statistics years a change to a report touches: the incident's (conduct) and the receipt's (report counts). */
export function statisticsYearsOf(report: { year: number; receivedYear?: number | null; receivedAt?: Date | null }): number[] {
  const received = report.receivedYear ?? (report.receivedAt ? receivedMonthOf(report.receivedAt).receivedYear : report.year);
  return [report.year, received];
}

export function breachKeysOf(staffId: Types.ObjectId | null | undefined, deskId: Types.ObjectId | null | undefined, codes: readonly string[]): string[] {
  return codes.flatMap((code) => [...(staffId ? [`S:${String(staffId)}:${code}`] : []), ...(deskId ? [`D:${String(deskId)}:${code}`] : [])]);
}

export type IncidentReport = InferSchemaType<typeof incidentReportSchema> & { _id: Types.ObjectId };
/** Renewed by every write through the model: the inbox keeps the pages of cases it read until a case changes. */
export const caseWrites = watchWrites(incidentReportSchema, 'incidentReports');
export const IncidentReportModel = mongoose.model('IncidentReport', incidentReportSchema, 'incidentreports');

/**
 * Who filed a named report, kept apart from the case so that no case query can carry it: only the
 * province administrator reads it, through one audited function. Anonymous reports have none.
 */
const reporterIdentitySchema = new Schema(
  {
    reportId: { type: Schema.Types.ObjectId, ref: 'IncidentReport', required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    staffId: { type: Schema.Types.ObjectId, ref: 'Staff', default: null },
    name: { type: String, default: '' },
    phone: { type: String, default: '' },
    email: { type: String, default: '' },
    address: { type: String, default: '' },
    /** The language the report was written in (the page's when filed online; Vietnamese for reports recorded by a handler and those stored before): the reporter's e-mails use it. */
    language: { type: String, enum: ['vi', 'en'], default: 'vi' },
    /** When the retention job erased the fields above (the document stays: the report was named). */
    erasedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
reporterIdentitySchema.plugin(identitySealing);
reporterIdentitySchema.index({ reportId: 1 }, { unique: true });
reporterIdentitySchema.index({ staffId: 1 });
reporterIdentitySchema.index({ userId: 1 });

export type ReporterIdentity = InferSchemaType<typeof reporterIdentitySchema> & { _id: Types.ObjectId };
export const ReporterIdentityModel = mongoose.model('ReporterIdentity', reporterIdentitySchema);

export const NOTICE_KINDS = ['EXPLANATION_REQUESTED', 'CASE_ESCALATED', 'CASE_REOPENED', 'CONCLUSION', 'REVIEW_REQUESTED', 'CASE_DUE_SOON', 'EXPLANATION_DUE_SOON'] as const;

/** In-app notices: the subject's request for an explanation, escalations for the level above, reopenings for the handler. */
const reportNoticeSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    reportId: { type: Schema.Types.ObjectId, ref: 'IncidentReport', required: true },
    kind: { type: String, enum: NOTICE_KINDS, required: true },
    at: { type: Date, required: true },
    dueAt: { type: Date, default: null },
    readAt: { type: Date, default: null },
  },
  { timestamps: true },
);
reportNoticeSchema.index({ userId: 1, at: -1 });

export type ReportNotice = InferSchemaType<typeof reportNoticeSchema> & { _id: Types.ObjectId };
export const ReportNoticeModel = mongoose.model('ReportNotice', reportNoticeSchema);

/** A head lowered the evaluation of someone who had reported them: shown to the province. */
const retaliationFlagSchema = new Schema(
  {
    provinceId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    evaluatorUserId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    evaluatorName: { type: String, default: '' },
    staffId: { type: Schema.Types.ObjectId, ref: 'Staff', required: true },
    staffName: { type: String, default: '' },
    evaluationId: { type: Schema.Types.ObjectId, ref: 'Evaluation', default: null },
    periodKey: { type: String, default: '' },
    scoreBefore: { type: Number, required: true },
    scoreAfter: { type: Number, required: true },
    reportIds: { type: [Schema.Types.ObjectId], default: [] },
    at: { type: Date, required: true },
  },
  { timestamps: true },
);
retaliationFlagSchema.index({ provinceId: 1, at: -1 });

export type RetaliationFlag = InferSchemaType<typeof retaliationFlagSchema> & { _id: Types.ObjectId };
/** Every write through the model renews the revision: the province's flags are kept in memory until then. */
export const retaliationFlagWrites = watchWrites(retaliationFlagSchema, 'retaliationFlags');
export const RetaliationFlagModel = mongoose.model('RetaliationFlag', retaliationFlagSchema);

/**
 * The evidence bucket (GridFS, bucket 'evidence': see evidence.ts). These two models only declare its collections'
 * indexes, so that they are built at start like every other (and, on the embedded PostgreSQL engine, the equality
 * index that serves the driver's chunk look-up by `files_id`); the files are written and read through the driver's
 * GridFSBucket. `metadata.reportId` finds the files of a case, for deleting them with it.
 */
const evidenceFileSchema = new Schema(
  {
    length: Number,
    chunkSize: Number,
    uploadDate: Date,
    filename: String,
    metadata: { reportId: { type: Schema.Types.ObjectId, ref: 'IncidentReport' }, type: { type: String } },
  },
  { versionKey: false },
);
evidenceFileSchema.index({ filename: 1, uploadDate: 1 });
evidenceFileSchema.index({ 'metadata.reportId': 1 });
export const EvidenceFileModel = mongoose.model('EvidenceFile', evidenceFileSchema, 'evidence.files');

const evidenceChunkSchema = new Schema({ files_id: Schema.Types.ObjectId, n: Number, data: Buffer }, { versionKey: false });
evidenceChunkSchema.index({ files_id: 1, n: 1 }, { unique: true });
export const EvidenceChunkModel = mongoose.model('EvidenceChunk', evidenceChunkSchema, 'evidence.chunks');

/**
 * A file being stored for a case, until the case lists it: a crash between the upload and the case's write (or in the
 * middle of the upload, leaving chunks without their file record) leaves it here, and the sweep removes its bytes.
 */
const evidencePendingSchema = new Schema(
  { _id: { type: Schema.Types.ObjectId, required: true }, reportId: { type: Schema.Types.ObjectId, required: true }, at: { type: Date, required: true } },
  { versionKey: false },
);
export const EvidencePendingModel = mongoose.model('EvidencePending', evidencePendingSchema, 'evidence.pending');
