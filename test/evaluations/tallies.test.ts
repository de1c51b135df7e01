import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp, type Agent } from '../helpers/app.js';
import { COPIES_READY, COPIES_RECORDS, EvaluationModel, PeriodModel, type Evaluation, type Period } from '../../src/evaluations/model.js';
import { EvaluationResultModel, RECORD_SHAPE } from '../../src/evaluations/record-model.js';
import { repairResultRecordsWhere } from '../../src/evaluations/results-store.js';
import { TokenModel } from '../../src/statistics/model.js';
import { PeriodTallyModel, type PeriodTally } from '../../src/evaluations/tallies.js';
import { rosterFor } from '../../src/evaluations/roster.js';
import { evaluationPage, myEvaluationsPage, saveHeadEvaluation } from '../../src/evaluations/service.js';
import { statusOf } from '../../src/evaluations/derive.js';
import { idle, PeriodJobModel } from '../../src/evaluations/jobs.js';
import { allRated, asActor, CODES, evaluationOf, makeWorld, openPeriodVia, type World } from './world.js';

/** What the tallies of a period must say: counted again from the evaluations themselves, per reporting unit. */
async function recount(periodId: string) {
  const evaluations = (await EvaluationModel.find({ periodId }).lean()) as Evaluation[];
  const byUnit = new Map<string, { counts: Record<string, number>; tallies: Map<string, { good: number; done: number; breached: number }> }>();
  for (const e of evaluations) {
    const key = String(e.reportingUnitId);
    const entry = byUnit.get(key) ?? {
      counts: { total: 0, NOT_STARTED: 0, SELF_ASSESSED: 0, EVALUATED: 0, FINALISED: 0, selfSubmitted: 0, finalised: 0, selfPending: 0 },
      tallies: new Map(),
    };
    byUnit.set(key, entry);
    entry.counts.total!++;
    entry.counts[statusOf(e)]!++;
    entry.counts.selfSubmitted! += e.selfSubmitted;
    entry.counts.finalised! += e.finalised;
    entry.counts.selfPending! += !e.selfSubmitted && !e.finalised ? 1 : 0;
    if (!e.finalised) continue;
    for (const r of e.results) {
      const t = entry.tallies.get(r.criterionCode) ?? { good: 0, done: 0, breached: 0 };
      t.good += r.good;
      t.done += r.done;
      t.breached += r.breached;
      entry.tallies.set(r.criterionCode, t);
    }
  }
  return new Map([...byUnit].map(([k, v]) => [k, { counts: v.counts, tallies: Object.fromEntries([...v.tallies].sort(([a], [b]) => a.localeCompare(b))) }]));
}

async function storedTallies(periodId: string) {
  const docs = await PeriodTallyModel.find({ periodId: new Types.ObjectId(periodId) }).lean<PeriodTally[]>();
  return new Map(
    docs
      .filter((d) => d.counts.total > 0)
      .map((d) => {
        const { total, NOT_STARTED, SELF_ASSESSED, EVALUATED, FINALISED, selfSubmitted, finalised, selfPending } = d.counts;
        return [
          String(d.unitId),
          {
            counts: { total, NOT_STARTED, SELF_ASSESSED, EVALUATED, FINALISED, selfSubmitted, finalised, selfPending },
            tallies: Object.fromEntries(d.tallies.map((t) => [t.criterionCode, { good: t.good, done: t.done, breached: t.breached }]).sort(([a], [b]) => String(a).localeCompare(String(b)))),
          },
        ];
      }),
  );
}

async function expectTalliesMatchRecount(periodId: string) {
  const docs = await PeriodTallyModel.find({ periodId: new Types.ObjectId(periodId) }).lean<PeriodTally[]>();
  // Every stored tally is fresh (counted for its latest token) and says what a recount says.
  expect(docs.every((d) => d.computedToken === d.token), 'fresh').to.equal(true);
  expect(Object.fromEntries(await storedTallies(periodId))).to.deep.equal(Object.fromEntries(await recount(periodId)));
}

describe('evaluations: period tallies and compact records (the read model of rosters)', () => {
  let w: World;
  let admin: Agent;
  let periodId: string;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    admin = agentFor(testApp());
    await login(admin, w.admin.username);
    periodId = await openPeriodVia(admin, { unitId: String(w.province._id), deadline: '01/04/2026' });
  });

  const as = async (username: string) => {
    const agent = agentFor(testApp());
    await login(agent, username);
    return agent;
  };

  it('when people self-assess and heads evaluate, finalise and amend, then after each save the tallies equal a recount of the evaluations', async () => {
    await expectTalliesMatchRecount(periodId);
    const lan = await as(w.lanUser.username);
    const head = await as(w.headA.username);
    const lanEv = await evaluationOf(w.lan._id);
    const lanPath = `/evaluations/${String(lanEv._id)}`;
    expect((await submitForm(lan, lanPath, `${lanPath}/self`, { version: '0', action: 'submit', ...allRated('GOOD') })).status).to.equal(302);
    await expectTalliesMatchRecount(periodId);

    const binh = await evaluationOf(w.binh._id);
    const binhPath = `/evaluations/${String(binh._id)}`;
    expect((await submitForm(head, binhPath, `${binhPath}/evaluate`, { version: '0', action: 'save', ...allRated('DONE') })).status).to.equal(302);
    await expectTalliesMatchRecount(periodId);

    const withBreach = { ...allRated('GOOD'), 'ratings[K1][level]': 'NOT_DONE', 'ratings[K1][reason]': 'To tiếng với người dân', 'ratings[L2][level]': 'DONE' };
    expect((await submitForm(head, lanPath, `${lanPath}/evaluate`, { version: '1', action: 'finalise', ...withBreach })).status).to.equal(302);
    await expectTalliesMatchRecount(periodId);

    expect((await submitForm(head, lanPath, `${lanPath}/amend`, { version: '2', reason: 'Xác minh lại', ...withBreach, 'ratings[K1][level]': 'DONE' })).status).to.equal(302);
    await expectTalliesMatchRecount(periodId);

    const mai = await evaluationOf(w.mai._id);
    const maiPath = `/evaluations/${String(mai._id)}`;
    expect((await submitForm(admin, maiPath, `${maiPath}/evaluate`, { version: '0', action: 'finalise', ...allRated('GOOD') })).status).to.equal(302);
    await expectTalliesMatchRecount(periodId);

    // Commune A: Lan finalised (K1 done after the amendment), Bình evaluated, the chairman not started.
    const tallyA = (await PeriodTallyModel.findById(`${periodId}:${String(w.communeA._id)}`).lean<PeriodTally>())!;
    expect(tallyA.counts).to.deep.include({ total: 3, FINALISED: 1, EVALUATED: 1, NOT_STARTED: 1, selfSubmitted: 1, finalised: 1, selfPending: 2 });
    expect(tallyA.tallies.find((t) => t.criterionCode === 'K1')).to.deep.include({ good: 0, done: 1, breached: 0 });

    // The roster of the whole province, as a list of communes (limit 1), adds the communes' tallies up.
    const roster = await rosterFor(await asActor(w.admin._id), periodId, { limit: 1 });
    expect(roster.rows).to.deep.equal([]); // nobody reports to the province itself
    expect(roster.units!.map((u) => [u.unitName, u.total, u.finalised])).to.deep.equal([
      ['Xã Mường Nhé', 1, 1],
      ['Xã Thanh Nưa', 3, 1],
    ]);
    expect(roster.counts).to.deep.equal({ total: 4, NOT_STARTED: 1, SELF_ASSESSED: 0, EVALUATED: 1, FINALISED: 2 });
    expect(roster.tallies.find((t) => t.criterionCode === 'X1')).to.deep.include({ good: 2, done: 0, breached: 0 });
  });

  it('when a head views the roster between saves, then every view lists each person as last saved (the copy kept in memory follows the writes)', async () => {
    const headActor = await asActor(w.headA._id);
    const row = async (staffId: Types.ObjectId) => (await rosterFor(headActor, periodId)).rows.find((r) => r.staffId === String(staffId))!;
    expect((await row(w.lan._id)).status).to.equal('NOT_STARTED');

    const lan = await as(w.lanUser.username);
    const lanPath = `/evaluations/${String((await evaluationOf(w.lan._id))._id)}`;
    expect((await submitForm(lan, lanPath, `${lanPath}/self`, { version: '0', action: 'submit', ...allRated('GOOD') })).status).to.equal(302);
    expect((await row(w.lan._id)).status).to.equal('SELF_ASSESSED');

    const head = await as(w.headA.username);
    expect((await submitForm(head, lanPath, `${lanPath}/evaluate`, { version: '1', action: 'finalise', ...allRated('DONE') })).status).to.equal(302);
    const finalised = await row(w.lan._id);
    expect(finalised.status).to.equal('FINALISED');
    expect(finalised.totalScore).to.equal(finalised.maxScore / 2);
  });

  it('when the tallies are missing or stale, then the roster rebuilds them from the records and they match a recount', async () => {
    const head = await as(w.headA.username);
    const lan = await evaluationOf(w.lan._id);
    expect((await submitForm(head, `/evaluations/${String(lan._id)}`, `/evaluations/${String(lan._id)}/evaluate`, { version: '0', action: 'finalise', ...allRated('DONE') })).status).to.equal(302);

    // Gone altogether (the collection emptied): the next roster counts them again.
    await PeriodTallyModel.deleteMany({});
    const page = await admin.get(`/evaluations/periods/${periodId}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Quàng Thị Lan');
    await expectTalliesMatchRecount(periodId);

    // Stale (a write whose recount never ran): figures read through it are recounted first.
    const key = `${periodId}:${String(w.communeA._id)}`;
    await PeriodTallyModel.updateOne({ _id: key }, { $set: { token: 'interrupted', 'counts.total': 99 } });
    const roster = await rosterFor(await asActor(w.admin._id), periodId, { limit: 1 });
    expect(roster.units!.find((u) => u.unitName === 'Xã Thanh Nưa')!.total).to.equal(3);
    await expectTalliesMatchRecount(periodId);
  });

  it('when a period was written before the compact records had their shape, then opening its roster rewrites them once and it reads right', async () => {
    const head = await as(w.headA.username);
    const binh = await evaluationOf(w.binh._id);
    expect((await submitForm(head, `/evaluations/${String(binh._id)}`, `/evaluations/${String(binh._id)}/evaluate`, { version: '0', action: 'finalise', ...allRated('GOOD') })).status).to.equal(302);
    // As an older version left them: records without period, flags or shape; no tallies; the period unmarked.
    await EvaluationResultModel.collection.updateMany({}, { $unset: { periodId: '', selfSubmitted: '', evaluated: '', disagreement: '', shape: '' } });
    await PeriodTallyModel.deleteMany({});
    await PeriodModel.collection.updateOne({ _id: new Types.ObjectId(periodId) }, { $unset: { copies: '' } });

    // A head's roster needs the records only; the administrator's (the communes' tallies) the tallies too.
    const roster = await head.get(`/evaluations/periods/${periodId}`);
    expect(roster.text).to.contain('Lường Văn Bình');
    expect(roster.text).to.contain('Đã hoàn tất');
    expect((await PeriodModel.findById(periodId).lean())!.copies).to.equal(COPIES_RECORDS);
    const records = await EvaluationResultModel.find({ periodId: new Types.ObjectId(periodId) }).lean();
    expect(records).to.have.length(4);
    expect(records.every((r) => r.shape === RECORD_SHAPE)).to.equal(true);
    expect((await admin.get(`/evaluations/periods/${periodId}/completion`)).text).to.contain('1 (33,3%)');
    expect((await PeriodModel.findById(periodId).lean())!.copies).to.equal(COPIES_READY);
    await expectTalliesMatchRecount(periodId);
  });

  const statisticsTokenOf = async (unitId: Types.ObjectId) => (await TokenModel.findById(`${String(unitId)}:2026`).lean<{ token: string } | null>())?.token ?? null;

  it('when a draft is saved again, then only the evaluation is written (record, tally and statistics untouched, no mark); a status change then moves the tally in place and the statistics hear of finalising only', async () => {
    const lan = await as(w.lanUser.username);
    const ev = await evaluationOf(w.lan._id);
    const path = `/evaluations/${String(ev._id)}`;
    const draft = { action: 'draft', overallComment: '', 'ratings[X1][level]': 'GOOD' };
    expect((await submitForm(lan, path, `${path}/self`, { ...draft, version: '0' })).status).to.equal(302);
    const recordBefore = (await EvaluationResultModel.findById(ev._id).lean())!;
    const tallyBefore = (await PeriodTallyModel.findById(`${periodId}:${String(w.communeA._id)}`).lean<PeriodTally>())!;
    const statisticsBefore = await statisticsTokenOf(w.communeA._id);

    expect((await submitForm(lan, path, `${path}/self`, { ...draft, 'ratings[X2][level]': 'DONE', version: '1' })).status).to.equal(302);
    const saved = await evaluationOf(w.lan._id);
    expect(saved).to.include({ version: 2, copyPending: 0 });
    expect(saved.selfAssessment.ratings).to.have.length(2);
    // The record is the same copy (made from version 1, its content what version 2 gives); the tally and token untouched.
    expect(await EvaluationResultModel.findById(ev._id).lean()).to.deep.equal(recordBefore);
    expect((await PeriodTallyModel.findById(tallyBefore._id).lean<PeriodTally>())!.token).to.equal(tallyBefore.token);
    expect(await statisticsTokenOf(w.communeA._id)).to.equal(statisticsBefore);
    await expectTalliesMatchRecount(periodId);

    // Submitting changes the status: the record follows, the tally is changed in place (fresh, equal to a recount),
    // and the statistics (which count finalised evaluations only) are not told.
    expect((await submitForm(lan, path, `${path}/self`, { action: 'submit', overallComment: '', ...allRated('GOOD'), version: '2' })).status).to.equal(302);
    expect((await EvaluationResultModel.findById(ev._id).lean())!).to.include({ selfSubmitted: 1, version: 3 });
    const tallyAfter = (await PeriodTallyModel.findById(tallyBefore._id).lean<PeriodTally>())!;
    expect(tallyAfter.counts.selfSubmitted).to.equal(tallyBefore.counts.selfSubmitted + 1);
    expect(tallyAfter.counts.SELF_ASSESSED).to.equal(tallyBefore.counts.SELF_ASSESSED + 1);
    expect(await statisticsTokenOf(w.communeA._id)).to.equal(statisticsBefore);
    await expectTalliesMatchRecount(periodId);

    // Finalising is counted by the statistics: their token changes.
    const head = await as(w.headA.username);
    expect((await submitForm(head, path, `${path}/evaluate`, { action: 'finalise', overallComment: '', ...allRated('DONE'), version: '3' })).status).to.equal(302);
    expect(await statisticsTokenOf(w.communeA._id)).to.not.equal(statisticsBefore);
    expect((await PeriodTallyModel.findById(tallyBefore._id).lean<PeriodTally>())!.counts.finalised).to.equal(tallyBefore.counts.finalised + 1);
    await expectTalliesMatchRecount(periodId);
  });

  it('when a save was cut off between the evaluation write and its copies after drafts that left the record behind in version, then opening the evaluation repairs the record and the tally', async () => {
    const lan = await as(w.lanUser.username);
    const ev = await evaluationOf(w.lan._id);
    const path = `/evaluations/${String(ev._id)}`;
    const draft = { action: 'draft', overallComment: '', 'ratings[X1][level]': 'GOOD' };
    expect((await submitForm(lan, path, `${path}/self`, { ...draft, version: '0' })).status).to.equal(302);
    expect((await submitForm(lan, path, `${path}/self`, { ...draft, version: '1' })).status).to.equal(302);
    // Drafts leave the record's content as the period opening wrote it: it is still the copy of version 0.
    expect((await EvaluationResultModel.findById(ev._id).lean())!.version).to.equal(0);
    // The submission's evaluation write lands (marked), its copies do not.
    await EvaluationModel.updateOne({ _id: ev._id }, { $set: { selfSubmitted: 1, status: 'SELF_ASSESSED', 'selfAssessment.submittedAt': new Date(), copyPending: 1 }, $inc: { version: 1 } });
    expect((await EvaluationResultModel.findById(ev._id).lean())!.selfSubmitted).to.equal(0);

    expect((await lan.get(path)).status).to.equal(200);
    expect((await EvaluationResultModel.findById(ev._id).lean())!).to.include({ selfSubmitted: 1, version: 3 });
    expect((await EvaluationModel.findById(ev._id).lean())!.copyPending).to.equal(0);
    await expectTalliesMatchRecount(periodId);
  });

  it('when a draft save was cut off after the evaluation write, then its copies are still right and the next status change keeps the tally exact', async () => {
    const lan = await as(w.lanUser.username);
    const ev = await evaluationOf(w.lan._id);
    const path = `/evaluations/${String(ev._id)}`;
    // A draft saved again writes the evaluation alone: what a crash right after it leaves, written here directly.
    await EvaluationModel.updateOne({ _id: ev._id }, { $set: { 'selfAssessment.overallComment': 'Nháp', 'selfAssessment.savedAt': new Date() }, $inc: { version: 1 } });
    expect(await repairResultRecordsWhere({})).to.equal(0);
    expect((await submitForm(lan, path, `${path}/self`, { action: 'submit', overallComment: '', ...allRated('GOOD'), version: '1' })).status).to.equal(302);
    expect((await EvaluationResultModel.findById(ev._id).lean())!).to.include({ selfSubmitted: 1, version: 2 });
    await expectTalliesMatchRecount(periodId);
  });

  it('when a save was cut off between the evaluation and its copies, then the start-up repair finds it by its mark alone', async () => {
    const lan = await evaluationOf(w.lan._id);
    // The evaluation is written (finalised, marked), the record and the tally are not.
    const ratings = CODES.map((code) => ({ criterionCode: code, level: 'GOOD', score: 2, reason: '', bulk: false }));
    await EvaluationModel.updateOne(
      { _id: lan._id },
      {
        $set: {
          'headEvaluation.ratings': ratings,
          results: CODES.map((code) => ({ criterionCode: code, score: 2, good: 1, done: 0, breached: 0 })),
          evaluated: 1,
          finalised: 1,
          status: 'FINALISED',
          copyPending: 1,
        },
        $inc: { version: 1 },
      },
    );
    expect((await EvaluationResultModel.findById(lan._id).lean())!.finalised).to.equal(0);
    expect(await repairResultRecordsWhere({})).to.equal(1);
    expect(await EvaluationResultModel.findById(lan._id).lean()).to.include({ finalised: 1, version: 1, scores: '2'.repeat(13) });
    expect((await EvaluationModel.findById(lan._id).lean())!.copyPending).to.equal(0);
    await expectTalliesMatchRecount(periodId);
    // Nothing else is behind: a second run repairs nothing.
    expect(await repairResultRecordsWhere({})).to.equal(0);
  });

  it('when a head opens the roster, the form and saves, then every query on evaluations is by _id and no filter uses $in or $or', async () => {
    const queries: { collection: string; method: string; filter: unknown }[] = [];
    mongoose.set('debug', (collection: string, method: string, filter: unknown) => queries.push({ collection, method, filter }));
    try {
      const head = await asActor(w.headA._id);
      await rosterFor(head, periodId);
      const lan = await evaluationOf(w.lan._id);
      queries.length = 0;
      await rosterFor(head, periodId);
      await evaluationPage(head, String(lan._id));
      await saveHeadEvaluation(head, String(lan._id), { version: 0, ratings: Object.fromEntries(CODES.map((c) => [c, { level: 'GOOD' as const }])), overallComment: '', linkedReportIds: [], action: 'finalise' });
      await rosterFor(head, periodId);
      await myEvaluationsPage(await asActor(w.lanUser._id));
    } finally {
      mongoose.set('debug', false);
    }
    const ours = ['evaluations', 'evaluationresults', 'evaluationtallies', 'evaluationperiods', 'evaluationjobs'];
    const mine = queries.filter((q) => ours.includes(q.collection));
    expect(mine.length).to.be.greaterThan(5);
    const text = (f: unknown) => JSON.stringify(f ?? {});
    for (const q of mine) expect(text(q.filter), `${q.collection}.${q.method}`).to.not.match(/"\$(in|or|nin|regex|exists|elemMatch)"/);
    for (const q of mine.filter((x) => x.collection === 'evaluations')) expect(Object.keys((q.filter ?? {}) as object), `evaluations.${q.method} ${text(q.filter)}`).to.include('_id');
  });

  it('when the administrator picks a commune on a large roster, then only its people are listed; a head cannot pick another commune', async () => {
    const page = await admin.get(`/evaluations/periods/${periodId}?unit=${String(w.communeB._id)}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Vàng Thị Mai');
    expect(page.text).to.not.contain('Quàng Thị Lan');
    expect(page.text).to.contain('Đơn vị: Xã Mường Nhé');
    const head = await as(w.headA.username);
    expect((await head.get(`/evaluations/periods/${periodId}?unit=${String(w.communeB._id)}`)).status).to.equal(403);
    expect((await head.get(`/evaluations/periods/${periodId}?unit=${String(w.deskA._id)}`)).text).to.contain('Quàng Thị Lan');
  });
});

describe('evaluations: filling a period in the background, and lists by year', () => {
  let w: World;
  let admin: Agent;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    admin = agentFor(testApp());
    await login(admin, w.admin.username);
  });

  it('when a period is opened, then the page follows a job that shows its progress without JavaScript and ends on the roster with the count', async () => {
    const created = await submitForm(admin, '/evaluations/periods/new', '/evaluations/periods', { unitId: String(w.province._id), kind: 'monthly', year: '2026', number: '5', deadline: '10/06/2026' });
    const periodPath = created.headers.location as string;
    const opened = await submitForm(admin, periodPath, `${periodPath}/open`, {});
    expect(opened.status).to.equal(303);
    expect(opened.headers.location).to.match(/\/jobs\/[0-9a-f]{24}$/);
    expect((await PeriodModel.findById(periodPath.split('/').pop()).lean())!.status).to.equal('OPEN');
    await idle();
    const done = await admin.get(opened.headers.location as string);
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal(periodPath);
    const roster = await admin.get(periodPath);
    expect(roster.text).to.contain('Đã mở kỳ đánh giá và tạo 4 phiếu.');
    expect(roster.text).to.contain('Vàng Thị Mai');
  });

  it('when a job is still running or was cut off by a restart, then its page refreshes itself, the roster says so, and a lost job says how to finish', async () => {
    const periodId = await openPeriodVia(admin, { unitId: String(w.province._id) });
    const running = await PeriodJobModel.create({ periodId, kind: 'sync', status: 'RUNNING', actorId: w.admin._id, total: 3000, done: 1250, heartbeatAt: new Date() });
    const page = await admin.get(`/evaluations/periods/${periodId}/jobs/${String(running._id)}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<meta http-equiv="refresh" content="2">');
    expect(page.text).to.contain('<progress max="100" value="41"');
    expect(page.text).to.contain('Đã tạo 1250/3000 phiếu');
    expect((await admin.get(`/evaluations/periods/${periodId}`)).text).to.contain('Đang tạo phiếu đánh giá: 1250/3000.');

    await PeriodJobModel.updateOne({ _id: running._id }, { $set: { heartbeatAt: new Date(Date.now() - 10 * 60_000) } });
    const lost = await admin.get(`/evaluations/periods/${periodId}/jobs/${String(running._id)}`);
    expect(lost.text).to.contain('bị gián đoạn');
    expect(lost.text).to.not.contain('http-equiv="refresh"');
    expect((await admin.get(`/evaluations/periods/${periodId}`)).text).to.not.contain('Đang tạo phiếu đánh giá');
    const head = agentFor(testApp());
    await login(head, w.headB.username);
    expect((await head.get(`/evaluations/periods/${periodId}/jobs/${String(running._id)}`)).status).to.equal(403);
  });

  it('when periods span years, then the list shows one year and the periods still open from others; a person sees this year and the last', async () => {
    const openQ1 = await openPeriodVia(admin, { unitId: String(w.province._id) });
    const old = await openPeriodVia(admin, { unitId: String(w.province._id), kind: 'monthly', year: '2024', number: '3', deadline: '10/04/2024' });
    await submitForm(admin, `/evaluations/periods/${old}`, `/evaluations/periods/${old}/close`, {});
    const stillOpen = await openPeriodVia(admin, { unitId: String(w.communeA._id), kind: 'yearly', year: '2023', deadline: '20/01/2024' });
    const list = await admin.get('/evaluations/periods');
    expect(list.text).to.contain(`/evaluations/periods/${stillOpen}"`);
    expect(list.text).to.not.contain(`/evaluations/periods/${old}"`);
    expect((await admin.get('/evaluations/periods?year=2026')).text).to.contain(`/evaluations/periods/${openQ1}"`);
    const of2024 = await admin.get('/evaluations/periods?year=2024');
    expect(of2024.text).to.contain(`/evaluations/periods/${old}"`);
    expect((await admin.get('/evaluations/periods?year=abc')).status).to.equal(404);

    const lan = agentFor(testApp());
    await login(lan, w.lanUser.username);
    const mine2024 = await lan.get('/evaluations?year=2024');
    expect(mine2024.text).to.contain('2024-03');
    expect(mine2024.text).to.not.contain('2026-Q1');
    // This year and the last; when those have none, the latest year with any evaluation (Lan has 2026 and 2024).
    const lanActor = await asActor(w.lanUser._id);
    const in2026 = await myEvaluationsPage(lanActor, undefined, new Date(Date.UTC(2026, 5, 1)));
    expect(in2026.years).to.deep.equal([2026, 2025]);
    expect(in2026.rows.map((r) => r.periodKey)).to.deep.equal(['2026-Q1']);
    const in2030 = await myEvaluationsPage(lanActor, undefined, new Date(Date.UTC(2030, 5, 1)));
    expect(in2030.years).to.deep.equal([2026]);
    expect(in2030.rows.map((r) => r.periodKey)).to.deep.equal(['2026-Q1']);
  });
});

export type { Period };
