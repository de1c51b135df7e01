import { vietnamMonth } from '../src/shared/dates.js';
import { seededRandom } from '../src/shared/seeded-random.js';
import { vietnamDay } from '../src/shared/dates.js';
import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import { UnitModel } from '../src/units/model.js';
import { StaffModel } from '../src/staff/model.js';
import { versionInForce } from '../src/conduct-code/index.js';
import { DeskSettingsModel, RatingModel, derivedRatingFields, type RatingLevel } from '../src/satisfaction/model.js';


const SEED = 20250701;
const MONTHS = 6;
/** The commune the seed story is about: Tả Phìn, merged into xã Sính Phình on 1/7/2025, reports 97% over six months. */
const STORY_COMMUNE = 'DB-SINHPHINH';
const STORY_PER_MONTH = 100;
const STORY_UNSATISFIED_PER_MONTH = [3, 4, 2, 3, 3, 3]; // 18 of 600 = 97.0%
/** A desk that uses the 5-level survey scale, to show both scales side by side. */
const FIVE_LEVEL_COMMUNE = 'DB-THANHNUA';
const PROBLEM_CRITERIA = ['X1', 'L1', 'L3', 'L4', 'K1', 'K2'];
const COMMENTS = [
  'Phải chờ lâu, không được hướng dẫn rõ ràng.',
  'Cán bộ trả lời cộc lốc.',
  'Hẹn trả kết quả nhưng đến nơi chưa có.',
  'Cán bộ nhiệt tình, hướng dẫn chu đáo.',
  'Thủ tục nhanh gọn.',
];

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** The month `back` months before `now`'s month (Vietnam time), as UTC year and 0-based month. */
function monthBefore(now: Date, back: number): { year: number; month0: number } {
  const { year, month } = vietnamMonth(now);
  const d = new Date(Date.UTC(year, month - 1 - back, 1));
  return { year: d.getUTCFullYear(), month0: d.getUTCMonth() };
}

/** A weekday in office hours (07:30–17:00 Vietnam time) of that month, never after `now`. */
function momentIn(rng: Rng, year: number, month0: number, now: Date): Date {
  const days = new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
  for (let attempt = 0; attempt < 50; attempt++) {
    const day = 1 + Math.floor(rng() * days);
    const minutes = 30 + Math.floor(rng() * 570); // from 00:30 UTC (07:30 in Vietnam)
    const at = new Date(Date.UTC(year, month0, day, 0, minutes));
    const weekday = vietnamDay(at).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && at <= now) return at;
  }
  return new Date(Math.min(Date.UTC(year, month0, 1, 1), now.getTime()));
}

function satisfiedLevel(rng: Rng): RatingLevel {
  return rng() < 0.6 ? 'VERY_SATISFIED' : 'SATISFIED';
}

function unsatisfiedLevel(rng: Rng, scale: 3 | 5): RatingLevel {
  if (scale === 3) return 'DISSATISFIED';
  return pick(rng, ['NEUTRAL', 'NEUTRAL', 'DISSATISFIED', 'VERY_DISSATISFIED'] as const);
}

/**
 * Demo ratings for every open one-stop desk over the last six months (this month included):
 * about 97% satisfied at xã Sính Phình, 85–98% elsewhere. Skipped when ratings already exist.
 */
export async function seedSatisfactionDemo(logger: Logger, now = new Date()): Promise<{ ratings: number; desks: number }> {
  if (await RatingModel.exists({})) {
    logger.info('satisfaction ratings already present: demo skipped');
    return { ratings: 0, desks: 0 };
  }
  const rng = seededRandom(SEED);
  const desks = await UnitModel.find({ kind: 'desk', effectiveTo: null }).select('code path parentId').sort({ code: 1 }).lean();
  const parents = await UnitModel.find({ _id: { $in: desks.map((d) => d.parentId) } }).select('code').lean();
  const parentCode = new Map(parents.map((p) => [String(p._id), p.code]));
  const codeByProvince = new Map<string, string[]>();
  const docs: Record<string, unknown>[] = [];

  for (const desk of desks) {
    const commune = parentCode.get(String(desk.parentId)) ?? '';
    const scale: 3 | 5 = commune === FIVE_LEVEL_COMMUNE ? 5 : 3;
    if (scale === 5) await DeskSettingsModel.updateOne({ unitId: desk._id }, { $set: { scale } }, { upsert: true });
    const provinceKey = String(desk.path[0]);
    if (!codeByProvince.has(provinceKey)) {
      const version = await versionInForce(desk.path[0]!, now);
      codeByProvince.set(provinceKey, version ? version.criteria.map((c) => c.code) : []);
    }
    const known = codeByProvince.get(provinceKey)!;
    const criteria = PROBLEM_CRITERIA.filter((c) => known.includes(c));
    const officers = (await StaffModel.find({ unitId: desk._id, active: true }).select('_id').sort({ sortKey: 1 }).lean()).map((s) => s._id);
    const story = commune === STORY_COMMUNE;
    const target = 0.85 + rng() * 0.13;

    for (let back = MONTHS - 1; back >= 0; back--) {
      const { year, month0 } = monthBefore(now, back);
      const count = story ? STORY_PER_MONTH : 12 + Math.floor(rng() * 14);
      const unsatisfied = story ? STORY_UNSATISFIED_PER_MONTH[MONTHS - 1 - back]! : Math.round(count * (1 - target) + (rng() - 0.5));
      for (let i = 0; i < count; i++) {
        const happy = i >= Math.max(0, unsatisfied);
        const level = happy ? satisfiedLevel(rng) : unsatisfiedLevel(rng, scale);
        const ratedAt = momentIn(rng, year, month0, now);
        const officerId: Types.ObjectId | null = officers.length && rng() < 0.6 ? pick(rng, officers) : null;
        const wrong = !happy && criteria.length && rng() < 0.7 ? [...new Set([pick(rng, criteria), pick(rng, criteria)])] : [];
        const comment = rng() < 0.15 ? pick(rng, happy ? COMMENTS.slice(3) : COMMENTS.slice(0, 3)) : '';
        docs.push({ unitId: desk._id, unitPath: desk.path, officerId, level, scale, criteria: wrong, comment, ratedAt, ...derivedRatingFields(level, ratedAt) });
      }
    }
  }
  for (let i = 0; i < docs.length; i += 1000) await RatingModel.insertMany(docs.slice(i, i + 1000), { ordered: true });
  logger.info({ ratings: docs.length, desks: desks.length }, 'demo satisfaction ratings loaded');
  return { ratings: docs.length, desks: desks.length };
}
