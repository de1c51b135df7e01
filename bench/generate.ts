import { seededRandom } from '../src/shared/seeded-random.js';
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Types } from 'mongoose';
import { CodeVersionModel } from '../src/conduct-code/model.js';
import { officialCatalogue } from '../src/conduct-code/official.js';
import { ClassificationModel, EvaluationModel, PeriodModel } from '../src/evaluations/model.js';
import { EvaluationResultModel, resultRecordOf } from '../src/evaluations/results-store.js';
import { IncidentReportModel, REPORT_STATUSES } from '../src/incidents/model.js';
import { RatingModel } from '../src/satisfaction/model.js';
import { foldForSearch, vietnameseSortKey } from '../src/shared/text.js';
import { StaffModel } from '../src/staff/model.js';
import { UnitModel } from '../src/units/model.js';

/** A province of the given size, written straight into the collections in big batches (no validation). */

export interface Size {
  name: string;
  staff: number;
  communes: number;
  reports: number;
  ratings: number;
  year: number;
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Lò', 'Quàng', 'Vàng', 'Giàng', 'Lường', 'Cà'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Thanh', 'A', 'Thị Thu', 'Hữu'];
const GIVEN = ['An', 'Ánh', 'Bình', 'Chung', 'Dũng', 'Đức', 'Giang', 'Hà', 'Hải', 'Hằng', 'Hòa', 'Hùng', 'Khánh', 'Lan', 'Long', 'Mai', 'Minh', 'Nam', 'Nga', 'Phong', 'Quân', 'Sơn', 'Thảo', 'Trang', 'Tuấn', 'Vân', 'Xuân', 'Yến'];
const CODES = officialCatalogue.criteria.map((c) => c.code);
const LEVEL = ['NOT_DONE', 'DONE', 'GOOD'] as const;


/** Inserts in batches, `parallel` of them in flight: the database encodes one while it stores another. */
async function inBatches<T>(docs: Iterable<T>, insert: (batch: T[]) => Promise<unknown>, size = 5000, parallel = 1): Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  const send = async (batch: T[]) => {
    if (inFlight.size >= parallel) await Promise.race(inFlight);
    const p: Promise<unknown> = insert(batch).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  let batch: T[] = [];
  for (const d of docs) {
    batch.push(d);
    if (batch.length === size) {
      await send(batch);
      batch = [];
    }
  }
  if (batch.length) await send(batch);
  await Promise.all(inFlight);
}

export async function generate(size: Size): Promise<{ provinceId: Types.ObjectId; counts: Record<string, number>; seconds: Record<string, number> }> {
  const seconds: Record<string, number> = {};
  let since = performance.now();
  const mark = (phase: string) => {
    seconds[phase] = Math.round(performance.now() - since) / 1000;
    since = performance.now();
  };
  const random = seededRandom(20260101 + size.staff);
  const pick = <T>(arr: readonly T[]) => arr[Math.floor(random() * arr.length)]!;
  const now = new Date();
  const provinceId = new Types.ObjectId();
  const province = { _id: provinceId, code: `P${size.name}`, name: 'Tỉnh Điện Biên', searchName: 'tinh dien bien', kind: 'province', parentId: null, path: [provinceId], depth: 0, effectiveFrom: new Date(Date.UTC(2000, 0, 1)), effectiveTo: null, successorIds: [], predecessorIds: [], version: 0, createdAt: now, updatedAt: now };
  const communes: { _id: Types.ObjectId; name: string; path: Types.ObjectId[]; desk: { _id: Types.ObjectId; path: Types.ObjectId[]; name: string } }[] = [];
  const units: Record<string, unknown>[] = [province];
  for (let c = 0; c < size.communes; c++) {
    const _id = new Types.ObjectId();
    const deskId = new Types.ObjectId();
    const name = `Xã ${pick(GIVEN)} ${pick(GIVEN)} ${c + 1}`;
    const path = [provinceId, _id];
    const desk = { _id: deskId, path: [...path, deskId], name: 'Bộ phận tiếp nhận và trả kết quả' };
    communes.push({ _id, name, path, desk });
    units.push({ _id, code: `C${c}`, name, searchName: foldForSearch(name), kind: 'commune', parentId: provinceId, path, depth: 1, effectiveFrom: province.effectiveFrom, effectiveTo: null, successorIds: [], predecessorIds: [], version: 0, createdAt: now, updatedAt: now });
    units.push({ _id: deskId, code: `C${c}-D`, name: desk.name, searchName: foldForSearch(desk.name), kind: 'desk', parentId: _id, path: desk.path, depth: 2, effectiveFrom: province.effectiveFrom, effectiveTo: null, successorIds: [], predecessorIds: [], version: 0, createdAt: now, updatedAt: now });
  }
  await UnitModel.collection.insertMany(units);
  const code = await CodeVersionModel.create({
    provinceId,
    versionNumber: 1,
    title: 'Bộ quy tắc ứng xử',
    effectiveFrom: new Date(Date.UTC(2024, 0, 1)),
    groups: officialCatalogue.groups.map((g) => ({ ...g, name: { ...g.name } })),
    criteria: officialCatalogue.criteria.map((c) => ({ ...c, name: { ...c.name }, plainLabel: { ...c.plainLabel } })),
  });
  const periods = Array.from({ length: 12 }, (_, m) => ({
    _id: new Types.ObjectId(),
    provinceId,
    unitId: provinceId,
    unitPath: [provinceId],
    unitName: province.name,
    kind: 'monthly',
    periodKey: `${size.year}-${String(m + 1).padStart(2, '0')}`,
    year: size.year,
    startDate: new Date(Date.UTC(size.year, m, 1)),
    endDate: new Date(Date.UTC(size.year, m + 1, 0)),
    deadline: new Date(Date.UTC(size.year, m + 1, 5)),
    status: 'CLOSED',
    codeVersionId: code._id,
    codeVersionNumber: 1,
    evaluationCount: size.staff,
    reopenings: [],
    version: 0,
  }));
  await PeriodModel.collection.insertMany(periods);

  const staff: { _id: Types.ObjectId; fullName: string; sortKey: string; position: string; unitId: Types.ObjectId; unitPath: Types.ObjectId[]; commune: number }[] = [];
  for (let i = 0; i < size.staff; i++) {
    const commune = i % size.communes;
    const atDesk = random() < 0.1;
    const c = communes[commune]!;
    const fullName = `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`;
    staff.push({ _id: new Types.ObjectId(), fullName, sortKey: vietnameseSortKey(fullName), position: atDesk ? 'Công chức một cửa' : 'Công chức', unitId: atDesk ? c.desk._id : c._id, unitPath: atDesk ? c.desk.path : c.path, commune });
  }
  mark('units');
  await inBatches(
    staff.map((s) => ({
      _id: s._id,
      fullName: s.fullName,
      sortKey: s.sortKey,
      searchName: foldForSearch(s.fullName),
      position: s.position,
      unitId: s.unitId,
      unitPath: s.unitPath,
      // 68% under 40 in the year, as the seed's province.
      birthYear: random() < 0.68 ? size.year - 25 - Math.floor(random() * 14) : size.year - 40 - Math.floor(random() * 20),
      gender: random() < 0.5 ? 'male' : 'female',
      category: 'congChuc',
      educationLevel: 'university',
      politicalTheoryLevel: 'none',
      staffCode: '',
      codeKey: `#${String(s._id)}`,
      active: true,
      userId: null,
      version: 0,
      importBatchId: null,
      createdAt: now,
      updatedAt: now,
    })),
    (b) => StaffModel.collection.insertMany(b),
  );

  mark('staff');
  function* evaluations() {
    for (const s of staff)
      for (const p of periods) {
        const levels = CODES.map(() => {
          const x = random();
          return x < 0.01 ? 0 : x < 0.05 ? 1 : 2;
        });
        const results = CODES.map((code, k) => ({ criterionCode: code, score: levels[k]!, good: levels[k] === 2 ? 1 : 0, done: levels[k] === 1 ? 1 : 0, breached: levels[k] === 0 ? 1 : 0 }));
        const breached = levels.filter((l) => l === 0).length;
        yield {
          _id: new Types.ObjectId(),
          periodId: p._id,
          periodKey: p.periodKey,
          periodKind: 'monthly',
          periodStart: p.startDate,
          year: size.year,
          codeVersionId: code._id,
          staffId: s._id,
          staffName: s.fullName,
          sortKey: s.sortKey,
          position: s.position,
          unitId: s.unitId,
          unitPath: s.unitPath,
          unitName: communes[s.commune]!.name,
          reportingUnitId: communes[s.commune]!._id,
          status: 'FINALISED',
          selfAssessment: { ratings: CODES.map((code) => ({ criterionCode: code, level: 'GOOD', score: 2, comment: '' })), overallComment: '', savedAt: p.endDate, submittedAt: p.endDate },
          headEvaluation: { ratings: CODES.map((code, k) => ({ criterionCode: code, level: LEVEL[levels[k]!], score: levels[k], reason: '', bulk: false })), overallComment: '', evaluatorId: null, evaluatorName: 'Chủ tịch UBND xã', linkedReportIds: [], evaluatedAt: p.endDate, finalisedAt: p.endDate },
          amendments: [],
          results,
          totalScore: levels.reduce<number>((a, b) => a + b, 0),
          maxScore: 26,
          breachedCount: breached,
          selfSubmitted: 1,
          evaluated: 1,
          finalised: 1,
          disagreementCodes: [],
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
      }
  }
  // With the compact result records the service writes after each evaluation (what the exports read).
  await inBatches(evaluations(), async (b) => {
    await EvaluationModel.collection.insertMany(b);
    await EvaluationResultModel.collection.insertMany(b.map((e) => resultRecordOf(e)));
  }, 2000, 3);
  mark('evaluations');

  const levels = ['OUTSTANDING', 'GOOD', 'GOOD', 'GOOD', 'COMPLETED', 'NOT_COMPLETED'];
  mark('units');
  await inBatches(
    staff.map((s) => ({ staffId: s._id, staffName: s.fullName, sortKey: s.sortKey, unitId: s.unitId, unitPath: s.unitPath, reportingUnitId: communes[s.commune]!._id, year: size.year, ruleSetId: 'bench', disciplined: false, level: pick(levels), decidedBy: provinceId, decidedByName: '', decidedAt: now, visibleToStaff: true, version: 0, suggestionBecause: [], differenceReason: '', createdAt: now, updatedAt: now })),
    (b) => ClassificationModel.collection.insertMany(b),
  );

  mark('classifications');
  function* reports() {
    for (let i = 0; i < size.reports; i++) {
      const s = pick(staff);
      const c = communes[s.commune]!;
      const month = 1 + Math.floor(random() * 12);
      const at = new Date(Date.UTC(size.year, month - 1, 1 + Math.floor(random() * 28)));
      const status = pick(REPORT_STATUSES);
      const criteria = [pick(CODES)];
      const substantiated = status === 'SUBSTANTIATED' || status === 'PARTLY_SUBSTANTIATED' || status === 'RESOLVED';
      yield {
        caseNumber: `PA-${size.year}-${String(i).padStart(7, '0')}`,
        trackingHash: crypto.randomBytes(16).toString('hex'),
        source: 'CITIZEN',
        kind: 'PHAN_ANH',
        anonymous: true,
        provinceId,
        reportingUnitId: c._id,
        unitId: c._id,
        unitPath: c.path,
        unitName: c.name,
        deskId: null,
        staffId: s._id,
        staffName: s.fullName,
        criterionCodes: criteria,
        confirmedCriterionCodes: substantiated ? criteria : [],
        occurredAt: at,
        place: '',
        description: 'Thái độ chưa đúng mực khi tiếp công dân',
        dossierNumber: '',
        receivedAt: at,
        year: size.year,
        month,
        periodKey: `${size.year}-${String(month).padStart(2, '0')}`,
        status,
        history: [],
        handlerUnitId: c._id,
        handlerUnitPath: c.path,
        excludedUserIds: [],
        stageStartedAt: at,
        substantiated,
        substantiatedFlag: substantiated ? 1 : 0,
        messages: [],
        internalNotes: [],
        remedies: status === 'RESOLVED' ? [{ kind: 'APOLOGY', note: '', at, byName: '' }] : [],
        letterSentAt: status === 'RESOLVED' ? at : null,
        version: 0,
        createdAt: now,
        updatedAt: now,
      };
    }
  }
  await inBatches(reports(), (b) => IncidentReportModel.collection.insertMany(b));
  mark('reports');

  function* ratings() {
    for (let i = 0; i < size.ratings; i++) {
      const c = pick(communes);
      const month = 1 + Math.floor(random() * 12);
      const satisfied = random() < 0.97;
      yield { unitId: c.desk._id, unitPath: c.desk.path, officerId: null, level: satisfied ? 'SATISFIED' : 'DISSATISFIED', scale: 3, satisfied: satisfied ? 1 : 0, criteria: [], codeVersionId: null, comment: '', ratedAt: new Date(Date.UTC(size.year, month - 1, 10)), year: size.year, month, periodKey: `${size.year}-${String(month).padStart(2, '0')}` };
    }
  }
  await inBatches(ratings(), (b) => RatingModel.collection.insertMany(b));
  mark('ratings');
  return { seconds, provinceId, counts: { units: units.length, staff: size.staff, evaluations: size.staff * 12, reports: size.reports, ratings: size.ratings } };
}
