import type { ClassificationLevel } from './model.js';

/*
 * The rules that suggest a yearly classification, as data chosen by the year — a new decree is a new
 * entry here, not a new code branch. The head always decides; the suggestion only explains itself.
 *
 * Sources are secondary (public summaries of the texts), so check the decrees before relying on details:
 * - Decree 90/2020/NĐ-CP as amended by Decree 48/2023/NĐ-CP: four levels; a person disciplined in the
 *   year is rated "Không hoàn thành nhiệm vụ" (48/2023 has exceptions, e.g. discipline for an earlier
 *   year's violation, which the head applies by overriding with a reason); "xuất sắc" limited to 20% of
 *   those rated "hoàn thành tốt".
 * - Decree 335/2025/NĐ-CP (civil servants, from 1/1/2026) under Law 80/2025 Art. 26: 100 points, of which
 *   30 for general criteria (conduct belongs to "văn hóa thực thi công vụ" and "thái độ phục vụ nhân dân,
 *   doanh nghiệp") and 70 for task results; ≥90 xuất sắc, 70–<90 tốt, 50–<70 hoàn thành, <50 không hoàn
 *   thành; "xuất sắc" capped at 20% of those rated "tốt" in the unit. Whether that base counts the people
 *   rated "xuất sắc" themselves differs between summaries: `outstandingCap.of` names the levels counted.
 * How the conduct record maps onto the older decree's general criteria is this project's reading, not the
 * decree's text: a breach or a substantiated incident means conduct was not "tốt".
 */

/** What a year of finalised evaluations says about one person (computed from stored numbers). */
export interface ConductSummary {
  evaluations: number;
  /** Criterion ratings counted, their summed score and the best possible sum. */
  rated: number;
  score: number;
  maxScore: number;
  good: number;
  breaches: number;
  substantiatedIncidents: number;
}

export interface ClassificationFacts {
  disciplined: boolean;
  /** Points scheme only. */
  generalPoints: number | null;
  taskPoints: number | null;
}

/** All given fields must hold (a missing field is no constraint). */
export interface Condition {
  disciplined?: boolean;
  minBreaches?: number;
  minIncidents?: number;
  minEvaluations?: number;
  /** Share of ratings that were "Thực hiện tốt", 0–1. */
  minGoodShare?: number;
}

export interface LevelRule {
  when: Condition;
  level: ClassificationLevel;
  /** i18n key under evaluations.classification.because. */
  because: string;
}

interface RuleSetBase {
  id: string;
  fromYear: number;
  toYear: number | null;
  legalBasis: string;
  /** Checked first; the first that holds caps the suggestion. */
  overrides: LevelRule[];
  outstandingCap: { share: number; of: ClassificationLevel[] };
}

export interface ConductRuleSet extends RuleSetBase {
  scheme: 'conduct';
  /** First match wins. */
  rules: LevelRule[];
}

export interface PointsRuleSet extends RuleSetBase {
  scheme: 'points';
  generalMax: number;
  taskMax: number;
  /** Highest threshold first. */
  thresholds: { minPoints: number; level: ClassificationLevel }[];
}

export type RuleSet = ConductRuleSet | PointsRuleSet;

export const RULE_SETS: readonly RuleSet[] = [
  {
    id: '2020-2025',
    scheme: 'conduct',
    fromYear: 2020,
    toYear: 2025,
    legalBasis: 'Nghị định 90/2020/NĐ-CP, sửa đổi bởi Nghị định 48/2023/NĐ-CP',
    overrides: [{ when: { disciplined: true }, level: 'NOT_COMPLETED', because: 'disciplined' }],
    rules: [
      { when: { minIncidents: 1 }, level: 'COMPLETED', because: 'incident' },
      { when: { minBreaches: 1 }, level: 'COMPLETED', because: 'breached' },
      { when: { minEvaluations: 1, minGoodShare: 1 }, level: 'OUTSTANDING', because: 'allGood' },
      { when: { minEvaluations: 1 }, level: 'GOOD', because: 'noBreach' },
      { when: {}, level: 'COMPLETED', because: 'noRecord' },
    ],
    outstandingCap: { share: 0.2, of: ['GOOD', 'OUTSTANDING'] },
  },
  {
    id: '2026+',
    scheme: 'points',
    fromYear: 2026,
    toYear: null,
    legalBasis: 'Nghị định 335/2025/NĐ-CP; Luật Cán bộ, công chức 80/2025/QH15, Điều 26',
    overrides: [],
    generalMax: 30,
    taskMax: 70,
    thresholds: [
      { minPoints: 90, level: 'OUTSTANDING' },
      { minPoints: 70, level: 'GOOD' },
      { minPoints: 50, level: 'COMPLETED' },
      { minPoints: 0, level: 'NOT_COMPLETED' },
    ],
    outstandingCap: { share: 0.2, of: ['GOOD', 'OUTSTANDING'] },
  },
];

export function ruleSetFor(year: number): RuleSet {
  const set = RULE_SETS.find((s) => year >= s.fromYear && (s.toYear === null || year <= s.toYear));
  // Years before the first set are judged by the oldest rules we hold.
  return set ?? RULE_SETS[0]!;
}

function holds(c: Condition, s: ConductSummary, f: ClassificationFacts): boolean {
  if (c.disciplined !== undefined && c.disciplined !== f.disciplined) return false;
  if (c.minBreaches !== undefined && s.breaches < c.minBreaches) return false;
  if (c.minIncidents !== undefined && s.substantiatedIncidents < c.minIncidents) return false;
  if (c.minEvaluations !== undefined && s.evaluations < c.minEvaluations) return false;
  if (c.minGoodShare !== undefined && (s.rated === 0 || s.good / s.rated < c.minGoodShare)) return false;
  return true;
}

/** The general-part points the conduct record suggests: the share of the best possible conduct score. */
export function conductPoints(set: PointsRuleSet, s: ConductSummary): number | null {
  return s.maxScore > 0 ? Math.round((set.generalMax * s.score) / s.maxScore) : null;
}

export interface Suggestion {
  level: ClassificationLevel | null;
  because: string[];
  points: number | null;
}

/** The outstanding quota: how many may be rated "xuất sắc" when `counted` people hold the capped-by levels. */
export function outstandingQuota(set: RuleSet, counted: number): number {
  return Math.floor(set.outstandingCap.share * counted + 1e-9);
}

/**
 * The suggested level for one person. `unitCounts` are the decided levels of the others in the same unit and
 * year, so the 20% cap can turn "xuất sắc" into "tốt" once the unit's quota is used.
 */
export function suggestLevel(set: RuleSet, summary: ConductSummary, facts: ClassificationFacts, unitCounts: Partial<Record<ClassificationLevel, number>>): Suggestion {
  const override = set.overrides.find((r) => holds(r.when, summary, facts));
  if (override) return { level: override.level, because: [override.because], points: null };

  let level: ClassificationLevel | null;
  let because: string[];
  let points: number | null = null;
  if (set.scheme === 'conduct') {
    const rule = set.rules.find((r) => holds(r.when, summary, facts))!;
    level = rule.level;
    because = [rule.because];
  } else {
    if (facts.generalPoints === null || facts.taskPoints === null) return { level: null, because: ['pointsMissing'], points: null };
    points = facts.generalPoints + facts.taskPoints;
    level = set.thresholds.find((t) => points! >= t.minPoints)!.level;
    because = ['points'];
  }
  if (level === 'OUTSTANDING' && !withinOutstandingCap(set, unitCounts)) {
    level = 'GOOD';
    because.push('cap');
  }
  return { level, because, points };
}

/** Whether one more person may be rated "xuất sắc" given the others' decided levels. */
export function withinOutstandingCap(set: RuleSet, othersCounts: Partial<Record<ClassificationLevel, number>>): boolean {
  const outstanding = (othersCounts.OUTSTANDING ?? 0) + 1;
  const base = set.outstandingCap.of.reduce((n, l) => n + (othersCounts[l] ?? 0), 0) + (set.outstandingCap.of.includes('OUTSTANDING') ? 1 : 0);
  return outstanding <= outstandingQuota(set, base);
}
