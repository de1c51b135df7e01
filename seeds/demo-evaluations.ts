import { seededRandom } from '../src/shared/seeded-random.js';
import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import { UnitModel } from '../src/units/model.js';
import { UserModel } from '../src/auth/model.js';
import { versionInForce } from '../src/conduct-code/index.js';
import { EvaluationModel, LEVEL_SCORE, PeriodModel, type Evaluation, type HeadRating, type Level, type Period, type SelfRating } from '../src/evaluations/model.js';
import { catalogueOf } from '../src/evaluations/lookups.js';
import { createMissingEvaluations, periodBounds } from '../src/evaluations/periods.js';
import { disagreements, resultsOf, statusOf } from '../src/evaluations/derive.js';
import { saveResultRecords } from '../src/evaluations/results-store.js';


const REASONS = [
  'Công dân phản ánh chưa chào hỏi khi tiếp nhận hồ sơ',
  'Để người dân chờ lâu mà không xin lỗi',
  'To tiếng với người dân tại bộ phận một cửa',
  'Chưa hướng dẫn đầy đủ thủ tục, người dân phải đi lại nhiều lần',
  'Đùn đẩy trách nhiệm giải quyết hồ sơ',
];
const COMMENTS = ['Luôn niềm nở khi tiếp dân', 'Cần nhẹ nhàng hơn khi đông người', 'Đã hướng dẫn tận tình', ''];

const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

function pickLevel(rng: () => number, pGood: number, pBreach: number): Level {
  const x = rng();
  return x < pBreach ? 'NOT_DONE' : x < pBreach + (1 - pGood - pBreach) ? 'DONE' : 'GOOD';
}

interface Plan {
  key: { kind: 'quarterly'; year: number; number: number };
  deadline: Date;
  status: 'OPEN' | 'CLOSED';
  pSelf: number;
  pEvaluated: number;
  pFinalised: number;
  submittedBy: Date;
}

/**
 * Demo evaluations on top of the seeded units, staff and code: a closed 2026-Q2 period, finalised with
 * varied results (some criteria breached, some self-assessments late or missing), and an open 2026-Q3
 * period past its deadline, partly self-assessed and evaluated, so overdue lists and late communes show.
 * Idempotent: does nothing when the province already has these periods.
 */
export async function seedEvaluationsDemo(logger: Logger): Promise<{ periods: number; evaluations: number }> {
  const province = await UnitModel.findOne({ depth: 0, effectiveTo: null }).lean();
  if (!province) return { periods: 0, evaluations: 0 };
  // FerretDB v1 has no $elemMatch on subdocument fields: match the unit, pick the role here.
  const admin = (await UserModel.find({ 'roles.unitId': province._id }).lean()).find((u) => u.roles.some((g) => g.role === 'admin')) ?? null;
  const heads = await UserModel.find({ 'roles.role': 'head' }).select('displayName roles').lean();
  const rng = seededRandom(20260701);
  const plans: Plan[] = [
    { key: { kind: 'quarterly', year: 2026, number: 2 }, deadline: day(2026, 7, 15), status: 'CLOSED', pSelf: 0.9, pEvaluated: 1, pFinalised: 1, submittedBy: day(2026, 7, 10) },
    { key: { kind: 'quarterly', year: 2026, number: 3 }, deadline: day(2026, 10, 15), status: 'OPEN', pSelf: 0.6, pEvaluated: 0.35, pFinalised: 0.25, submittedBy: day(2026, 10, 12) },
  ];
  let evaluations = 0;
  let periods = 0;
  for (const plan of plans) {
    const bounds = periodBounds(plan.key.kind, plan.key.year, plan.key.number);
    if (await PeriodModel.exists({ unitId: province._id, periodKey: bounds.periodKey })) continue;
    const code = await versionInForce(province._id, bounds.startDate);
    if (!code) {
      logger.warn('no code of conduct in force: evaluation demo skipped');
      return { periods, evaluations };
    }
    const period = (
      await PeriodModel.create({
        provinceId: province._id,
        unitId: province._id,
        unitPath: province.path,
        unitName: province.name,
        kind: plan.key.kind,
        ...bounds,
        year: plan.key.year,
        deadline: plan.deadline,
        status: 'OPEN',
        codeVersionId: code._id,
        codeVersionNumber: code.versionNumber,
        openedAt: bounds.startDate,
        createdBy: admin?._id ?? null,
      })
    ).toObject() as Period;
    await createMissingEvaluations(period);
    const { criteria } = await catalogueOf(code._id);
    const list = (await EvaluationModel.find({ periodId: period._id }).sort({ sortKey: 1 }).lean()) as Evaluation[];
    // Some communes are slower than others: their people are less likely to be done.
    const pace = new Map<string, number>();
    const ops = list.map((e) => {
      const unitKey = String(e.reportingUnitId);
      if (!pace.has(unitKey)) pace.set(unitKey, 0.5 + rng() * 0.5);
      const speed = plan.status === 'CLOSED' ? 1 : pace.get(unitKey)!;
      const careful = rng(); // how this person does overall
      const pGood = careful < 0.15 ? 0.55 : 0.85;
      const pBreach = careful < 0.15 ? 0.12 : 0.015;
      const head = heads.find((h) => h.roles.some((g) => g.role === 'head' && e.unitPath.some((id) => id.equals(g.unitId as Types.ObjectId))));
      const evaluator = head ?? admin;

      const selfSubmitted = rng() < plan.pSelf * speed ? 1 : 0;
      const selfRatings: SelfRating[] = criteria.map((c) => {
        // People rate themselves a little kinder than their heads do.
        const level = pickLevel(rng, Math.min(0.97, pGood + 0.1), pBreach / 3);
        return { criterionCode: c.code, level, score: LEVEL_SCORE[level], comment: rng() < 0.1 ? COMMENTS[Math.floor(rng() * COMMENTS.length)]! : '' };
      });
      const lateSubmission = rng() < 0.15;
      const submittedAt = new Date(plan.submittedBy.getTime() + (lateSubmission ? 6 : -Math.floor(rng() * 10)) * 86_400_000);
      const evaluated = rng() < plan.pEvaluated * speed && evaluator ? 1 : 0;
      const finalised = evaluated && rng() < plan.pFinalised / plan.pEvaluated ? 1 : 0;
      const headRatings: HeadRating[] = evaluated
        ? criteria.map((c) => {
            const level = pickLevel(rng, pGood, pBreach);
            return { criterionCode: c.code, level, score: LEVEL_SCORE[level], reason: level === 'NOT_DONE' ? REASONS[Math.floor(rng() * REASONS.length)]! : '', bulk: level === 'GOOD' && rng() < 0.5 };
          })
        : [];
      const at = new Date(submittedAt.getTime() + 3 * 86_400_000);
      const set: Record<string, unknown> = {
        selfAssessment: selfSubmitted
          ? { ratings: selfRatings, overallComment: '', savedAt: submittedAt, submittedAt }
          : { ratings: rng() < 0.3 ? selfRatings.slice(0, 5) : [], overallComment: '', savedAt: null, submittedAt: null },
        selfSubmitted,
        evaluated,
        finalised,
        status: statusOf({ selfSubmitted, evaluated, finalised }),
      };
      if (evaluated) {
        Object.assign(set, resultsOf(headRatings), {
          headEvaluation: {
            ratings: headRatings,
            overallComment: '',
            evaluatorId: evaluator!._id,
            evaluatorName: evaluator!.displayName,
            linkedReportIds: [],
            evaluatedAt: at,
            finalisedAt: finalised ? at : null,
          },
          disagreementCodes: selfSubmitted ? disagreements(selfRatings, headRatings) : [],
        });
      }
      return { ...e, ...set, version: e.version + 1 };
    });
    // The evaluations made by opening the period are replaced by their filled-in versions in two bulk
    // operations: FerretDB v1 answers hundreds of single updates slowly, and an unordered bulkWrite of
    // them never returned.
    if (ops.length) {
      await EvaluationModel.deleteMany({ periodId: period._id });
      await EvaluationModel.insertMany(ops, { ordered: true });
      await saveResultRecords(ops as Evaluation[]);
    }
    if (plan.status === 'CLOSED') await PeriodModel.updateOne({ _id: period._id }, { $set: { status: 'CLOSED', closedAt: day(2026, 7, 20) }, $inc: { version: 1 } });
    evaluations += list.length;
    periods++;
  }
  logger.info({ periods, evaluations }, 'evaluation demo seeded');
  return { periods, evaluations };
}
