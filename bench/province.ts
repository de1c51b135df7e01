import { performance } from 'node:perf_hooks';
import mongoose, { Types } from 'mongoose';
import { AuditEntryModel } from '../src/audit/model.js';
import { auditIndex, diff, type SequenceIndex } from '../src/audit/service.js';
import { UserModel, type Role } from '../src/auth/model.js';
import { hashPassword } from '../src/auth/passwords.js';
import { CodeVersionModel } from '../src/conduct-code/model.js';
import { officialCatalogue } from '../src/conduct-code/official.js';
import { dossierAuditView as view, LateDossierModel } from '../src/dossiers/model.js';
import { ruleSetFor } from '../src/evaluations/classification-rules.js';
import { disagreements, resultsOf, statusOf } from '../src/evaluations/derive.js';
import { ClassificationModel, EvaluationModel, LEVEL_SCORE, PeriodModel, type EvaluationStatus, type Level } from '../src/evaluations/model.js';
import { periodBounds } from '../src/evaluations/periods.js';
import { EvaluationResultModel, resultRecordOf } from '../src/evaluations/results-store.js';
import { addWorkingDays } from '../src/holidays/working-days.js';
import { formatDate, vietnamDay } from '../src/shared/dates.js';
import { breachKeysOf, IncidentReportModel, receivedMonthOf, ReporterIdentityModel, ReportNoticeModel, type ReportStatus } from '../src/incidents/model.js';
import { hashOfIssued, newTrackingCode } from '../src/incidents/tracking.js';
import { caseIndex } from '../src/incidents/counters.js';
import { derivedRatingFields, RatingModel, type RatingLevel } from '../src/satisfaction/model.js';
import { foldForSearch, vietnameseSortKey } from '../src/shared/text.js';
import { StaffModel } from '../src/staff/model.js';
import { UnitModel } from '../src/units/model.js';
import { seededRandom as rng } from '../src/shared/seeded-random.js';

/**
 * A whole province with years of monthly evaluations, written straight into the collections with insertMany in
 * batches (never bulkWrite: FerretDB v1 may not answer large ones), each document shaped as the app's services write
 * it — derived fields, result records, the audit entries of every action, reporter identities and notices — so that
 * pages render on it as on a province that used the app for that long. Used by bench/pages.ts.
 *
 * What the services write, and where this file mirrors it:
 *   units, staff (import), logins (users/service createLogin), code version (code/service publish)
 *   periods: create → open → close (evaluations/periods.ts), one per month, opened by the province
 *   evaluations: createMissingEvaluations, then saveSelfAssessment (submit) and saveHeadEvaluation (evaluate/finalise)
 *     with results/totals/flags (derive.ts), the compact record (results-store.ts) and one audit entry per save
 *   classifications (classification.ts decideClassification) for each finished year
 *   incident reports: fileReport, handling.transition/addReply/addNote/addRemedy/saveLetter/markLetterSent,
 *     submitExplanation, the escalation job (deadlines.ts); ReporterIdentity and ReportNotice beside them
 *   late dossiers and apology slips (dossiers/service.ts), kiosk ratings (satisfaction/service.ts submitRating)
 *
 * Anything the services start to write later (counters, summary documents, read models) must be added here too, or
 * rebuilt by calling the app's own rebuild function after generateProvince returns.
 */

export interface ProvinceOptions {
  staff: number;
  communes: number;
  /** Months of history = 12 × years, ending with the current month (whose period is open). */
  years: number;
  reportsPerYear: number;
  ratingsPerYear: number;
  dossiersPerYear: number;
  /** Share of staff with a login (those without one never self-assess: the app needs a login for it). */
  staffLoginShare: number;
  password: string;
  seed?: number;
  now?: Date;
  log?: (msg: string) => void;
}

export interface PoolItem {
  username: string;
  evaluationId: string;
  version: number;
}

export interface ProvinceFixtures {
  password: string;
  province: { id: string; name: string };
  communes: { id: string; name: string; deskId: string; deskCode: string; head: string; reportStaffId: string }[];
  admin: string;
  /** A staff member (no head role) of the first commune. */
  staffViewer: string;
  openPeriod: { id: string; key: string };
  /** An evaluation of the open period in the first commune, self-assessed, that its head may evaluate. */
  formEvaluation: { id: string; staffName: string };
  /** A name on the first commune's roster. */
  rosterName: string;
  /** A case handled by the first commune (for its head). */
  caseReport: { id: string; caseNumber: string };
  /** Evaluations of the open period, each owned by a different login, not submitted: for draft self-assessments. */
  selfTargets: PoolItem[];
  /** Not-finalised evaluations of the open period with the head who may evaluate them: for head saves. */
  headTargets: PoolItem[];
  /** Further not-finalised evaluations of the open period (one finalisation each). */
  finalisePool: PoolItem[];
  /** Tracking codes of cases still trackable. */
  trackingCodes: string[];
  counts: Record<string, number>;
  seconds: Record<string, number>;
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Lò', 'Quàng', 'Vàng', 'Giàng', 'Lường', 'Cà', 'Tòng', 'Cầm', 'Mùa', 'Sùng', 'Thào'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Thanh', 'A', 'Thị Thu', 'Hữu', 'Ngọc', 'Xuân'];
const GIVEN = ['An', 'Ánh', 'Bình', 'Chung', 'Dũng', 'Đức', 'Giang', 'Hà', 'Hải', 'Hằng', 'Hòa', 'Hùng', 'Khánh', 'Lan', 'Long', 'Mai', 'Minh', 'Nam', 'Nga', 'Phong', 'Quân', 'Sơn', 'Thảo', 'Trang', 'Tuấn', 'Vân', 'Xuân', 'Yến', 'Dế', 'Páo', 'Sếnh', 'Chứ'];
const PLACE_A = ['Thanh', 'Mường', 'Sính', 'Nà', 'Pú', 'Si', 'Chà', 'Búng', 'Quài', 'Tỏa', 'Mùn', 'Noong', 'Phình', 'Xa', 'Na', 'Huổi', 'Rạng', 'Keo', 'Ẳng', 'Tủa', 'Sa', 'Chiềng'];
const PLACE_B = ['Nưa', 'Nhé', 'Phình', 'Tấu', 'Nhì', 'Lao', 'Cang', 'Tở', 'Chung', 'Luông', 'Hẹ', 'Sang', 'Dung', 'Hàng', 'Lếch', 'Đông', 'Lư', 'Tơ', 'Mươn', 'Pồng', 'Sinh'];
const POSITIONS = [
  'Chủ tịch UBND xã',
  'Phó Chủ tịch UBND xã',
  'Công chức Văn phòng - Thống kê',
  'Công chức Tư pháp - Hộ tịch',
  'Công chức Địa chính - Xây dựng',
  'Công chức Tài chính - Kế toán',
  'Công chức Văn hóa - Xã hội',
  'Chỉ huy trưởng Ban Chỉ huy Quân sự',
  'Viên chức Trạm Y tế',
  'Viên chức Trường Tiểu học',
  'Nhân viên Văn phòng',
];
const DESK_POSITION = 'Công chức tiếp nhận và trả kết quả';
const REASONS = [
  'Công dân phản ánh chưa chào hỏi khi tiếp nhận hồ sơ',
  'Để người dân chờ lâu mà không xin lỗi',
  'To tiếng với người dân tại bộ phận một cửa',
  'Chưa hướng dẫn đầy đủ thủ tục, người dân phải đi lại nhiều lần',
  'Đùn đẩy trách nhiệm giải quyết hồ sơ',
];
const DESCRIPTIONS = [
  'Cán bộ không chào hỏi, nói năng cộc lốc khi tôi đến nộp hồ sơ.',
  'Tôi phải chờ hơn một giờ mà không được giải thích hay xin lỗi.',
  'Cán bộ to tiếng khi tôi hỏi lại thủ tục, không hướng dẫn cụ thể.',
  'Hồ sơ bị trả lại nhiều lần, mỗi lần yêu cầu thêm một giấy tờ khác.',
  'Cán bộ gợi ý phải "bồi dưỡng" thì hồ sơ mới nhanh.',
];
const PROCEDURES = ['Đăng ký khai sinh', 'Đăng ký kết hôn', 'Chứng thực bản sao', 'Cấp giấy chứng nhận quyền sử dụng đất', 'Đăng ký thường trú', 'Trợ cấp xã hội'];
const CODES = officialCatalogue.criteria.map((c) => c.code);
/** Criteria citizens report most. */
const REPORTED = ['X1', 'X2', 'X2', 'L1', 'L2', 'L2', 'L3', 'L4', 'L4', 'K1', 'K2', 'K3'];
const DAY = 86_400_000;
const CASE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A time on a Vietnamese calendar day (UTC+7), at the given local hour and minute. */
function vnTime(day: Date, hour: number, minute = 0): Date {
  return new Date(day.getTime() + (hour - 7) * 3_600_000 + minute * 60_000);
}

/** Defaults of a model's schema (what mongoose adds on create), without _id: new fields with defaults follow automatically. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function defaultsOf(model: mongoose.Model<any>): Record<string, unknown> {
  const { _id, ...rest } = new model({}).toObject() as Record<string, unknown>;
  void _id;
  return { ...rest, __v: 0 };
}

/**
 * Checks a generated document against its model: it must validate, and carry no field the schema does not know
 * (mongoose would drop it on a service's write). Run on a sample, so that a schema change shows up here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function checkAgainstModel(model: mongoose.Model<any>, doc: Record<string, unknown>): Promise<void> {
  const hydrated = new model(doc);
  try {
    await hydrated.validate();
  } catch (error) {
    throw new Error(`generated ${model.modelName} does not validate: ${(error as Error).message}`);
  }
  const known = hydrated.toObject() as Record<string, unknown>;
  const unknown = Object.keys(doc).filter((k) => !(k in known));
  if (unknown.length) throw new Error(`generated ${model.modelName} has fields its schema does not know: ${unknown.join(', ')}`);
}

/** Batches of insertMany, a few in flight; an error stops the generation at the next add or flush. */
class Writer {
  private buffer: Record<string, unknown>[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private error: unknown = null;
  count = 0;
  private readonly collection: { insertMany(docs: Record<string, unknown>[]): Promise<unknown> };
  private readonly staged: boolean;
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private readonly model: mongoose.Model<any>,
    private readonly size = 2000,
    private readonly parallel = 2,
    /** Another collection to write into (a staging one), the documents still checked against the model. */
    collectionName?: string,
  ) {
    this.staged = collectionName != null;
    const target = collectionName ? mongoose.connection.collection(collectionName) : model.collection;
    this.collection = target as unknown as { insertMany(docs: Record<string, unknown>[]): Promise<unknown> };
  }

  async add(doc: Record<string, unknown>): Promise<void> {
    if (this.error) throw this.error;
    // The first document and every 5,000th are checked against the schema.
    if (!this.staged && this.count % 5000 === 0) await checkAgainstModel(this.model, doc);
    this.buffer.push(doc);
    this.count++;
    if (this.buffer.length >= this.size) await this.send();
  }

  private async send(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    while (this.inFlight.size >= this.parallel) await Promise.race(this.inFlight);
    if (this.error) throw this.error;
    const p: Promise<void> = this.collection
      .insertMany(batch)
      .then(() => undefined)
      .catch((err: unknown) => {
        this.error ??= err;
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  async flush(): Promise<void> {
    if (this.buffer.length) await this.send();
    await Promise.all(this.inFlight);
    if (this.error) throw this.error;
  }
}

/**
 * The staging collection is read back one slice of time at a time, and each read is a full scan of it on the engine
 * (no index on the staging field): four weeks per slice keep the scans few (39 for 3 years) and a slice's documents
 * (~7,000 audit entries) small enough to sort in memory.
 */
const SLICE = 28 * DAY;

/**
 * Documents of a collection the app numbers at write time (audit/sequences.ts: the audit log, the reports inbox),
 * which the generator produces out of time order: written first into a staging collection with their slice of time,
 * then read back slice by slice, oldest first, and loaded numbered (`SequenceIndex.loadInOrder`) — what the app would have
 * stored had it written them one by one, without an update per document afterwards.
 */
class NumberedWriter {
  private readonly staging: string;
  private readonly writer: Writer;
  private readonly slices = new Set<number>();
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private readonly model: mongoose.Model<any>,
    private readonly index: SequenceIndex,
    private readonly timeField: string,
  ) {
    this.staging = `bench_staging_${model.collection.collectionName}`;
    this.writer = new Writer(model, 2000, 2, this.staging);
  }
  get count(): number {
    return this.writer.count;
  }
  async add(doc: Record<string, unknown>): Promise<void> {
    if (this.writer.count % 5000 === 0) await checkAgainstModel(this.model, doc);
    const slice = Math.floor((doc[this.timeField] as Date).getTime() / SLICE);
    this.slices.add(slice);
    await this.writer.add({ ...doc, _benchSlice: slice });
  }
  async flush(): Promise<void> {
    await this.writer.flush();
    const staging = mongoose.connection.collection(this.staging);
    const timeField = this.timeField;
    const slices = [...this.slices].sort((a, b) => a - b);
    async function* oldestFirst() {
      for (const slice of slices) {
        const docs = (await staging.find({ _benchSlice: slice }).toArray()) as Record<string, unknown>[];
        docs.sort((a, b) => (a[timeField] as Date).getTime() - (b[timeField] as Date).getTime() || String(a._id).localeCompare(String(b._id)));
        yield docs.map(({ _benchSlice, ...d }) => (void _benchSlice, d as Record<string, unknown> & { _id: Types.ObjectId }));
      }
    }
    await this.index.loadInOrder(oldestFirst());
    await staging.drop();
  }
}

interface UnitRec {
  _id: Types.ObjectId;
  name: string;
  code: string;
  path: Types.ObjectId[];
  parentId: Types.ObjectId | null;
}
interface StaffRec {
  _id: Types.ObjectId;
  fullName: string;
  sortKey: string;
  position: string;
  unit: UnitRec;
  unitPath: Types.ObjectId[];
  commune: number;
  member: number;
  /** Position in `staff`. */
  index: number;
  userId: Types.ObjectId | null;
  username: string;
}
interface UserRec {
  _id: Types.ObjectId;
  username: string;
  displayName: string;
  staffId: Types.ObjectId | null;
}
type Forced = 'fresh' | 'notFinal' | 'selfAssessed';

export async function generateProvince(opts: ProvinceOptions): Promise<ProvinceFixtures> {
  const log = opts.log ?? (() => undefined);
  const seconds: Record<string, number> = {};
  let since = performance.now();
  const mark = (phase: string) => {
    seconds[phase] = Math.round(performance.now() - since) / 1000;
    since = performance.now();
    const mem = process.memoryUsage();
    log(`  ${phase}: ${seconds[phase]} s (heap ${Math.round(mem.heapUsed / 2 ** 20)} MB, rss ${Math.round(mem.rss / 2 ** 20)} MB)`);
  };
  const random = rng(opts.seed ?? 20261203);
  const pick = <T>(arr: readonly T[]): T => arr[Math.floor(random() * arr.length)]!;
  const chance = (p: number) => random() < p;
  const between = (a: number, b: number) => a + Math.floor(random() * (b - a + 1));
  const now = opts.now ?? new Date();
  const today = vietnamDay(now);
  const wd = (day: Date, n: number) => addWorkingDays(day, n, []);
  const seen = (d: Date) => d.getTime() <= now.getTime();

  const audit = new NumberedWriter(AuditEntryModel, auditIndex, 'at');
  const auditBase = defaultsOf(AuditEntryModel);
  async function record(e: { at: Date; actor: UserRec | null; objectType: string; objectId: Types.ObjectId; action: string; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null; unitPath: Types.ObjectId[] }) {
    await audit.add({
      ...auditBase,
      at: e.at,
      actorId: e.actor?._id ?? null,
      actorName: e.actor?.displayName ?? 'system',
      objectType: e.objectType,
      objectId: e.objectId,
      action: e.action,
      changes: diff(e.before ?? null, e.after ?? null),
      unitPath: e.unitPath,
    });
  }

  // ── Units, code, staff, logins ─────────────────────────────────────────────────────────────
  const months = opts.years * 12;
  const current = { y: today.getUTCFullYear(), m: today.getUTCMonth() + 1 };
  const first = new Date(Date.UTC(current.y, current.m - months, 1));
  const setupDay = new Date(first.getTime() - 30 * DAY);
  const setupAt = vnTime(setupDay, 9);
  const unitBase = defaultsOf(UnitModel);
  const provinceId = new Types.ObjectId();
  const province: UnitRec = { _id: provinceId, name: 'Tỉnh Điện Biên', code: 'BENCH-DB', path: [provinceId], parentId: null };
  const communes: (UnitRec & { desk: UnitRec })[] = [];
  const names = new Set<string>();
  for (let c = 0; c < opts.communes; c++) {
    let name = `Xã ${PLACE_A[c % PLACE_A.length]} ${PLACE_B[(c * 7 + Math.floor(c / PLACE_A.length)) % PLACE_B.length]}`;
    if (names.has(name)) name = `${name} ${c + 1}`;
    names.add(name);
    const _id = new Types.ObjectId();
    const deskId = new Types.ObjectId();
    const code = `BENCH-X${String(c + 1).padStart(3, '0')}`;
    const path = [provinceId, _id];
    communes.push({ _id, name, code, path, parentId: provinceId, desk: { _id: deskId, name: `Bộ phận Một cửa ${name.replace(/^Xã /, 'xã ')}`, code: `${code}-MC`, path: [...path, deskId], parentId: _id } });
  }
  const unitDoc = (u: UnitRec, kind: string) => ({
    ...unitBase,
    _id: u._id,
    code: u.code,
    name: u.name,
    searchName: foldForSearch(u.name),
    kind,
    parentId: u.parentId,
    path: u.path,
    depth: u.path.length - 1,
    effectiveFrom: new Date(Date.UTC(2020, 0, 1)),
    effectiveTo: null,
    successorIds: [],
    predecessorIds: [],
    version: 0,
    createdAt: setupAt,
    updatedAt: setupAt,
  });
  const unitDocs = [unitDoc(province, 'province'), ...communes.flatMap((c) => [unitDoc(c, 'commune'), unitDoc(c.desk, 'desk')])];
  // Through mongoose (a few dozen documents): the model's middleware sets the tree's revision token, as for any unit write.
  await UnitModel.insertMany(unitDocs);

  const passwordHash = await hashPassword(opts.password);
  const adminUser: UserRec = { _id: new Types.ObjectId(), username: 'admin', displayName: 'Sở Nội vụ tỉnh Điện Biên', staffId: null };
  const userBase = defaultsOf(UserModel);
  const userDoc = (u: UserRec, roles: { role: Role; unitId: Types.ObjectId }[]) => ({
    ...userBase,
    _id: u._id,
    username: u.username,
    passwordHash,
    displayName: u.displayName,
    email: '',
    staffId: u.staffId,
    roles,
    active: true,
    failedLogins: 0,
    lockedUntil: null,
    lastLoginAt: null,
    language: 'vi',
    createdAt: setupAt,
    updatedAt: setupAt,
  });
  const adminDoc = userDoc(adminUser, [{ role: 'admin', unitId: provinceId }]);
  await checkAgainstModel(UserModel, adminDoc);
  await UserModel.collection.insertOne(adminDoc);
  for (const u of unitDocs) await record({ at: setupAt, actor: adminUser, objectType: 'unit', objectId: u._id, action: 'create', after: { code: u.code, name: u.name, kind: u.kind, parentId: u.parentId ? String(u.parentId) : null, effectiveFrom: u.effectiveFrom, effectiveTo: null, successorIds: [], predecessorIds: [] }, unitPath: u.path });

  const code = await CodeVersionModel.create({
    provinceId,
    versionNumber: 1,
    title: 'Bộ quy tắc ứng xử "4 xin, 4 luôn, 5 không" tỉnh Điện Biên',
    legalBasis: officialCatalogue.legalBasis,
    effectiveFrom: new Date(Date.UTC(2020, 0, 1)),
    groups: officialCatalogue.groups.map((g) => ({ ...g, name: { ...g.name } })),
    criteria: officialCatalogue.criteria.map((c) => ({ ...c, name: { ...c.name }, plainLabel: { ...c.plainLabel } })),
    publishedBy: adminUser._id,
    publishedByName: adminUser.displayName,
  });
  await record({ at: setupAt, actor: adminUser, objectType: 'codeVersion', objectId: code._id, action: 'publish', after: { versionNumber: 1, title: code.title, effectiveFrom: code.effectiveFrom, criteria: CODES.length }, unitPath: [provinceId] });

  const staff: StaffRec[] = [];
  const byCommune: StaffRec[][] = communes.map(() => []);
  for (let i = 0; i < opts.staff; i++) {
    const commune = i % opts.communes;
    const member = byCommune[commune]!.length;
    const c = communes[commune]!;
    const atDesk = member >= 8 && chance(0.12);
    const fullName = `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`;
    const position = atDesk ? DESK_POSITION : member < 2 ? POSITIONS[member]! : POSITIONS[2 + (member % (POSITIONS.length - 2))]!;
    const unit = atDesk ? c.desk : c;
    const s: StaffRec = { _id: new Types.ObjectId(), fullName, sortKey: vietnameseSortKey(fullName), position, unit, unitPath: unit.path, commune, member, index: i, userId: null, username: '' };
    // The chairman heads the commune; others get a login as the share says (the first ten always: the bench logs in as them).
    if (member === 0 || member < 10 || chance(opts.staffLoginShare)) {
      s.userId = new Types.ObjectId();
      s.username = member === 0 ? `truongxa${String(commune + 1).padStart(2, '0')}` : `canbo${String(i + 1).padStart(5, '0')}`;
    }
    staff.push(s);
    byCommune[commune]!.push(s);
  }
  const staffBase = defaultsOf(StaffModel);
  const batchIds = communes.map(() => new Types.ObjectId());
  const staffDocs = staff.map((s) => ({
      ...staffBase,
      _id: s._id,
      fullName: s.fullName,
      sortKey: s.sortKey,
      searchName: foldForSearch(s.fullName),
      position: s.position,
      unitId: s.unit._id,
      unitPath: s.unitPath,
      birthYear: chance(0.6) ? current.y - 24 - between(0, 15) : current.y - 40 - between(0, 19),
      gender: chance(0.5) ? 'male' : 'female',
      category: s.member < 2 ? 'canBo' : s.position.startsWith('Viên chức') ? 'vienChuc' : s.position.startsWith('Nhân viên') ? 'nguoiLaoDong' : 'congChuc',
      educationLevel: 'university',
      politicalTheoryLevel: s.member < 2 ? 'intermediate' : 'none',
      staffCode: '',
      codeKey: `#${String(s._id)}`,
      active: true,
      userId: s.userId,
      version: 0,
      importBatchId: batchIds[s.commune],
      createdAt: setupAt,
      updatedAt: setupAt,
    }));
  await checkAgainstModel(StaffModel, staffDocs[0]!);
  for (let i = 0; i < staffDocs.length; i += 2000) await StaffModel.collection.insertMany(staffDocs.slice(i, i + 2000));
  for (const [c, commune] of communes.entries()) await record({ at: setupAt, actor: adminUser, objectType: 'staff', objectId: batchIds[c]!, action: 'import', after: { imported: byCommune[c]!.length, rejectedRows: 0 }, unitPath: commune.path });

  const users = new Map<string, UserRec>();
  const userOf = (s: StaffRec): UserRec | null => (s.userId ? users.get(String(s.userId))! : null);
  const userDocs = [];
  for (const s of staff) {
    if (!s.userId) continue;
    const u: UserRec = { _id: s.userId, username: s.username, displayName: s.fullName, staffId: s._id };
    users.set(String(u._id), u);
    const c = communes[s.commune]!;
    const roles: { role: Role; unitId: Types.ObjectId }[] = s.member === 0 ? [{ role: 'head', unitId: c._id }, { role: 'staff', unitId: c._id }] : [{ role: 'staff', unitId: c._id }];
    userDocs.push(userDoc(u, roles));
    await record({ at: setupAt, actor: adminUser, objectType: 'user', objectId: u._id, action: 'create', after: { username: u.username, displayName: u.displayName, email: '', active: true, roles: roles.map((g) => ({ role: g.role, unitId: String(g.unitId) })) }, unitPath: c.path });
  }
  if (userDocs[0]) await checkAgainstModel(UserModel, userDocs[0]);
  for (let i = 0; i < userDocs.length; i += 2000) await UserModel.collection.insertMany(userDocs.slice(i, i + 2000));
  const headOf = (commune: number): UserRec => userOf(byCommune[commune]![0]!)!;
  /** Who evaluates a person: the commune's head, or the province for the head themself. */
  const evaluatorOf = (s: StaffRec): UserRec => (s.member === 0 ? adminUser : headOf(s.commune));
  mark('units, staff, logins');

  // ── Periods and evaluations ────────────────────────────────────────────────────────────────
  const periodBase = defaultsOf(PeriodModel);
  const evaluationBase = defaultsOf(EvaluationModel);
  const evaluations = new Writer(EvaluationModel, 1000, 2);
  const results = new Writer(EvaluationResultModel, 2000, 1);
  const periods: { _id: Types.ObjectId; periodKey: string; start: Date; deadline: Date; open: boolean }[] = [];
  /** Evaluation ids by period key, indexed like `staff`: reports link to them. */
  const evaluationIds = new Map<string, Types.ObjectId[]>();
  const latest = new Map<string, { _id: Types.ObjectId; version: number; status: EvaluationStatus; selfSubmitted: boolean }>();
  const emptySelf = { ratings: [], overallComment: '', savedAt: null, submittedAt: null };
  const emptyHead = { ratings: [], overallComment: '', evaluatorId: null, evaluatorName: '', linkedReportIds: [], evaluatedAt: null, finalisedAt: null };
  // Shared, never-mutated rating rows (many documents carry the same ones; BSON encoding copies them).
  const selfRow = new Map<string, { criterionCode: string; level: Level; score: number; comment: string }>();
  const headRow = new Map<string, { criterionCode: string; level: Level; score: number; reason: string; bulk: boolean }>();
  const selfRating = (code: string, level: Level, comment = '') => {
    const key = `${code}|${level}|${comment}`;
    let r = selfRow.get(key);
    if (!r) selfRow.set(key, (r = { criterionCode: code, level, score: LEVEL_SCORE[level], comment }));
    return r;
  };
  const headRating = (code: string, level: Level, reason = '') => {
    const key = `${code}|${level}|${reason}`;
    let r = headRow.get(key);
    if (!r) headRow.set(key, (r = { criterionCode: code, level, score: LEVEL_SCORE[level], reason, bulk: false }));
    return r;
  };
  const level = (pGood: number, pBreach: number): Level => {
    const x = random();
    return x < pBreach ? 'NOT_DONE' : x < pGood + pBreach ? 'GOOD' : 'DONE';
  };
  // The evaluations the bench acts on in the open period: members 2–3 self-assess, 4–5 are evaluated, 6 is the form shown.
  // Members 7–21 of each commune wait for their head in the open period (self-assessed, or without a login): the
  // finalise pool (~15 a commune) lasts the 10 s of the concurrent finalisations.
  const forcedOf = (s: StaffRec): Forced | null =>
    s.member === 2 || s.member === 3 ? 'fresh' : s.member === 4 || s.member === 5 ? 'notFinal' : s.member >= 6 && s.member <= 21 ? 'selfAssessed' : null;

  for (let k = 0; k < months; k++) {
    const y = first.getUTCFullYear() + Math.floor((first.getUTCMonth() + k) / 12);
    const m = ((first.getUTCMonth() + k) % 12) + 1;
    const bounds = periodBounds('monthly', y, m);
    const deadline = new Date(bounds.endDate.getTime() + 5 * DAY);
    const createdAt = vnTime(new Date(bounds.startDate.getTime() - 2 * DAY), 9);
    const openedAt = vnTime(bounds.startDate, 8);
    const closedAt = vnTime(new Date(deadline.getTime() + DAY), 8);
    const open = !seen(closedAt);
    const isLatest = k === months - 1;
    const _id = new Types.ObjectId();
    const auditView = (status: string, count: number) => ({ status, periodKey: bounds.periodKey, deadline, codeVersionId: code._id, evaluationCount: count });
    const periodDoc = {
      ...periodBase,
      _id,
      provinceId,
      unitId: provinceId,
      unitPath: [provinceId],
      unitName: province.name,
      kind: 'monthly',
      ...bounds,
      year: y,
      deadline,
      status: open ? 'OPEN' : 'CLOSED',
      codeVersionId: code._id,
      codeVersionNumber: 1,
      openedAt,
      closedAt: open ? null : closedAt,
      evaluationCount: staff.length,
      reopenings: [],
      createdBy: adminUser._id,
      version: open ? 1 : 2,
      createdAt,
      updatedAt: open ? openedAt : closedAt,
    };
    if (k === 0) await checkAgainstModel(PeriodModel, periodDoc);
    await PeriodModel.collection.insertOne(periodDoc);
    periods.push({ _id, periodKey: bounds.periodKey, start: bounds.startDate, deadline, open });
    await record({ at: createdAt, actor: adminUser, objectType: 'period', objectId: _id, action: 'create', before: null, after: auditView('DRAFT', 0), unitPath: [provinceId] });
    await record({ at: openedAt, actor: adminUser, objectType: 'period', objectId: _id, action: 'open', before: auditView('DRAFT', 0), after: auditView('OPEN', staff.length), unitPath: [provinceId] });
    if (!open) await record({ at: closedAt, actor: adminUser, objectType: 'period', objectId: _id, action: 'close', before: auditView('OPEN', staff.length), after: auditView('CLOSED', staff.length), unitPath: [provinceId] });

    // How far the month's work has come: all of it once closed, in proportion to the time elapsed while open.
    const end = Math.min(now.getTime(), deadline.getTime() + DAY);
    const progress = open ? Math.max(0, Math.min(1, (now.getTime() - openedAt.getTime()) / (deadline.getTime() + DAY - openedAt.getTime()))) : 1;
    const pSelf = open ? Math.min(0.95, progress * 1.05) : 0.93;
    const pEvaluated = open ? progress * 0.9 : 0.99;
    const pFinal = open ? 0.85 : 0.98;
    const when = () => new Date(openedAt.getTime() + random() * Math.max(1, end - openedAt.getTime()));
    const ids: Types.ObjectId[] = [];
    for (const s of staff) {
      const forced = isLatest ? forcedOf(s) : null;
      const owner = userOf(s);
      const evaluator = evaluatorOf(s);
      let self = !!owner && chance(pSelf);
      let evaluated = chance(pEvaluated);
      let finalised = evaluated && chance(pFinal);
      if (forced === 'fresh') [self, evaluated, finalised] = [false, false, false];
      if (forced === 'notFinal') finalised = false;
      if (forced === 'selfAssessed') [self, evaluated, finalised] = [!!owner, false, false];
      let selfAt = self ? when() : null;
      let headAt = evaluated ? when() : null;
      // A finalised evaluation takes no more self-assessment: the person submitted before the head finalised.
      if (selfAt && headAt && finalised && headAt < selfAt) [selfAt, headAt] = [headAt, selfAt];
      const selfAssessment = self
        ? { ratings: CODES.map((c) => selfRating(c, level(0.9, 0.005), chance(0.02) ? 'Đã cố gắng hết sức' : '')), overallComment: '', savedAt: selfAt, submittedAt: selfAt }
        : emptySelf;
      const headRatings = evaluated ? CODES.map((c) => {
        const l = level(0.94, 0.002);
        return headRating(c, l, l === 'NOT_DONE' ? pick(REASONS) : '');
      }) : [];
      const headEvaluation = evaluated
        ? { ratings: headRatings, overallComment: '', evaluatorId: evaluator._id, evaluatorName: evaluator.displayName, linkedReportIds: [], evaluatedAt: headAt, finalisedAt: finalised ? headAt : null }
        : emptyHead;
      const flags = { selfSubmitted: self ? 1 : 0, evaluated: evaluated ? 1 : 0, finalised: finalised ? 1 : 0 };
      const status = statusOf(flags);
      const _eid = new Types.ObjectId();
      ids.push(_eid);
      const doc = {
        ...evaluationBase,
        _id: _eid,
        periodId: _id,
        periodKey: bounds.periodKey,
        periodKind: 'monthly',
        periodStart: bounds.startDate,
        year: y,
        codeVersionId: code._id,
        staffId: s._id,
        staffName: s.fullName,
        sortKey: s.sortKey,
        position: s.position,
        unitId: s.unit._id,
        unitPath: s.unitPath,
        unitName: s.unit.name,
        reportingUnitId: communes[s.commune]!._id,
        status,
        selfAssessment,
        headEvaluation,
        amendments: [],
        ...(evaluated ? resultsOf(headRatings) : { results: [], totalScore: 0, maxScore: 0, breachedCount: 0 }),
        ...flags,
        disagreementCodes: self && evaluated ? disagreements(selfAssessment.ratings, headRatings) : [],
        version: (self ? 1 : 0) + (evaluated ? 1 : 0),
        createdAt: openedAt,
        updatedAt: new Date(Math.max(openedAt.getTime(), selfAt?.getTime() ?? 0, headAt?.getTime() ?? 0)),
      };
      await evaluations.add(doc);
      await results.add(resultRecordOf(doc) as unknown as Record<string, unknown>);
      if (isLatest) latest.set(String(s._id), { _id: _eid, version: doc.version, status, selfSubmitted: self });
      // One audit entry per save, in the order they happened.
      const selfFirst = !headAt || (selfAt !== null && selfAt <= headAt);
      const selfEntry = async (statusBefore: EvaluationStatus, statusAfter: EvaluationStatus) =>
        record({ at: selfAt!, actor: owner, objectType: 'evaluation', objectId: _eid, action: 'selfAssessment.submit', before: { status: statusBefore, selfAssessment: emptySelf }, after: { status: statusAfter, selfAssessment }, unitPath: s.unitPath });
      const headEntry = async (statusBefore: EvaluationStatus, statusAfter: EvaluationStatus) =>
        record({ at: headAt!, actor: evaluator, objectType: 'evaluation', objectId: _eid, action: finalised ? 'finalise' : 'evaluate', before: { status: statusBefore, headEvaluation: emptyHead }, after: { status: statusAfter, headEvaluation }, unitPath: s.unitPath });
      if (self && selfFirst) {
        await selfEntry('NOT_STARTED', 'SELF_ASSESSED');
        if (evaluated) await headEntry('SELF_ASSESSED', status);
      } else if (evaluated) {
        await headEntry(statusOf({ selfSubmitted: 0, evaluated: 0, finalised: 0 }), statusOf({ ...flags, selfSubmitted: 0 }));
        if (self) await selfEntry(statusOf({ ...flags, selfSubmitted: 0 }), status);
      }
    }
    evaluationIds.set(bounds.periodKey, ids);
  }
  await evaluations.flush();
  await results.flush();
  mark(`evaluations (${evaluations.count})`);

  // ── Classifications of the finished years ──────────────────────────────────────────────────
  const classificationBase = defaultsOf(ClassificationModel);
  const classifications = new Writer(ClassificationModel, 2000, 1);
  const LEVELS = ['OUTSTANDING', 'GOOD', 'GOOD', 'GOOD', 'GOOD', 'GOOD', 'GOOD', 'COMPLETED', 'COMPLETED', 'NOT_COMPLETED'];
  for (let y = first.getUTCFullYear(); y < current.y; y++) {
    if (first.getTime() > Date.UTC(y, 0, 1)) continue;
    const ruleSet = ruleSetFor(y);
    const points = ruleSet.scheme === 'points';
    for (const s of staff) {
      const decidedAt = vnTime(new Date(Date.UTC(y + 1, 0, between(8, 25))), 10);
      if (!seen(decidedAt)) continue;
      const decider = evaluatorOf(s);
      const lvl = pick(LEVELS);
      const fields = { level: lvl, suggestedLevel: lvl, differenceReason: '', disciplined: false, generalPoints: points ? 26 : null, taskPoints: points ? 60 : null };
      const _id = new Types.ObjectId();
      await classifications.add({
        ...classificationBase,
        _id,
        staffId: s._id,
        staffName: s.fullName,
        sortKey: s.sortKey,
        unitId: s.unit._id,
        unitPath: s.unitPath,
        reportingUnitId: communes[s.commune]!._id,
        year: y,
        ruleSetId: ruleSet.id,
        ...fields,
        suggestionBecause: [],
        decidedBy: decider._id,
        decidedByName: decider.displayName,
        decidedAt,
        visibleToStaff: true,
        version: 0,
        createdAt: decidedAt,
        updatedAt: decidedAt,
      });
      await record({ at: decidedAt, actor: decider, objectType: 'classification', objectId: _id, action: 'decide', before: null, after: fields, unitPath: s.unitPath });
    }
  }
  await classifications.flush();
  mark(`classifications (${classifications.count})`);

  // ── Incident reports, with their handling ──────────────────────────────────────────────────
  const reportBase = defaultsOf(IncidentReportModel);
  const identityBase = defaultsOf(ReporterIdentityModel);
  const noticeBase = defaultsOf(ReportNoticeModel);
  const reports = new NumberedWriter(IncidentReportModel, caseIndex, 'receivedAt');
  const identities = new Writer(ReporterIdentityModel, 1000, 1);
  const notices = new Writer(ReportNoticeModel, 1000, 1);
  const trackingCodes: string[] = [];
  let caseReport: { id: string; caseNumber: string } | null = null;
  let anyCase: { id: string; caseNumber: string } | null = null;
  const windowMs = today.getTime() - first.getTime();
  const reportCount = Math.round(opts.reportsPerYear * opts.years);
  const settings = { acknowledge: 2, review: 10, resolve: 10, explanation: 5 };
  const stageDays = (s: ReportStatus) => (s === 'RECEIVED' ? settings.acknowledge : s === 'UNDER_REVIEW' ? settings.review : s === 'RESOLVED' || s === 'CLOSED' ? null : settings.resolve);
  const FINAL: ReportStatus[] = ['RESOLVED', 'CLOSED'];
  const deskStaff = byCommune.map((members) => members.filter((s) => s.unit._id.equals(communes[s.commune]!.desk._id)));
  for (let i = 0; i < reportCount; i++) {
    const ci = Math.floor(random() * communes.length);
    const c = communes[ci]!;
    const x = random();
    const subject: StaffRec | null = x < 0.45 && deskStaff[ci]!.length ? pick(deskStaff[ci]!) : x < 0.85 ? pick(byCommune[ci]!) : null;
    const atDesk = subject ? subject.unit._id.equals(c.desk._id) : chance(0.6);
    const unit = atDesk ? c.desk : c;
    const codes = [...new Set(chance(0.25) ? [pick(REPORTED), pick(REPORTED)] : [pick(REPORTED)])];
    const occurredAt = new Date(first.getTime() + Math.floor((random() * windowMs) / DAY) * DAY);
    let receivedAt = vnTime(new Date(occurredAt.getTime() + between(0, 3) * DAY), between(7, 21), between(0, 59));
    if (!seen(receivedAt)) receivedAt = new Date(now.getTime() - between(1, 600) * 60_000);
    const received = vietnamDay(receivedAt);
    const peer = chance(0.12) ? pick(byCommune[ci]!.filter((s) => s.userId && s !== subject)) : undefined;
    const kind = peer && chance(0.15) ? 'TO_CAO' : 'PHAN_ANH';
    const anonymous = kind === 'TO_CAO' ? false : peer ? chance(0.5) : chance(0.7);
    // Routing (reports/routing.ts): a case about the commune's head goes up to the province, without them.
    const subjectUser = subject ? userOf(subject) : null;
    const conflict = subject?.member === 0;
    const handler = conflict ? province : c;
    const handlerActor = conflict ? adminUser : headOf(ci);
    const excludedUserIds = subjectUser ? [subjectUser._id] : [];
    const periodKey = `${occurredAt.getUTCFullYear()}-${String(occurredAt.getUTCMonth() + 1).padStart(2, '0')}`;
    const linkId = subject ? (evaluationIds.get(periodKey)?.[subject.index] ?? null) : null;
    const _id = new Types.ObjectId();
    const year = occurredAt.getUTCFullYear();
    const scrambled = (Math.imul(i + 1, 0x2545f491) >>> 0) & 0x3fffffff;
    const caseNumber = `${kind === 'TO_CAO' ? 'TC' : 'PA'}-${year}-${Array.from({ length: 6 }, (_, d) => CASE_ALPHABET[(scrambled >>> (d * 5)) & 31]).join('')}`;
    const trackingCode = newTrackingCode();
    const reporterActor = peer && !anonymous ? userOf(peer) : null;

    const doc: Record<string, unknown> = {
      ...reportBase,
      _id,
      caseNumber,
      trackingHash: hashOfIssued(trackingCode),
      source: peer ? 'PEER' : 'CITIZEN',
      kind,
      anonymous,
      provinceId,
      reportingUnitId: c._id,
      unitId: unit._id,
      unitPath: unit.path,
      unitName: atDesk ? `${c.desk.name} — ${c.name}` : c.name,
      deskId: atDesk ? c.desk._id : null,
      staffId: subject?._id ?? null,
      staffName: subject?.fullName ?? '',
      codeVersionId: code._id,
      codeVersionNumber: 1,
      criterionCodes: codes,
      confirmedCriterionCodes: [],
      occurredAt,
      place: chance(0.3) ? 'Bộ phận tiếp nhận và trả kết quả' : '',
      description: pick(DESCRIPTIONS),
      dossierNumber: '',
      receivedAt,
      year,
      month: occurredAt.getUTCMonth() + 1,
      periodKey,
      ...receivedMonthOf(receivedAt),
      handlerUnitId: handler._id,
      handlerUnitPath: handler.path,
      conflictOfInterest: conflict,
      excludedUserIds,
      evaluationId: linkId,
      evaluationPeriodKey: linkId ? periodKey : '',
    };
    let status: ReportStatus = 'RECEIVED';
    let stageStart = receivedAt;
    let dueAt: Date | null = wd(received, settings.acknowledge);
    let version = 0;
    let wasLate = false;
    let escalatedTo: Types.ObjectId | null = null;
    let escalationLevel = 0;
    let overdue = 0;
    let updatedAt = receivedAt;
    const history: Record<string, unknown>[] = [{ from: null, to: 'RECEIVED', at: receivedAt, byUserId: null, byName: '', note: '', late: false }];
    const messages: Record<string, unknown>[] = [];
    const internalNotes: Record<string, unknown>[] = [];
    const remedies: Record<string, unknown>[] = [];
    const set: Record<string, unknown> = {};
    await record({ at: receivedAt, actor: reporterActor, objectType: 'report', objectId: _id, action: 'create', after: { caseNumber, source: doc.source, kind, anonymous, status: 'RECEIVED', handlerUnitId: handler._id, conflictOfInterest: conflict }, unitPath: handler.path });
    if (!anonymous) {
      await identities.add({
        ...identityBase,
        reportId: _id,
        userId: peer ? peer.userId : null,
        staffId: peer ? peer._id : null,
        name: peer ? peer.fullName : `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
        phone: `09${String(between(10_000_000, 99_999_999))}`,
        email: '',
        address: kind === 'TO_CAO' ? `Bản ${pick(PLACE_B)}, ${c.name}` : '',
        createdAt: receivedAt,
        updatedAt: receivedAt,
      });
    }
    /** The escalation job (hourly): a stage past its deadline is flagged and handed one level up, once per stage. */
    const escalateIfLate = async (until: Date) => {
      if (!dueAt || FINAL.includes(status)) return;
      const at = vnTime(new Date(dueAt.getTime() + DAY), 1, between(0, 59));
      if (at.getTime() >= until.getTime() || !seen(at)) return;
      const watching = escalatedTo ?? handler._id;
      const target = watching.equals(provinceId) ? null : provinceId;
      overdue = 1;
      wasLate = true;
      const before = { overdue: 0, escalatedToUnitId: escalatedTo };
      if (target) {
        escalatedTo = target;
        escalationLevel++;
      }
      version++;
      updatedAt = at;
      await record({ at, actor: null, objectType: 'report', objectId: _id, action: 'escalate', before, after: { overdue: 1, escalatedToUnitId: escalatedTo }, unitPath: handler.path });
      if (!excludedUserIds.some((u) => u.equals(adminUser._id))) await notices.add({ ...noticeBase, userId: adminUser._id, reportId: _id, kind: 'CASE_ESCALATED', at, dueAt, readAt: null, createdAt: at, updatedAt: at });
    };
    const transition = async (to: ReportStatus, at: Date, note: string) => {
      await escalateIfLate(at);
      const late = !!dueAt && vietnamDay(at).getTime() > dueAt.getTime();
      wasLate ||= late;
      history.push({ from: status, to, at, byUserId: handlerActor._id, byName: handlerActor.displayName, note, late });
      const from = status;
      status = to;
      stageStart = at;
      const days = stageDays(to);
      dueAt = days == null ? null : wd(vietnamDay(at), days);
      overdue = 0;
      version++;
      updatedAt = at;
      if (days == null) {
        set.closedAt = at;
        set.outcome = wasLate ? 'LATE' : 'ON_TIME';
      }
      await record({ at, actor: handlerActor, objectType: 'report', objectId: _id, action: 'transition', before: { status: from }, after: { status: to, note, ...(set.outcome && days == null ? { outcome: set.outcome } : {}) }, unitPath: handler.path });
    };
    const step = (from: Date, n: number) => vnTime(wd(vietnamDay(from), n), between(8, 16), between(0, 59));

    // The case's course, drawn up front; only the steps already in the past happen.
    const path = random();
    const reviewAt = step(receivedAt, between(0, 2));
    if (path < 0.1) {
      if (seen(reviewAt)) await transition('CLOSED', reviewAt, 'Đóng: phản ánh trùng với một phản ánh đã tiếp nhận.');
    } else if (seen(reviewAt)) {
      await transition('UNDER_REVIEW', reviewAt, 'Giao bộ phận chuyên môn xác minh.');
      let explanationDue: Date | null = null;
      let explainedAt: Date | null = null;
      const explanationText = 'Tôi xin giải trình: hôm đó đông người, tôi đã cố gắng hướng dẫn nhưng chưa chu đáo.';
      if (subject) {
        explanationDue = wd(vietnamDay(reviewAt), settings.explanation);
        set['explanation'] = { requestedAt: reviewAt, dueAt: explanationDue, text: '', submittedAt: null };
        for (const userId of excludedUserIds) await notices.add({ ...noticeBase, userId, reportId: _id, kind: 'EXPLANATION_REQUESTED', at: reviewAt, dueAt: explanationDue, readAt: null, createdAt: reviewAt, updatedAt: reviewAt });
        const at = step(reviewAt, between(1, 4));
        if (subjectUser && chance(0.6) && seen(at)) {
          explainedAt = at;
          set['explanation'] = { requestedAt: reviewAt, dueAt: explanationDue, text: explanationText, submittedAt: at };
          version++;
          updatedAt = at;
          await record({ at, actor: subjectUser, objectType: 'report', objectId: _id, action: 'explanation', after: { explanation: explanationText }, unitPath: handler.path });
        }
      }
      if (!anonymous || peer) {
        const at = new Date(reviewAt.getTime() + 30 * 60_000);
        const text = `${c.name} đã nhận phản ánh và đang xác minh. Kết quả sẽ được thông báo qua mã tra cứu.`;
        if (seen(at)) {
          messages.push({ at, author: 'UNIT', byName: handlerActor.displayName, text });
          version++;
          await record({ at, actor: handlerActor, objectType: 'report', objectId: _id, action: 'reply', after: { reply: text }, unitPath: handler.path });
        }
      }
      let findingAt = step(reviewAt, between(5, 11));
      if (explanationDue && !explainedAt && vietnamDay(findingAt).getTime() <= explanationDue.getTime()) findingAt = step(explanationDue, 1);
      if (seen(findingAt)) {
        const outcome: ReportStatus = path < 0.55 ? 'NOT_SUBSTANTIATED' : path < 0.9 || codes.length < 2 ? 'SUBSTANTIATED' : 'PARTLY_SUBSTANTIATED';
        const confirmed = outcome === 'SUBSTANTIATED' ? codes : outcome === 'PARTLY_SUBSTANTIATED' ? codes.slice(0, 1) : [];
        const substantiated = outcome !== 'NOT_SUBSTANTIATED';
        const note = substantiated ? 'Phản ánh đúng: đã xác minh với công dân và người liên quan.' : 'Không có căn cứ: các hộ cùng đợt không phản ánh tương tự.';
        await transition(outcome, findingAt, note);
        Object.assign(set, {
          confirmedCriterionCodes: confirmed,
          breachKeys: breachKeysOf(subject?._id ?? null, atDesk ? c.desk._id : null, confirmed),
          substantiated,
          substantiatedFlag: substantiated ? 1 : 0,
          substantiatedAt: substantiated ? findingAt : null,
          finding: { note, explanationSummary: explainedAt ? explanationText : '', at: findingAt, byName: handlerActor.displayName },
        });
        if (chance(0.4)) {
          const text = 'Đã làm việc với công chức liên quan, có biên bản.';
          internalNotes.push({ at: findingAt, byUserId: handlerActor._id, byName: handlerActor.displayName, text });
          version++;
          await record({ at: findingAt, actor: handlerActor, objectType: 'report', objectId: _id, action: 'note', after: { note: text }, unitPath: handler.path });
        }
        if (!substantiated) {
          const closeAt = step(findingAt, between(1, 3));
          if (seen(closeAt)) await transition('CLOSED', closeAt, 'Đóng: không có căn cứ.');
        } else {
          const apology = chance(0.75);
          const remedyAt = step(findingAt, between(0, 1));
          if (seen(remedyAt)) {
            for (const kindOf of apology ? (chance(0.5) ? ['APOLOGY', 'REMINDER_TRAINING'] : ['APOLOGY']) : ['REMINDER_TRAINING']) {
              const remedyNote = kindOf === 'APOLOGY' ? 'Chủ tịch UBND xã gửi thư xin lỗi công dân.' : 'Kiểm điểm, nhắc nhở công chức liên quan.';
              remedies.push({ kind: kindOf, note: remedyNote, at: remedyAt, byName: handlerActor.displayName });
              version++;
              await record({ at: remedyAt, actor: handlerActor, objectType: 'report', objectId: _id, action: 'remedy', after: { remedy: kindOf, note: remedyNote }, unitPath: handler.path });
            }
            let resolveFrom = remedyAt;
            let ready = true;
            if (apology) {
              const letterAt = step(remedyAt, between(1, 3));
              const sentAt = step(letterAt, between(1, 3));
              ready = false;
              if (seen(letterAt)) {
                const letter = { documentNumber: `${between(10, 99)}/TXL-UBND`, date: vietnamDay(letterAt), recipientName: 'Ông/Bà', recipientAddress: '', body: 'Thay mặt UBND xã, tôi thành thật xin lỗi Ông/Bà.', signerTitle: 'Chủ tịch UBND xã', signerName: handlerActor.displayName };
                set.letter = letter;
                version++;
                await record({ at: letterAt, actor: handlerActor, objectType: 'report', objectId: _id, action: 'letter', before: { letter: { documentNumber: '', date: null, recipientName: '', recipientAddress: '', body: '', signerTitle: '', signerName: '' } }, after: { letter }, unitPath: handler.path });
              }
              if (seen(sentAt)) {
                set.letterSentAt = vietnamDay(sentAt);
                version++;
                await record({ at: sentAt, actor: handlerActor, objectType: 'report', objectId: _id, action: 'letterSent', before: { letterSentAt: null }, after: { letterSentAt: set.letterSentAt as Date }, unitPath: handler.path });
                resolveFrom = sentAt;
                ready = true;
              }
            }
            const resolveAt = step(resolveFrom, between(0, 2));
            if (ready && seen(resolveAt)) await transition('RESOLVED', resolveAt, 'Đã khắc phục: xin lỗi công dân, nhắc nhở công chức.');
          }
        }
      }
    }
    await escalateIfLate(now);
    Object.assign(doc, set, {
      status,
      history,
      stageStartedAt: stageStart,
      dueAt,
      extended: false,
      overdue,
      wasLate: wasLate ? 1 : 0,
      escalatedToUnitId: escalatedTo,
      escalationLevel,
      messages,
      internalNotes,
      remedies,
      version,
      createdAt: receivedAt,
      updatedAt: new Date(Math.max(updatedAt.getTime(), stageStart.getTime())),
    });
    await reports.add(doc);
    const closedAt = set.closedAt as Date | undefined;
    if (trackingCodes.length < 500 && (!closedAt || now.getTime() - closedAt.getTime() < 150 * DAY)) trackingCodes.push(trackingCode);
    if (ci === 0 && handler === c) {
      anyCase ??= { id: String(_id), caseNumber };
      if (!caseReport && !FINAL.includes(status)) caseReport = { id: String(_id), caseNumber };
    }
  }
  await Promise.all([reports.flush(), identities.flush(), notices.flush()]);
  mark(`reports (${reports.count}, ${identities.count} identities, ${notices.count} notices)`);

  // ── Late dossiers and apology slips ────────────────────────────────────────────────────────
  const dossierBase = defaultsOf(LateDossierModel);
  const dossiers = new Writer(LateDossierModel, 1000, 1);
  const dossierCount = Math.round(opts.dossiersPerYear * opts.years);
  for (let i = 0; i < dossierCount; i++) {
    const ci = Math.floor(random() * communes.length);
    const c = communes[ci]!;
    const handling = deskStaff[ci]!.length ? pick(deskStaff[ci]!) : pick(byCommune[ci]!);
    const head = headOf(ci);
    const creator = userOf(handling) ?? head;
    const dueDate = new Date(first.getTime() + Math.floor((random() * windowMs) / DAY) * DAY);
    const receivedDate = new Date(dueDate.getTime() - between(3, 15) * DAY);
    const createdAt = vnTime(new Date(dueDate.getTime() + DAY), 9);
    if (!seen(createdAt)) continue;
    const _id = new Types.ObjectId();
    const base = {
      dossierNumber: `H18.${String(ci + 1).padStart(2, '0')}-${formatDate(receivedDate).replace(/\//g, '')}-${String(i).padStart(4, '0')}`,
      procedureName: pick(PROCEDURES),
      applicantName: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
      receivedDate,
      dueDate,
      unitId: c.desk._id,
      unitPath: c.desk.path,
      unitName: c.desk.name,
      handlingStaffId: handling._id,
      handlingStaffName: handling.fullName,
    };
    const issuedDate = new Date(dueDate.getTime() + between(0, 2) * DAY);
    const slipAt = vnTime(issuedDate, 15);
    const slip =
      chance(0.7) && seen(slipAt)
        ? { documentNumber: `${i}/PXL`, reason: 'Hồ sơ cần xác minh thêm tại cơ quan cấp trên', newReturnDate: new Date(issuedDate.getTime() + between(3, 10) * DAY), channel: pick(['PAPER', 'EMAIL', 'SMS']), signerName: head.displayName, signerTitle: 'Chủ tịch UBND xã', issuedDate, issuedBy: head._id, createdAt: slipAt, updatedAt: slipAt }
        : null;
    const derived = { year: dueDate.getUTCFullYear(), month: dueDate.getUTCMonth() + 1, periodKey: `${dueDate.getUTCFullYear()}-${String(dueDate.getUTCMonth() + 1).padStart(2, '0')}` };
    await dossiers.add({ ...dossierBase, _id, ...base, slip, breachesApology: slip ? 0 : 1, ...derived, createdBy: creator._id, createdAt, updatedAt: slip ? slipAt : createdAt });
    await record({ at: createdAt, actor: creator, objectType: 'lateDossier', objectId: _id, action: 'create', after: view({ ...base, slip: null, breachesApology: 1 }), unitPath: c.desk.path });
    if (slip) await record({ at: slipAt, actor: head, objectType: 'lateDossier', objectId: _id, action: 'issueSlip', before: view({ ...base, slip: null, breachesApology: 1 }), after: view({ ...base, slip, breachesApology: 0 }), unitPath: c.desk.path });
  }
  await dossiers.flush();
  mark(`late dossiers (${dossiers.count})`);

  // ── Kiosk ratings (no audit: the kiosk is anonymous) ───────────────────────────────────────
  const ratingBase = defaultsOf(RatingModel);
  const ratings = new Writer(RatingModel, 2000, 2);
  const ratingCount = Math.round(opts.ratingsPerYear * opts.years);
  for (let i = 0; i < ratingCount; i++) {
    const ci = Math.floor(random() * communes.length);
    const c = communes[ci]!;
    let ratedAt = vnTime(new Date(first.getTime() + Math.floor((random() * windowMs) / DAY) * DAY), between(7, 16), between(0, 59));
    if (!seen(ratedAt)) ratedAt = new Date(now.getTime() - between(1, 600) * 60_000);
    const x = random();
    const lvl: RatingLevel = x < 0.55 ? 'VERY_SATISFIED' : x < 0.95 ? 'SATISFIED' : 'DISSATISFIED';
    const officer = deskStaff[ci]!.length && chance(0.5) ? pick(deskStaff[ci]!) : null;
    await ratings.add({
      ...ratingBase,
      unitId: c.desk._id,
      unitPath: c.desk.path,
      officerId: officer?._id ?? null,
      level: lvl,
      scale: 3,
      criteria: lvl === 'DISSATISFIED' && chance(0.7) ? [pick(REPORTED)] : [],
      codeVersionId: code._id,
      comment: lvl === 'DISSATISFIED' && chance(0.3) ? 'Phải chờ lâu' : '',
      ratedAt,
      ...derivedRatingFields(lvl, ratedAt),
    });
  }
  await ratings.flush();
  mark(`ratings (${ratings.count})`);
  await audit.flush();
  mark(`audit entries (${audit.count}, flush)`);

  // ── What the bench acts on ─────────────────────────────────────────────────────────────────
  const open = periods[periods.length - 1]!;
  const item = (s: StaffRec, username: string): PoolItem => {
    const e = latest.get(String(s._id))!;
    return { username, evaluationId: String(e._id), version: e.version };
  };
  const notFinal = (s: StaffRec) => latest.get(String(s._id))!.status !== 'FINALISED';
  const selfTargets = staff.filter((s) => forcedOf(s) === 'fresh' && s.userId).map((s) => item(s, s.username));
  const headTargets = staff.filter((s) => forcedOf(s) === 'notFinal').map((s) => item(s, headOf(s.commune).username));
  // Before the deadline a head finalises only after the person's self-assessment, when the person has a login.
  const finalisable = (s: StaffRec) => notFinal(s) && (!s.userId || latest.get(String(s._id))!.selfSubmitted);
  const finalisePool = staff.filter((s) => s.member >= 7 && finalisable(s)).map((s) => item(s, headOf(s.commune).username));
  // Interleave the communes so that concurrent finalisations come from different heads.
  finalisePool.sort((a, b) => a.evaluationId.localeCompare(b.evaluationId));
  const formStaff = byCommune[0]![6]!;
  const counts = {
    units: unitDocs.length,
    staff: staff.length,
    users: users.size + 1,
    periods: periods.length,
    evaluations: evaluations.count,
    evaluationResults: results.count,
    classifications: classifications.count,
    reports: reports.count,
    reporterIdentities: identities.count,
    reportNotices: notices.count,
    lateDossiers: dossiers.count,
    ratings: ratings.count,
    auditEntries: audit.count,
  };
  caseReport ??= anyCase;
  if (!caseReport) throw new Error('no case handled by the first commune was generated: raise reportsPerYear');
  return {
    password: opts.password,
    province: { id: String(provinceId), name: province.name },
    communes: communes.map((c, i) => ({ id: String(c._id), name: c.name, deskId: String(c.desk._id), deskCode: c.desk.code, head: headOf(i).username, reportStaffId: String(byCommune[i]![Math.min(8, byCommune[i]!.length - 1)]!._id) })),
    admin: adminUser.username,
    staffViewer: byCommune[0]![1]!.username,
    openPeriod: { id: String(open._id), key: open.periodKey },
    formEvaluation: { id: String(latest.get(String(formStaff._id))!._id), staffName: formStaff.fullName },
    rosterName: byCommune[0]![2]!.fullName,
    caseReport,
    selfTargets,
    headTargets,
    finalisePool,
    trackingCodes,
    counts,
    seconds,
  };
}
