import { expect } from 'chai';
import { Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { makeStaff } from '../helpers/factories.js';
import { ValidationFailed } from '../../src/shared/errors.js';
import { ruleSetFor, suggestLevel, type ConductSummary, type DisciplineInYear } from '../../src/evaluations/classification-rules.js';
import { classificationPage, decideClassification, myClassifications } from '../../src/evaluations/classification.js';
import { ClassificationModel } from '../../src/evaluations/model.js';
import { asActor, makeWorld, type World } from './world.js';

const clean: ConductSummary = { evaluations: 4, rated: 52, score: 104, maxScore: 104, good: 52, breaches: 0, substantiatedIncidents: 0 };
const facts = { category: 'congChuc', discipline: [] as DisciplineInYear[], generalPoints: null, taskPoints: null };
const warning = (effective: string, over: Partial<DisciplineInYear> = {}): DisciplineInYear => ({
  id: new Types.ObjectId(),
  system: 'ADMINISTRATIVE',
  form: 'WARNING',
  decisionNumber: '12/QĐ-UBND',
  decisionDate: new Date(`${effective}T00:00:00Z`),
  issuer: 'Chủ tịch UBND xã',
  effectiveDate: new Date(`${effective}T00:00:00Z`),
  violationYear: Number(effective.slice(0, 4)),
  dutyRelated: true,
  violationYearRatedNotCompleted: false,
  ...over,
});

describe('evaluations: yearly classification rules', () => {
  it('when the year is 2025 or earlier, then the Decree 90/48 rules apply; from 2026 the 100-point scheme', () => {
    expect(ruleSetFor(2021).id).to.equal('2020-2025');
    expect(ruleSetFor(2025).id).to.equal('2020-2025');
    expect(ruleSetFor(2026).id).to.equal('2026+');
    expect(ruleSetFor(2031).id).to.equal('2026+');
  });

  it('when a person was disciplined in 2025, then the suggestion is "Không hoàn thành nhiệm vụ" whatever the conduct record, citing Decree 90/2020 as amended', () => {
    const s = suggestLevel(ruleSetFor(2025), clean, { ...facts, discipline: [warning('2025-05-02')] }, {});
    expect(s).to.deep.include({ level: 'NOT_COMPLETED', because: ['discipline'], disciplineCap: 'NOT_COMPLETED' });
    expect(s.discipline[0]).to.deep.include({ verdict: 'counts', article: 'điểm c khoản 1 Điều 11', decree: 'Nghị định 90/2020/NĐ-CP (sửa đổi bởi Nghị định 48/2023/NĐ-CP)' });
  });

  it('when 2026 points reach 85 and a duty-related reprimand or heavier took effect that year, then "Không hoàn thành nhiệm vụ" under Decree 335/2025 Art. 20.4(c), whatever the form', () => {
    const set = ruleSetFor(2026);
    for (const form of ['REPRIMAND', 'WARNING', 'SALARY_DOWNGRADE', 'DEMOTION', 'DISMISSAL', 'FORCED_RESIGNATION'] as const) {
      const s = suggestLevel(set, clean, { ...facts, discipline: [warning('2026-03-10', { form })], generalPoints: 25, taskPoints: 60 }, {});
      expect(s, form).to.deep.include({ level: 'NOT_COMPLETED', because: ['discipline'], points: 85, disciplineCap: 'NOT_COMPLETED' });
      expect(s.discipline[0], form).to.deep.include({ verdict: 'counts', article: 'điểm c khoản 4 Điều 20', decree: 'Nghị định 335/2025/NĐ-CP' });
    }
  });

  it('when the 2026 violation did not concern public duties, then Decree 335/2025 does not count it; Decree 48/2023 (2025) counts any discipline', () => {
    const off = warning('2026-03-10', { dutyRelated: false });
    const s = suggestLevel(ruleSetFor(2026), clean, { ...facts, discipline: [off], generalPoints: 25, taskPoints: 60 }, {});
    expect(s).to.deep.include({ level: 'GOOD', because: ['points'], disciplineCap: null });
    expect(s.discipline[0]!.verdict).to.equal('notDutyRelated');
    expect(suggestLevel(ruleSetFor(2025), clean, { ...facts, discipline: [warning('2025-03-10', { dutyRelated: false })] }, {}).level).to.equal('NOT_COMPLETED');
  });

  it('when a party reprimand (kỷ luật đảng) took effect in 2025, then the suggestion is "Không hoàn thành nhiệm vụ" with party discipline as the reason; with an administrative one too, both are named', () => {
    const party = warning('2025-06-12', { system: 'PARTY', form: 'PARTY_REPRIMAND', dutyRelated: false });
    const s = suggestLevel(ruleSetFor(2025), clean, { ...facts, discipline: [party] }, { GOOD: 4 });
    expect(s).to.deep.include({ level: 'NOT_COMPLETED', because: ['partyDiscipline'], disciplineCap: 'NOT_COMPLETED' });
    expect(s.discipline[0]).to.deep.include({ verdict: 'counts', article: 'điểm c khoản 1 Điều 11' });
    expect(suggestLevel(ruleSetFor(2025), clean, { ...facts, discipline: [warning('2025-03-01'), party] }, {}).because).to.deep.equal(['discipline', 'partyDiscipline']);
    // Decree 48/2023's exception holds for party decisions as for administrative ones.
    const earlier = suggestLevel(ruleSetFor(2025), clean, { ...facts, discipline: [{ ...party, violationYear: 2024, violationYearRatedNotCompleted: true }] }, { GOOD: 4 });
    expect(earlier).to.deep.include({ level: 'OUTSTANDING', disciplineCap: null });
  });

  it('when a 2026 party decision is not marked duty-related, then it does not cap the points level; marked duty-related, it caps it to "Không hoàn thành nhiệm vụ" naming party discipline', () => {
    const set = ruleSetFor(2026);
    const party = (dutyRelated: boolean) => warning('2026-06-12', { system: 'PARTY', form: 'PARTY_WARNING', dutyRelated });
    const off = suggestLevel(set, clean, { ...facts, discipline: [party(false)], generalPoints: 25, taskPoints: 60 }, {});
    expect(off).to.deep.include({ level: 'GOOD', because: ['points'], disciplineCap: null });
    expect(off.discipline[0]!.verdict).to.equal('notDutyRelated');
    const on = suggestLevel(set, clean, { ...facts, discipline: [party(true)], generalPoints: 25, taskPoints: 60 }, {});
    expect(on).to.deep.include({ level: 'NOT_COMPLETED', because: ['partyDiscipline'], disciplineCap: 'NOT_COMPLETED' });
  });

  it('when a 2025 decision punishes a 2024 violation that already made 2024 "không hoàn thành", then it does not count for 2025 (Decree 48/2023); when 2024 was not so rated, it counts', () => {
    const set = ruleSetFor(2025);
    const counted = suggestLevel(set, clean, { ...facts, discipline: [warning('2025-02-01', { violationYear: 2024, violationYearRatedNotCompleted: true })] }, { GOOD: 4 });
    expect(counted).to.deep.include({ level: 'OUTSTANDING', disciplineCap: null });
    expect(counted.discipline[0]!.verdict).to.equal('earlierViolation');
    const notCounted = suggestLevel(set, clean, { ...facts, discipline: [warning('2025-02-01', { violationYear: 2024 })] }, { GOOD: 4 });
    expect(notCounted).to.deep.include({ level: 'NOT_COMPLETED', disciplineCap: 'NOT_COMPLETED' });
  });

  it('when 2025 conduct has a breach or a substantiated incident, then at most "Hoàn thành nhiệm vụ"; a spotless record with room in the quota suggests "xuất sắc"', () => {
    const set = ruleSetFor(2025);
    expect(suggestLevel(set, { ...clean, breaches: 1, good: 51 }, facts, {}).level).to.equal('COMPLETED');
    expect(suggestLevel(set, { ...clean, substantiatedIncidents: 1 }, facts, {}).level).to.equal('COMPLETED');
    expect(suggestLevel(set, { ...clean, good: 40 }, facts, {}).level).to.equal('GOOD');
    expect(suggestLevel(set, clean, facts, { GOOD: 4 }).level).to.equal('OUTSTANDING');
    expect(suggestLevel(set, clean, facts, { GOOD: 3 })).to.deep.include({ level: 'GOOD', because: ['allGood', 'cap'] });
  });

  it('when 2026 points are given, then the thresholds ≥90 / 70–<90 / 50–<70 / <50 decide the suggestion', () => {
    const set = ruleSetFor(2026);
    const level = (general: number, task: number) => suggestLevel(set, clean, { ...facts, generalPoints: general, taskPoints: task }, { GOOD: 10 }).level;
    expect(level(30, 60)).to.equal('OUTSTANDING');
    expect(level(29, 60)).to.equal('GOOD');
    expect(level(20, 50)).to.equal('GOOD');
    expect(level(19, 50)).to.equal('COMPLETED');
    expect(level(10, 40)).to.equal('COMPLETED');
    expect(level(9, 40)).to.equal('NOT_COMPLETED');
    expect(suggestLevel(set, clean, facts, {})).to.deep.include({ level: null, because: ['pointsMissing'] });
  });
});

describe('evaluations: yearly classification decisions', () => {
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when the head decides a 2025 level different from the suggestion without a reason, then 422; with a reason it is recorded beside the suggestion, and shown on her own page read before', async () => {
    const head = await asActor(w.headA._id);
    // Her own page, read before the decision: what it keeps in memory must not hide the decision afterwards.
    const lan = await asActor(w.lanUser._id);
    expect(await myClassifications(lan)).to.deep.equal([]);
    const page = await classificationPage(head, String(w.lan._id), 2025);
    expect(page.ruleSet.id).to.equal('2020-2025');
    expect(page.suggestion.level).to.equal('COMPLETED');
    const input = { version: 0, level: 'GOOD' as const, differenceReason: '' };
    try {
      await decideClassification(head, String(w.lan._id), 2025, input);
      expect.fail('expected a validation failure');
    } catch (err) {
      expect(err).to.be.instanceOf(ValidationFailed);
      expect((err as ValidationFailed).fieldErrors).to.deep.equal({ differenceReason: 'evaluations.validation.differenceReasonRequired' });
    }
    await decideClassification(head, String(w.lan._id), 2025, { ...input, differenceReason: 'Kết quả nhiệm vụ tốt, ghi nhận trong biên bản họp' });
    const c = await ClassificationModel.findOne({ staffId: w.lan._id, year: 2025 }).lean();
    expect(c).to.include({ suggestedLevel: 'COMPLETED', level: 'GOOD', disciplined: false, ruleSetId: '2020-2025', visibleToStaff: true });
    expect((await myClassifications(lan)).map((x) => [x.year, x.level])).to.deep.equal([[2025, 'GOOD']]);
  });

  it('when 2026 "xuất sắc" would exceed 20% of those rated good or better in the commune, then 422 beside the level', async () => {
    const head = await asActor(w.headA._id);
    const people = [w.lan, w.binh];
    for (const name of ['Cầm Văn An', 'Lò Thị Hoa', 'Quàng Văn Sơn', 'Tòng Thị Vân']) people.push(await makeStaff({ fullName: name, unit: w.communeA }));
    const decide = (i: number, level: 'GOOD' | 'OUTSTANDING', general: number, task: number) =>
      decideClassification(head, String(people[i]!._id), 2026, { version: 0, generalPoints: general, taskPoints: task, level, differenceReason: '' });
    for (let i = 0; i < 4; i++) await decide(i, 'GOOD', 25, 55);
    await decide(4, 'OUTSTANDING', 30, 65); // 1 of 5 rated good or better: exactly 20%
    const page = await classificationPage(head, String(people[5]!._id), 2026);
    expect(page.suggestion.because).to.deep.equal(['pointsMissing']);
    try {
      await decide(5, 'OUTSTANDING', 30, 68);
      expect.fail('expected the cap to refuse');
    } catch (err) {
      expect((err as ValidationFailed).fieldErrors.level).to.equal('evaluations.classification.capReached');
    }
    const withPoints = await classificationPage(head, String(people[4]!._id), 2026);
    expect(withPoints.existing!.level).to.equal('OUTSTANDING');
    expect(await ClassificationModel.countDocuments({ year: 2026, reportingUnitId: w.communeA._id })).to.equal(5);
  });

  it('when a head classifies someone outside their commune or themself, then it is refused', async () => {
    const head = await asActor(w.headA._id);
    let status = 0;
    await decideClassification(head, String(w.mai._id), 2026, { version: 0, generalPoints: 20, taskPoints: 50, level: 'GOOD', differenceReason: '' }).catch((e) => (status = e.status));
    expect(status).to.equal(403);
    await decideClassification(head, String(w.chairA._id), 2026, { version: 0, generalPoints: 20, taskPoints: 50, level: 'GOOD', differenceReason: '' }).catch((e) => (status = e.status));
    expect(status).to.equal(403);
    expect(await ClassificationModel.countDocuments({})).to.equal(0);
  });
});
