import type { Types } from 'mongoose';
import { ClassificationModel, EvaluationModel, type Classification, type Evaluation } from './model.js';

/**
 * A person's evaluations and yearly classifications, for their right of access (Law 91/2025/QH15): what
 * they wrote themselves, and the head's ratings once the result is finalised (a draft is not yet the unit's view);
 * classifications they are shown. Not the cases an evaluation links to (those come, as the subject sees them, from
 * incidents).
 */
export async function evaluationsOfPerson(staffId: Types.ObjectId) {
  const rows = await EvaluationModel.find({ staffId }).sort({ periodStart: 1 }).lean<Evaluation[]>();
  return rows.map((e) => ({
    periodKey: e.periodKey,
    periodKind: e.periodKind,
    year: e.year,
    unitName: e.unitName,
    position: e.position,
    status: e.status,
    selfAssessment: {
      ratings: e.selfAssessment.ratings.map((r) => ({ criterionCode: r.criterionCode, level: r.level, score: r.score, comment: r.comment })),
      overallComment: e.selfAssessment.overallComment,
      submittedAt: e.selfAssessment.submittedAt ?? null,
    },
    headEvaluation: e.headEvaluation.finalisedAt
      ? {
          ratings: e.headEvaluation.ratings.map((r) => ({ criterionCode: r.criterionCode, level: r.level, score: r.score, reason: r.reason })),
          overallComment: e.headEvaluation.overallComment,
          evaluatorName: e.headEvaluation.evaluatorName,
          evaluatedAt: e.headEvaluation.evaluatedAt ?? null,
          finalisedAt: e.headEvaluation.finalisedAt,
        }
      : null,
    amendments: e.headEvaluation.finalisedAt ? e.amendments.map((a) => ({ at: a.at, authorName: a.authorName, reason: a.reason })) : [],
    totalScore: e.headEvaluation.finalisedAt ? e.totalScore : null,
    maxScore: e.maxScore,
  }));
}

export async function classificationsOfPerson(staffId: Types.ObjectId) {
  const rows = await ClassificationModel.find({ staffId, visibleToStaff: true }).sort({ year: 1 }).lean<Classification[]>();
  return rows.map((c) => ({
    year: c.year,
    level: c.level,
    suggestedLevel: c.suggestedLevel ?? null,
    suggestionBecause: [...c.suggestionBecause],
    differenceReason: c.differenceReason,
    disciplined: c.disciplined,
    generalPoints: c.generalPoints ?? null,
    taskPoints: c.taskPoints ?? null,
    decidedByName: c.decidedByName,
    decidedAt: c.decidedAt,
  }));
}
