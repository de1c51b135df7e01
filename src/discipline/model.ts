import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

/**
 * The two systems a decision may belong to: administrative discipline of cán bộ, công chức, viên chức (by the state
 * body employing them) and party discipline (kỷ luật đảng, by a party organisation, of a party member). Records
 * written before party discipline existed have no `system`: they are administrative (`systemOf`).
 */
export const DISCIPLINE_SYSTEMS = ['ADMINISTRATIVE', 'PARTY'] as const;
export type DisciplineSystem = (typeof DISCIPLINE_SYSTEMS)[number];

/** Administrative forms, lightest first. Which apply to whom is the law's, not ours (`FORMS_BY_CATEGORY`). */
export const ADMINISTRATIVE_FORMS = ['REPRIMAND', 'WARNING', 'SALARY_DOWNGRADE', 'DEMOTION', 'DISMISSAL', 'REMOVAL_FROM_OFFICE', 'FORCED_RESIGNATION'] as const;

/**
 * Party forms for party members, lightest first (Điều lệ Đảng Điều 35; Quy định 69-QĐ/TW 2022): khiển trách, cảnh cáo,
 * cách chức (removal from a party post), khai trừ. Codes of their own, so that a form alone never mixes the systems
 * (an administrative "cách chức" is not a party one). A probationary member can only be given the first two; the
 * registry does not record party membership, so that is the recorder's to respect.
 */
export const PARTY_FORMS = ['PARTY_REPRIMAND', 'PARTY_WARNING', 'PARTY_REMOVAL_FROM_POST', 'PARTY_EXPULSION'] as const;

/** Every form of discipline (hình thức kỷ luật); the classification rules read them through this feature's door. */
export const DISCIPLINE_FORMS = [...ADMINISTRATIVE_FORMS, ...PARTY_FORMS] as const;
export type DisciplineForm = (typeof DISCIPLINE_FORMS)[number];

export const FORMS_BY_SYSTEM: Record<DisciplineSystem, readonly DisciplineForm[]> = { ADMINISTRATIVE: ADMINISTRATIVE_FORMS, PARTY: PARTY_FORMS };

/** A stored decision's system: one without the field (recorded before party discipline existed) is administrative. */
export const systemOf = (d: { system?: string | null }): DisciplineSystem => (d.system === 'PARTY' ? 'PARTY' : 'ADMINISTRATIVE');

/**
 * The forms each kind of staff member can be given:
 * - cán bộ: khiển trách, cảnh cáo, cách chức, bãi nhiệm (Luật Cán bộ, công chức 2008, sửa đổi 2019, Điều 78);
 * - công chức: khiển trách, cảnh cáo, hạ bậc lương, giáng chức, cách chức, buộc thôi việc (same law, Điều 79; giáng
 *   chức and cách chức only for those holding a leading post, which the registry does not record);
 * - viên chức: khiển trách, cảnh cáo, cách chức, buộc thôi việc (Luật Viên chức 2010, sửa đổi 2019, Điều 52);
 * - người lao động: labour discipline under the Labour Code, outside the classification decrees: nothing here.
 * Law 80/2025/QH15 (in force 1/7/2025) replaced the 2008 law; its list of forms was not checked against these.
 */
export const FORMS_BY_CATEGORY: Record<string, readonly (typeof ADMINISTRATIVE_FORMS)[number][]> = {
  canBo: ['REPRIMAND', 'WARNING', 'DISMISSAL', 'REMOVAL_FROM_OFFICE'],
  congChuc: ['REPRIMAND', 'WARNING', 'SALARY_DOWNGRADE', 'DEMOTION', 'DISMISSAL', 'FORCED_RESIGNATION'],
  vienChuc: ['REPRIMAND', 'WARNING', 'DISMISSAL', 'FORCED_RESIGNATION'],
  nguoiLaoDong: [],
};

/** One discipline decision (quyết định kỷ luật) about one staff member, as issued on paper. */
const decisionSchema = new Schema(
  {
    staffId: { type: Schema.Types.ObjectId, ref: 'Staff', required: true },
    staffName: { type: String, required: true },
    /** The person's unit path when recorded: who may see and change the record, and the audit scope. */
    unitPath: { type: [Schema.Types.ObjectId], required: true },
    /** Absent on records older than party discipline: read with `systemOf` (administrative). */
    system: { type: String, enum: DISCIPLINE_SYSTEMS, default: 'ADMINISTRATIVE' },
    form: { type: String, enum: DISCIPLINE_FORMS, required: true },
    decisionNumber: { type: String, required: true, trim: true },
    decisionDate: { type: Date, required: true },
    /** The person or authority who signed it (người ký, cơ quan ban hành); for party discipline a party organisation. */
    issuer: { type: String, required: true, trim: true },
    effectiveDate: { type: Date, required: true },
    /** Derived at write time (Vietnam calendar year of effectiveDate): the classification reads `{staffId, effectiveYear}`. */
    effectiveYear: { type: Number, required: true },
    /** The year the violation was committed: a decision for an earlier year's violation may not count this year. */
    violationYear: { type: Number, required: true },
    /** Whether the violation concerned the person's public duties (Decree 335/2025 counts only those). */
    dutyRelated: { type: Boolean, default: true },
    /** The incident case it came from, if any (by case number, through the incidents door). */
    caseId: { type: Schema.Types.ObjectId, default: null },
    caseNumber: { type: String, default: '' },
    note: { type: String, default: '' },
    recordedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    recordedByName: { type: String, default: '' },
    version: { type: Number, default: 0 },
  },
  { timestamps: true },
);
decisionSchema.index({ staffId: 1, effectiveYear: 1 });
decisionSchema.index({ effectiveYear: 1 });

export type DisciplineDecision = InferSchemaType<typeof decisionSchema> & { _id: Types.ObjectId };
export const DisciplineDecisionModel = mongoose.model('DisciplineDecision', decisionSchema);
