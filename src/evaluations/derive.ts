import { MAX_LEVEL_SCORE, type EvaluationStatus, type HeadRating, type SelfRating } from './model.js';

// Derived fields of an evaluation, computed at every write so that summaries are plain $sum.

export function statusOf(e: { selfSubmitted: number; evaluated: number; finalised: number }): EvaluationStatus {
  if (e.finalised) return 'FINALISED';
  if (e.evaluated) return 'EVALUATED';
  if (e.selfSubmitted) return 'SELF_ASSESSED';
  return 'NOT_STARTED';
}

export function resultsOf(ratings: readonly Pick<HeadRating, 'criterionCode' | 'level' | 'score'>[]) {
  const results = ratings.map((r) => ({
    criterionCode: r.criterionCode,
    score: r.score,
    good: r.level === 'GOOD' ? 1 : 0,
    done: r.level === 'DONE' ? 1 : 0,
    breached: r.level === 'NOT_DONE' ? 1 : 0,
  }));
  return {
    results,
    totalScore: results.reduce((n, r) => n + r.score, 0),
    maxScore: results.length * MAX_LEVEL_SCORE,
    breachedCount: results.reduce((n, r) => n + r.breached, 0),
  };
}

/** Criteria where the person and the head are two steps apart (Thực hiện tốt against Chưa thực hiện). */
export function disagreements(self: readonly Pick<SelfRating, 'criterionCode' | 'score'>[], head: readonly Pick<HeadRating, 'criterionCode' | 'score'>[]): string[] {
  const selfScores = new Map(self.map((r) => [r.criterionCode, r.score]));
  return head.filter((r) => selfScores.has(r.criterionCode) && Math.abs(selfScores.get(r.criterionCode)! - r.score) >= 2).map((r) => r.criterionCode);
}
