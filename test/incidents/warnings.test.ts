import { createPeriod, openPeriod } from '../../src/evaluations/periods.js';
import { saveHeadEvaluation, saveSelfAssessment } from '../../src/evaluations/service.js';
import { EvaluationModel } from '../../src/evaluations/model.js';
import { CODES } from '../evaluations/world.js';
import { expect } from 'chai';
import type { Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, testApp } from '../helpers/app.js';
import { IncidentReportModel, RetaliationFlagModel, breachKeysOf } from '../../src/incidents/model.js';
import { checkRetaliation, earlyWarnings, reportGroups } from '../../src/incidents/warnings.js';
import { asActor, fileAbout, makeWorld, settings, type World } from './world.js';

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

/** A report marked substantiated on some criteria, its incident n days ago. */
async function substantiated(w: World, fields: { staffId?: Types.ObjectId; deskId?: Types.ObjectId; codes: string[]; daysAgo: number }) {
  const { report } = await fileAbout(w, { staffId: fields.staffId ? String(fields.staffId) : undefined, deskId: fields.deskId ? String(fields.deskId) : undefined, criterionCodes: fields.codes });
  await IncidentReportModel.updateOne(
    { _id: report._id },
    { $set: { status: 'SUBSTANTIATED', substantiated: true, substantiatedFlag: 1, confirmedCriterionCodes: fields.codes, breachKeys: breachKeysOf(fields.staffId, fields.deskId, fields.codes), occurredAt: daysAgo(fields.daysAgo) } },
  );
  return report;
}

describe('early warning, grouping and the retaliation watch', () => {
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when someone has repeated substantiated reports on one criterion within the window, then they and their desk are flagged; older ones do not count', async () => {
    expect(settings.EARLY_WARNING_THRESHOLD).to.equal(2);
    await substantiated(w, { staffId: w.lan._id, deskId: w.deskA._id, codes: ['K1', 'X1'], daysAgo: 10 });
    await substantiated(w, { staffId: w.lan._id, deskId: w.deskA._id, codes: ['K1'], daysAgo: 40 });
    await substantiated(w, { staffId: w.binh._id, codes: ['L3'], daysAgo: 5 });
    await substantiated(w, { staffId: w.binh._id, codes: ['L3'], daysAgo: settings.EARLY_WARNING_WINDOW_DAYS + 5 });

    const head = await asActor(w.headA._id);
    const warnings = await earlyWarnings(head, settings);
    expect(warnings.map((x) => [x.kind, x.name, x.criterionCode, x.count])).to.deep.equal([
      ['DESK', 'Bộ phận tiếp nhận và trả kết quả', 'K1', 2],
      ['STAFF', 'Quàng Thị Lan', 'K1', 2],
    ]);
    expect(await earlyWarnings(await asActor(w.headB._id), settings)).to.deep.equal([]);
    const admin = await asActor(w.admin._id);
    expect((await earlyWarnings(admin, settings)).length).to.equal(2);

    const agent = agentFor(testApp());
    await login(agent, w.headA.username);
    expect((await agent.get('/reports')).text).to.contain('Quàng Thị Lan: 2 phản ánh có cơ sở về tiêu chí K1');
  });

  it('when several open reports concern the same person, then they are grouped with the number of different reporters', async () => {
    const nam = await asActor(w.namUser._id);
    await fileAbout(w, { staffId: String(w.lan._id) }, { reporter: { source: 'PEER', actor: nam, kind: 'PHAN_ANH', anonymous: false } });
    await fileAbout(w, { staffId: String(w.lan._id) }, { reporter: { source: 'PEER', actor: nam, kind: 'PHAN_ANH', anonymous: false } });
    await fileAbout(w, { staffId: String(w.lan._id) });
    await fileAbout(w, { staffId: String(w.binh._id) });
    const groups = await reportGroups(await asActor(w.headA._id));
    expect(groups.map((g) => [g.staffName, g.reports.length, g.reporterCount])).to.deep.equal([['Quàng Thị Lan', 3, 2]]);
    // A case filed after that read is seen by the next one (the groups are remembered only while the counts stay).
    await fileAbout(w, { staffId: String(w.binh._id) });
    const after = await reportGroups(await asActor(w.headA._id));
    expect(after.map((g) => [g.staffName, g.reports.length, g.reporterCount])).to.deep.equal([['Lường Văn Bình', 2, 2], ['Quàng Thị Lan', 3, 2]]);
  });

  it('when a head lowers the evaluation of a colleague who reported them, then the province is flagged; raising it or another head does not', async () => {
    const nam = await asActor(w.namUser._id);
    await fileAbout(w, { staffId: String(w.chairA._id) }, { reporter: { source: 'PEER', actor: nam, kind: 'PHAN_ANH', anonymous: false } });

    expect(await checkRetaliation({ staffId: w.nam._id, evaluatorUserId: w.headA._id, scoreBefore: 20, scoreAfter: 24, periodKey: '2026-03' })).to.equal(null);
    expect(await checkRetaliation({ staffId: w.nam._id, evaluatorUserId: w.headB._id, scoreBefore: 24, scoreAfter: 18, periodKey: '2026-03' })).to.equal(null);
    expect(await checkRetaliation({ staffId: w.binh._id, evaluatorUserId: w.headA._id, scoreBefore: 24, scoreAfter: 18, periodKey: '2026-03' })).to.equal(null);
    const flag = await checkRetaliation({ staffId: w.nam._id, evaluatorUserId: w.headA._id, scoreBefore: 24, scoreAfter: 18, periodKey: '2026-03' });
    expect(flag).not.to.equal(null);
    expect(flag!.evaluatorName).to.equal('Lò Văn Phích');
    expect(flag!.staffName).to.equal('Trần Văn Nam');
    expect(await RetaliationFlagModel.countDocuments()).to.equal(1);

    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    expect((await admin.get('/reports')).text).to.contain('Lò Văn Phích hạ điểm đánh giá của Trần Văn Nam (24 → 18, kỳ 2026-03)');
    const head = agentFor(testApp());
    await login(head, w.headA.username);
    expect((await head.get('/reports')).text).not.to.contain('hạ điểm đánh giá');
  });
  it('when a head finalises below the self-assessment of a colleague who reported them, then the province is flagged by the evaluation itself', async () => {
    const nam = await asActor(w.namUser._id);
    await fileAbout(w, { staffId: String(w.chairA._id) }, { reporter: { source: 'PEER', actor: nam, kind: 'PHAN_ANH', anonymous: false } });
    const admin = await asActor(w.admin._id);
    const period = await createPeriod(admin, { unitId: String(w.communeA._id), kind: 'monthly', year: 2026, number: 3, deadline: new Date(Date.UTC(2026, 3, 10)) });
    await openPeriod(admin, String(period._id), new Date(Date.UTC(2026, 2, 1)));
    const evaluation = (await EvaluationModel.findOne({ staffId: w.nam._id }).lean())!;
    const allGood = Object.fromEntries(CODES.map((code) => [code, { level: 'GOOD' as const }]));
    await saveSelfAssessment(nam, String(evaluation._id), { version: evaluation.version, ratings: allGood, overallComment: '', submit: true });
    const head = await asActor(w.headA._id);
    await saveHeadEvaluation(head, String(evaluation._id), {
      version: evaluation.version + 1,
      ratings: { ...allGood, K1: { level: 'NOT_DONE', reason: 'Thái độ chưa đúng mực' } },
      overallComment: '',
      linkedReportIds: [],
      action: 'finalise',
    });
    const flag = (await RetaliationFlagModel.findOne({}).lean())!;
    expect(flag).to.deep.include({ staffName: 'Trần Văn Nam', evaluatorName: 'Lò Văn Phích', scoreBefore: 26, scoreAfter: 24, periodKey: '2026-03' });
  });
});
