import { CLASSIFICATION_LEVELS, type ClassificationLevel } from './model.js';
import type { DisciplineFact, DisciplineForm } from '../discipline/index.js';

/*
 * The rules that suggest a yearly classification, as data chosen by the year — a new decree is a new
 * entry here, not a new code branch. The head always decides; the suggestion only explains itself.
 *
 * Sources are secondary (public summaries of the texts), so check the decrees before relying on details:
 * - Decree 90/2020/NĐ-CP as amended by Decree 48/2023/NĐ-CP: four levels; a person disciplined (party or
 *   administrative discipline) in the year is rated "Không hoàn thành nhiệm vụ" (Decree 90 Art. 7 for cán bộ,
 *   Art. 11.1(c) for công chức, Art. 15.1(c) for viên chức). Decree 48/2023's exception: a violation already used
 *   to rate its own year "không hoàn thành" is not counted again in the later year its decision is issued (summary
 *   by BQL KKT Quảng Bình, 07/09/2023). "xuất sắc" limited to 20% of those rated "hoàn thành tốt".
 * - Decree 335/2025/NĐ-CP (civil servants, from 1/1/2026) under Law 80/2025 Art. 26: 100 points, of which
 *   30 for general criteria (conduct belongs to "văn hóa thực thi công vụ" and "thái độ phục vụ nhân dân,
 *   doanh nghiệp") and 70 for task results; ≥90 xuất sắc, 70–<90 tốt, 50–<70 hoàn thành, <50 không hoàn
 *   thành; "xuất sắc" capped at 20% of those rated "tốt" in the unit. Whether that base counts the people
 *   rated "xuất sắc" themselves differs between summaries: `outstandingCap.of` names the levels counted.
 * - Decree 335/2025/NĐ-CP Art. 20.4(c) (summaries by news.laodong.vn and cafef.vn, 12/2025): "Không hoàn thành
 *   nhiệm vụ" when a violation related to public duties ("liên quan đến hoạt động công vụ") is disciplined with
 *   khiển trách or heavier in the year — every form, since khiển trách is the lightest. The summaries state no
 *   earlier-year exception, so none is applied. The decree covers công chức; we apply it to everyone from 2026 as
 *   the points scheme already is.
 * Party discipline (kỷ luật đảng, a decision of a party organisation under the Party Charter and Regulation
 *   69-QĐ/TW) feeds the same rule as administrative discipline: the decision records carry their `system`.
 *   2020–2025: Decree 90's text says "bị kỷ luật đảng hoặc kỷ luật hành chính", so a party decision caps the level
 *   exactly as an administrative one, Decree 48's earlier-violation exception included. 2026+: Art. 20.4(c) as
 *   summarised speaks of a violation related to public duties disciplined with khiển trách or heavier, without naming
 *   the system; this project's reading (not the decree's text) is that a party decision counts only when it is marked
 *   duty-related (`dutyRelated`), as an administrative one — a party member's violation outside public duties
 *   (e.g. of party life alone) does not lower the civil-service rating. The classification's reason names the system.
 * Discipline is not the head's judgement under either decree: the level is capped and a higher one is refused.
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

/** A discipline decision that took effect in the year, and whether its violation's own year was already rated "không hoàn thành". */
export interface DisciplineInYear extends DisciplineFact {
  violationYearRatedNotCompleted: boolean;
}

export interface ClassificationFacts {
  /** The person's category (cán bộ, công chức, viên chức): the article cited differs. */
  category: string;
  discipline: DisciplineInYear[];
  /** Points scheme only. */
  generalPoints: number | null;
  taskPoints: number | null;
}

/** All given fields must hold (a missing field is no constraint). */
export interface Condition {
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

/** How discipline decisions taking effect in the year bear on the level. */
export interface DisciplineRule {
  decree: string;
  /** The provision cited, by staff category ('*' for any other). */
  article: Record<string, string>;
  /** The highest level each form allows. */
  capByForm: Record<DisciplineForm, ClassificationLevel>;
  /** Only violations related to public duties count. */
  dutyRelatedOnly: boolean;
  /** A decision for an earlier year's violation that already made that year "không hoàn thành" does not count again. */
  earlierViolationCountedOnce: boolean;
}

const ALL_FORMS_NOT_COMPLETED: Record<DisciplineForm, ClassificationLevel> = {
  REPRIMAND: 'NOT_COMPLETED',
  WARNING: 'NOT_COMPLETED',
  SALARY_DOWNGRADE: 'NOT_COMPLETED',
  DEMOTION: 'NOT_COMPLETED',
  DISMISSAL: 'NOT_COMPLETED',
  REMOVAL_FROM_OFFICE: 'NOT_COMPLETED',
  FORCED_RESIGNATION: 'NOT_COMPLETED',
  PARTY_REPRIMAND: 'NOT_COMPLETED',
  PARTY_WARNING: 'NOT_COMPLETED',
  PARTY_REMOVAL_FROM_POST: 'NOT_COMPLETED',
  PARTY_EXPULSION: 'NOT_COMPLETED',
};

interface RuleSetBase {
  id: string;
  fromYear: number;
  toYear: number | null;
  legalBasis: string;
  discipline: DisciplineRule;
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
    discipline: {
      decree: 'Nghị định 90/2020/NĐ-CP (sửa đổi bởi Nghị định 48/2023/NĐ-CP)',
      article: { canBo: 'Điều 7', congChuc: 'điểm c khoản 1 Điều 11', vienChuc: 'điểm c khoản 1 Điều 15', '*': 'Điều 11' },
      capByForm: ALL_FORMS_NOT_COMPLETED,
      dutyRelatedOnly: false,
      earlierViolationCountedOnce: true,
    },
    overrides: [],
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
    discipline: {
      decree: 'Nghị định 335/2025/NĐ-CP',
      article: { '*': 'điểm c khoản 4 Điều 20' },
      capByForm: ALL_FORMS_NOT_COMPLETED,
      dutyRelatedOnly: true,
      earlierViolationCountedOnce: false,
    },
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

function holds(c: Condition, s: ConductSummary): boolean {
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

/** Why a decision does or does not bear on the year. */
export type DisciplineVerdict = 'counts' | 'earlierViolation' | 'notDutyRelated';

export interface DisciplineNote {
  decision: DisciplineInYear;
  verdict: DisciplineVerdict;
  /** The cap its form sets (when it counts). */
  cap: ClassificationLevel | null;
  decree: string;
  article: string;
}

export interface Suggestion {
  level: ClassificationLevel | null;
  because: string[];
  points: number | null;
  /** The highest level the year's discipline allows, or null when none counts. */
  disciplineCap: ClassificationLevel | null;
  discipline: DisciplineNote[];
}

/** Higher is better: OUTSTANDING 3 … NOT_COMPLETED 0. */
export const levelRank = (l: ClassificationLevel): number => CLASSIFICATION_LEVELS.length - 1 - CLASSIFICATION_LEVELS.indexOf(l);

/** Each decision of the year judged by the year's rule, and the lowest cap among those that count. */
export function disciplineOf(set: RuleSet, facts: ClassificationFacts): { cap: ClassificationLevel | null; notes: DisciplineNote[] } {
  const rule = set.discipline;
  const article = rule.article[facts.category] ?? rule.article['*']!;
  let cap: ClassificationLevel | null = null;
  const notes = facts.discipline.map((d): DisciplineNote => {
    const effectiveYear = d.effectiveDate.getUTCFullYear();
    let verdict: DisciplineVerdict = 'counts';
    if (rule.dutyRelatedOnly && !d.dutyRelated) verdict = 'notDutyRelated';
    else if (rule.earlierViolationCountedOnce && d.violationYear < effectiveYear && d.violationYearRatedNotCompleted) verdict = 'earlierViolation';
    const formCap = verdict === 'counts' ? rule.capByForm[d.form] : null;
    if (formCap && (cap === null || levelRank(formCap) < levelRank(cap))) cap = formCap;
    return { decision: d, verdict, cap: formCap, decree: rule.decree, article };
  });
  return { cap, notes };
}

/** The reason for a capped level, naming the system of the decisions that count: administrative, party, or both. */
function disciplineReasons(notes: DisciplineNote[]): string[] {
  const counted = new Set(notes.filter((n) => n.verdict === 'counts').map((n) => n.decision.system));
  return [...(counted.has('ADMINISTRATIVE') ? ['discipline'] : []), ...(counted.has('PARTY') ? ['partyDiscipline'] : [])];
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
  const discipline = disciplineOf(set, facts);
  const withDiscipline = (s: Omit<Suggestion, 'disciplineCap' | 'discipline'>): Suggestion => {
    const cap = discipline.cap;
    if (cap && (s.level === null || levelRank(s.level) > levelRank(cap))) return { level: cap, because: disciplineReasons(discipline.notes), points: s.points, disciplineCap: cap, discipline: discipline.notes };
    return { ...s, disciplineCap: cap, discipline: discipline.notes };
  };
  const override = set.overrides.find((r) => holds(r.when, summary));
  if (override) return withDiscipline({ level: override.level, because: [override.because], points: null });

  let level: ClassificationLevel | null;
  let because: string[];
  let points: number | null = null;
  if (set.scheme === 'conduct') {
    const rule = set.rules.find((r) => holds(r.when, summary))!;
    level = rule.level;
    because = [rule.because];
  } else {
    if (facts.generalPoints === null || facts.taskPoints === null) return withDiscipline({ level: null, because: ['pointsMissing'], points: null });
    points = facts.generalPoints + facts.taskPoints;
    level = set.thresholds.find((t) => points! >= t.minPoints)!.level;
    because = ['points'];
  }
  if (level === 'OUTSTANDING' && !withinOutstandingCap(set, unitCounts)) {
    level = 'GOOD';
    because.push('cap');
  }
  return withDiscipline({ level, because, points });
}

/** Whether one more person may be rated "xuất sắc" given the others' decided levels. */
export function withinOutstandingCap(set: RuleSet, othersCounts: Partial<Record<ClassificationLevel, number>>): boolean {
  const outstanding = (othersCounts.OUTSTANDING ?? 0) + 1;
  const base = set.outstandingCap.of.reduce((n, l) => n + (othersCounts[l] ?? 0), 0) + (set.outstandingCap.of.includes('OUTSTANDING') ? 1 : 0);
  return outstanding <= outstandingQuota(set, base);
}
