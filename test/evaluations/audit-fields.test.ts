import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, testApp } from '../helpers/app.js';
import { vietnamDay, vietnamMonth } from '../../src/shared/dates.js';
import { createPeriod, openPeriod, saveSelfAssessment } from '../../src/evaluations/service.js';
import { asActor, CODES, evaluationOf, makeWorld } from './world.js';

describe('evaluations in the audit log', () => {
  it('when a self-assessment is saved, then the log shows each changed criterion, its comment, the overall comment and the status in the words of the evaluation pages, not the stored form', async function () {
    this.timeout(60_000);
    await clearDatabase();
    const w = await makeWorld();
    const admin = await asActor(w.admin._id);
    const { year, month } = vietnamMonth(new Date());
    const deadline = new Date(vietnamDay().getTime() + 10 * 86_400_000);
    const period = await createPeriod(admin, { unitId: String(w.province._id), kind: 'monthly', year, number: month, deadline });
    await openPeriod(admin, String(period._id));
    const ev = await evaluationOf(w.lan._id);

    const lan = await asActor(w.lanUser._id);
    const ratings = Object.fromEntries(CODES.map((code) => [code, { level: code === 'X1' ? ('DONE' as const) : ('GOOD' as const), ...(code === 'X2' ? { comment: 'MUC-COMMENT' } : {}) }]));
    await saveSelfAssessment(lan, String(ev._id), { version: ev.version, ratings, overallComment: 'MUC-OVERALL', submit: true });

    const head = agentFor(testApp());
    await login(head, w.headA.username);
    const page = await head.get(`/audit/evaluation/${String(ev._id)}`);
    expect(page.status).to.equal(200);
    const text = page.text;
    expect(text).to.contain('<th scope="row">Tiêu chí X1</th>').and.contain('<ins>Thực hiện</ins>');
    expect(text).to.contain('<th scope="row">Tiêu chí X2</th>').and.contain('<ins>Thực hiện tốt</ins>');
    expect(text).to.contain('<th scope="row">Nhận xét X2</th>').and.contain('<ins>MUC-COMMENT</ins>');
    expect(text).to.contain('<th scope="row">Nhận xét chung</th>').and.contain('<ins>MUC-OVERALL</ins>');
    expect(text).to.contain('<th scope="row">Trạng thái</th>').and.contain('<del>Chưa tự đánh giá</del>').and.contain('<ins>Đã tự đánh giá</ins>');
    expect(text).not.to.contain('criterionCode').and.not.to.contain('selfAssessment');
  });
});
