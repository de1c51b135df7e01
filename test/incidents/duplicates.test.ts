import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import * as statistics from '../../src/statistics/index.js';
import { vietnamYear } from '../../src/shared/dates.js';
import { fileAbout, makeWorld, type World } from './world.js';
import { openedByCode } from './reporter.js';

async function as(username: string): Promise<Agent> {
  const agent = agentFor(testApp());
  await login(agent, username);
  return agent;
}

async function markDuplicate(agent: Agent, id: string, caseNumber: string) {
  const _csrf = await csrfFrom(agent, `/reports/${id}`);
  return agent.post(`/reports/${id}/duplicate`).type('form').send({ _csrf, caseNumber });
}

describe('duplicate reports', function () {
  this.timeout(90_000);
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when a head marks a report as a duplicate of another of their unit, then it is closed, linked both ways, audited, counted once, and its reporter reads only that it was joined', async () => {
    const original = await fileAbout(w, { staffId: String(w.lan._id), description: 'Chị Lan quát bà Lò Thị Hoa ở bộ phận một cửa.' }, { reporter: { source: 'CITIZEN', anonymous: false, name: 'Lò Thị Hoa', phone: '0912000111' } });
    const dup = await fileAbout(w, { staffId: String(w.lan._id), description: 'Cán bộ một cửa quát người dân sáng thứ Hai.' });
    const head = await as(w.headA.username);
    const res = await markDuplicate(head, String(dup.report._id), original.report.caseNumber.toLowerCase());
    expect(res.status).to.equal(302);

    const closed = (await IncidentReportModel.findById(dup.report._id).lean())!;
    expect(closed.status).to.equal('CLOSED');
    expect(closed.closedAt).to.be.instanceOf(Date);
    expect(String(closed.duplicateOf?.caseId)).to.equal(String(original.report._id));
    const kept = (await IncidentReportModel.findById(original.report._id).lean())!;
    expect(kept.status).to.equal('RECEIVED');
    expect(kept.duplicates.map((d) => d.caseNumber)).to.deep.equal([dup.report.caseNumber]);

    const dupPage = await head.get(`/reports/${dup.report._id}`);
    expect(dupPage.text).to.contain('data-duplicate-of').and.to.contain(original.report.caseNumber);
    const keptPage = await head.get(`/reports/${original.report._id}`);
    expect(keptPage.text).to.contain('data-duplicates').and.to.contain(dup.report.caseNumber);

    const audits = await AuditEntryModel.find({ action: 'update', objectId: { $in: [dup.report._id, original.report._id] } }).lean();
    expect(audits).to.have.length(2);
    expect(audits.every((a) => String(a.actorId) === String(w.headA._id))).to.equal(true);

    const figures = (await statistics.figuresUnder(w.province, vietnamYear())).find((u) => u.unitName === w.communeA.name)!.figures;
    const counted = Object.values(figures.reports).flatMap((byStatus) => Object.entries(byStatus));
    expect(counted).to.deep.equal([['RECEIVED', 1]], 'the duplicate is not counted');

    const reporter = await openedByCode(testApp(), dup.trackingCode);
    const page = await reporter.get('/tra-cuu/ho-so');
    expect(page.text).to.contain('data-joined-case').and.to.contain('đã được gộp vào phản ánh đó');
    for (const other of [original.report.caseNumber, 'Lò Thị Hoa', '0912000111', 'Chị Lan quát']) expect(page.text, other).not.to.contain(other);
    const keptReporter = await openedByCode(testApp(), original.trackingCode);
    expect((await keptReporter.get('/tra-cuu/ho-so')).text).not.to.contain('data-joined-case');
  });

  it('when the number is unknown, of another unit, the case itself or itself a duplicate, then 422 with the value kept and nothing changes', async () => {
    const a = await fileAbout(w, {});
    const b = await fileAbout(w, {});
    const other = await fileAbout(w, { unitId: String(w.communeB._id), criterionCodes: ['X1'] });
    const head = await as(w.headA.username);
    for (const [number, message] of [
      ['PA-2000-XXXXXX', 'Không tìm thấy phản ánh số này'],
      [other.report.caseNumber, 'Không tìm thấy phản ánh số này'],
      [a.report.caseNumber, 'trùng với chính nó'],
    ] as const) {
      const res = await markDuplicate(head, String(a.report._id), number);
      expect(res.status, number).to.equal(422);
      expect(res.text).to.contain(message).and.to.contain(`value="${number}"`);
    }
    expect((await markDuplicate(head, String(b.report._id), a.report.caseNumber)).status).to.equal(302);
    const chained = await markDuplicate(head, String(a.report._id), b.report.caseNumber);
    expect(chained.status).to.equal(422);
    expect(chained.text).to.contain('đã là phản ánh trùng');
    expect((await IncidentReportModel.findById(a.report._id).lean())!.status).to.equal('RECEIVED');
    // The other commune's head may not touch the case at all.
    const headB = await as(w.headB.username);
    const _csrf = await csrfFrom(headB, '/reports');
    expect((await headB.post(`/reports/${a.report._id}/duplicate`).type('form').send({ _csrf, caseNumber: b.report.caseNumber })).status).to.equal(403);
  });
});
