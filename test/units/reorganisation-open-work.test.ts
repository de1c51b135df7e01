import { expect } from 'chai';
import { AuditEntryModel } from '../../src/audit/model.js';
import { EvaluationModel, PeriodModel } from '../../src/evaluations/model.js';
import { EvaluationResultModel } from '../../src/evaluations/results-store.js';
import { createPeriod, openPeriod } from '../../src/evaluations/periods.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import * as units from '../../src/units/service.js';
import { vietnamDay, vietnamYear } from '../../src/shared/dates.js';
import { agentFor, login, testApp } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { openedByCode } from '../incidents/reporter.js';
import { asActor, fileAbout, makeWorld, type World } from '../incidents/world.js';

/**
 * Issue 13 item 5: when a merger (or a closure with a successor) is carried out, the open work of the ended unit goes
 * to the successor — its open evaluation period and the evaluations not yet finalised, and the open cases it handles —
 * so that the successor's heads finish them; history stays where it was made.
 */
describe('open work at a merger', function () {
  this.timeout(180_000);
  let w: World;

  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  async function openYearInA() {
    const admin = await asActor(w.admin._id);
    const year = vietnamYear();
    const period = await createPeriod(admin, { unitId: String(w.communeA._id), kind: 'yearly', year, number: 1, deadline: new Date(Date.UTC(year, 11, 31)) });
    await openPeriod(admin, String(period._id));
    return period;
  }

  const mergeAIntoB = async () => units.mergeUnits(await asActor(w.admin._id), { sourceIds: [w.communeA._id], target: { unitId: w.communeB._id }, effectiveDate: vietnamDay() });

  it('when a commune merges into another today, then its open period and the evaluations not yet finalised go to the successor, finalised ones stay, audited as the system’s', async () => {
    const period = await openYearInA();
    // One evaluation was finalised before the merger: it is history of the old commune.
    await EvaluationModel.updateOne({ periodId: period._id, staffId: w.chairA._id }, { $set: { finalised: 1, status: 'FINALISED' } });

    await mergeAIntoB();

    const moved = (await PeriodModel.findById(period._id).lean())!;
    expect([String(moved.unitId), moved.unitPath.map(String), moved.unitName, moved.status]).to.deep.equal([String(w.communeB._id), w.communeB.path.map(String), w.communeB.name, 'OPEN']);
    const binh = (await EvaluationModel.findOne({ periodId: period._id, staffId: w.binh._id }).lean())!;
    expect([String(binh.unitId), String(binh.reportingUnitId)]).to.deep.equal([String(w.communeB._id), String(w.communeB._id)]);
    // The desk moved whole under the successor: its people's evaluations stay on the desk, on its new path.
    const lan = (await EvaluationModel.findOne({ periodId: period._id, staffId: w.lan._id }).lean())!;
    expect([String(lan.unitId), lan.unitPath.map(String).includes(String(w.communeB._id)), String(lan.reportingUnitId)]).to.deep.equal([String(w.deskA._id), true, String(w.communeB._id)]);
    const chair = (await EvaluationModel.findOne({ periodId: period._id, staffId: w.chairA._id }).lean())!;
    expect(String(chair.reportingUnitId)).to.equal(String(w.communeA._id));
    // The compact copy the pages count from follows.
    expect(String((await EvaluationResultModel.findById(binh._id).lean())!.reportingUnitId)).to.equal(String(w.communeB._id));
    const audits = await AuditEntryModel.find({ action: 'transfer', objectType: { $in: ['period', 'evaluation'] } }).lean();
    expect(audits.map((a) => String(a.objectId))).to.include(String(period._id)).and.include(String(binh._id)).and.not.include(String(chair._id));
    expect(audits.every((a) => a.actorId === null)).to.equal(true);

    // The successor's head opens the period and a moved evaluation.
    const headB = agentFor(testApp());
    await login(headB, w.headB.username);
    expect((await headB.get(`/evaluations/periods/${period._id}`)).status).to.equal(200);
  });

  it('when a commune merges into another today, then the open cases it handles go to the successor with their deadlines, the tracking code still opens them, and settled cases stay', async () => {
    const open = await fileAbout(w, {});
    const settled = await fileAbout(w, { description: 'Một phản ánh đã giải quyết xong từ trước.' });
    await IncidentReportModel.updateOne({ _id: settled.report._id }, { $set: { status: 'CLOSED', dueAt: null } });
    const before = (await IncidentReportModel.findById(open.report._id).lean())!;

    await mergeAIntoB();

    const after = (await IncidentReportModel.findById(open.report._id).lean())!;
    expect([String(after.handlerUnitId), after.handlerUnitPath.map(String)]).to.deep.equal([String(w.communeB._id), w.communeB.path.map(String)]);
    expect([after.dueAt?.getTime(), after.status, after.caseNumber, after.trackingHash]).to.deep.equal([before.dueAt?.getTime(), before.status, before.caseNumber, before.trackingHash]);
    expect(String((await IncidentReportModel.findById(settled.report._id).lean())!.handlerUnitId)).to.equal(String(w.communeA._id));
    const audit = await AuditEntryModel.findOne({ objectType: 'report', objectId: open.report._id, action: 'transfer' }).lean();
    expect(audit, 'transfer audited').to.not.equal(null);
    expect(audit!.actorId).to.equal(null);

    const app = testApp();
    const headB = agentFor(app);
    await login(headB, w.headB.username);
    expect((await headB.get(`/reports/${open.report._id}`)).status).to.equal(200);
    // The successor's head also reads the predecessor's settled case (its records are the successor's now).
    expect((await headB.get(`/reports/${settled.report._id}`)).status).to.equal(200);
    const reporter = await openedByCode(app, open.trackingCode);
    expect((await reporter.get('/tra-cuu/ho-so')).status).to.equal(200);
  });

  it('when the successor already has a period for the same time, then the ended commune’s period is carried on where it is and the successor’s head finds it in the list and can manage it', async () => {
    const period = await openYearInA();
    const admin = await asActor(w.admin._id);
    const year = vietnamYear();
    await createPeriod(admin, { unitId: String(w.communeB._id), kind: 'yearly', year, number: 1, deadline: new Date(Date.UTC(year, 11, 31)) });

    await mergeAIntoB();

    expect(String((await PeriodModel.findById(period._id).lean())!.unitId)).to.equal(String(w.communeA._id));
    const headB = agentFor(testApp());
    await login(headB, w.headB.username);
    expect((await headB.get(`/evaluations/periods/${period._id}`)).status).to.equal(200);
    expect((await headB.get('/evaluations/periods')).text, 'listed among the successor head’s periods').to.contain(`/evaluations/periods/${period._id}`);
  });
});
