import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import * as statistics from '../../src/statistics/index.js';
import { vietnamYear } from '../../src/shared/dates.js';
import { asActor, fileAbout, makeWorld, settings, type World } from './world.js';
import { transition } from '../../src/incidents/handling.js';
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

  it('when a head undoes a duplicate mark, then the case is back in its previous state with its deadline, unlinked both ways, counted again and audited; a stale form gets 409', async () => {
    const original = await fileAbout(w, {});
    const dup = await fileAbout(w, {});
    await transition(await asActor(w.headA._id), String(dup.report._id), { to: 'UNDER_REVIEW', note: 'Bắt đầu xác minh.' }, settings);
    const before = (await IncidentReportModel.findById(dup.report._id).lean())!;
    const head = await as(w.headA.username);
    expect((await markDuplicate(head, String(dup.report._id), original.report.caseNumber)).status).to.equal(302);
    const countedStatuses = async () => {
      const figures = (await statistics.figuresUnder(w.province, vietnamYear())).find((u) => u.unitName === w.communeA.name)!.figures;
      return Object.values(figures.reports).flatMap((byStatus) => Object.entries(byStatus)).sort();
    };
    expect(await countedStatuses()).to.deep.equal([['RECEIVED', 1]]);

    // A form read before someone else changed the case is refused, and nothing changes.
    const page = await head.get(`/reports/${dup.report._id}`);
    expect(page.text).to.contain('data-unmark-duplicate').and.to.contain('Bỏ đánh dấu trùng');
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const marked = (await IncidentReportModel.findById(dup.report._id).lean())!;
    const stale = await head.post(`/reports/${dup.report._id}/duplicate/undo`).type('form').send({ _csrf, version: String(marked.version - 1) });
    expect(stale.status).to.equal(409);
    expect((await IncidentReportModel.findById(dup.report._id).lean())!.status).to.equal('CLOSED');

    const res = await head.post(`/reports/${dup.report._id}/duplicate/undo`).type('form').send({ _csrf, version: String(marked.version) });
    expect(res.status).to.equal(302);
    const restored = (await IncidentReportModel.findById(dup.report._id).lean())!;
    expect(restored.status).to.equal('UNDER_REVIEW');
    expect(restored.closedAt).to.equal(null);
    expect(restored.dueAt?.getTime()).to.equal(before.dueAt?.getTime());
    expect(restored.stageStartedAt.getTime()).to.equal(before.stageStartedAt.getTime());
    expect(restored.duplicateOf?.caseId ?? null).to.equal(null);
    expect(restored.history.at(-1)).to.include({ from: 'CLOSED', to: 'UNDER_REVIEW' });
    expect((await IncidentReportModel.findById(original.report._id).lean())!.duplicates).to.deep.equal([]);
    expect(await countedStatuses()).to.deep.equal([['RECEIVED', 1], ['UNDER_REVIEW', 1]]);

    const undoAudits = await AuditEntryModel.find({ action: 'update', objectId: { $in: [dup.report._id, original.report._id] } }).sort({ at: 1 }).lean();
    expect(undoAudits).to.have.length(4);
    const undone = undoAudits.find((a) => String(a.objectId) === String(dup.report._id) && a.changes.some((c) => c.field === 'status' && c.after === 'UNDER_REVIEW'));
    expect(undone, 'the undo of the duplicate is audited').to.not.equal(undefined);

    // The page offers marking again; the reporter no longer reads that the report was joined.
    expect((await head.get(`/reports/${dup.report._id}`)).text).to.contain('data-duplicate-form').and.not.to.contain('data-unmark-duplicate');
    const reporter = await openedByCode(testApp(), dup.trackingCode);
    expect((await reporter.get('/tra-cuu/ho-so')).text).not.to.contain('data-joined-case');
    // Undoing again: nothing to undo.
    const again = await head.post(`/reports/${dup.report._id}/duplicate/undo`).type('form').send({ _csrf: await csrfFrom(head, `/reports/${dup.report._id}`) });
    expect(again.status).to.equal(409);
  });

  it('when the head of another commune tries to undo a duplicate mark, then 403 and the case stays closed', async () => {
    const original = await fileAbout(w, {});
    const dup = await fileAbout(w, {});
    const head = await as(w.headA.username);
    expect((await markDuplicate(head, String(dup.report._id), original.report.caseNumber)).status).to.equal(302);
    const headB = await as(w.headB.username);
    const _csrf = await csrfFrom(headB, '/reports');
    expect((await headB.post(`/reports/${dup.report._id}/duplicate/undo`).type('form').send({ _csrf })).status).to.equal(403);
    expect((await IncidentReportModel.findById(dup.report._id).lean())!.status).to.equal('CLOSED');
  });
});
