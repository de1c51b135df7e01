import { expect } from 'chai';
import { UnitModel, type Unit } from '../../src/units/model.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import * as statistics from '../../src/statistics/index.js';
import { agentFor, login, testApp } from '../helpers/app.js';
import { loadDemo } from '../helpers/demo.js';
import { clearDatabase } from '../helpers/db.js';
import { makeProvince, makeStaff, makeUnit, makeUser } from '../helpers/factories.js';
import * as units from '../../src/units/service.js';
import { vietnamDay, vietnamYear } from '../../src/shared/dates.js';
import { readWorkbook, rows, workbookBuffer } from '../exports/read.js';
import { buildReport } from '../../src/compliance-report/service.js';
import { reportForm } from '../../src/compliance-report/schemas.js';
import { UserModel } from '../../src/auth/model.js';
import { actorOf } from '../../src/auth/service.js';
import { readDocx } from '../letters/docx.js';

const DEMO_PASSWORD = 'CongBoc@2026';
const REFORM = new Date(Date.UTC(2025, 6, 1));
const reportsOf = (f: statistics.UnitYearFigures) => statistics.totalsOf(f).reports;

/**
 * Issue 12 item 4, on the demo's 2025 reform (four communes merged into Xã Thanh Nưa on 1/7/2025, three into the new
 * Xã Mường Nhé): the merger year's records of a pre-reform commune roll up to its successor, labelled as such, the
 * successor's head reads them, and no two rows carry the same name.
 */
describe('the merger year', function () {
  this.timeout(240_000);
  let province: Unit;
  let thanhNua: Unit;
  let thanhLuong: Unit;

  before(async () => {
    await loadDemo();
    province = (await UnitModel.findOne({ code: 'DB' }).lean<Unit>())!;
    thanhNua = (await UnitModel.findOne({ code: 'DB-THANHNUA' }).lean<Unit>())!;
    thanhLuong = (await UnitModel.findOne({ code: 'DB-DB-THANHLUONG' }).lean<Unit>())!;
  });

  it('when the successor’s figures of 2025 are read, then they include its predecessors’ records and name them', async () => {
    const [row] = (await statistics.figuresUnder(thanhNua, 2025)).filter((r) => r.unitId === String(thanhNua._id));
    expect(row!.includes!.map((i) => i.unitName).sort()).to.deep.equal(['Xã Hua Thanh', 'Xã Thanh Chăn', 'Xã Thanh Hưng', 'Xã Thanh Luông']);
    let predecessors = 0;
    for (const code of ['DB-DB-THANHLUONG', 'DB-DB-HUATHANH', 'DB-DB-THANHHUNG', 'DB-DB-THANHCHAN']) {
      const p = (await UnitModel.findOne({ code }).lean<Unit>())!;
      predecessors += reportsOf(statistics.sumFigures((await statistics.figuresUnder(p, 2025)).map((r) => r.figures)));
    }
    expect(predecessors, 'the Thanh Luông case at least').to.be.at.least(1);
    const own = await IncidentReportModel.countDocuments({ reportingUnitId: thanhNua._id, receivedYear: 2025 });
    expect(reportsOf(row!.figures)).to.equal(own + predecessors);
  });

  it('when the province’s years are read, then 2025 has one row per commune existing at the year’s end and 2024 the pre-reform ones, no name twice', async () => {
    const y2025 = await statistics.figuresUnder(province, 2025);
    const names2025 = y2025.map((r) => r.unitName);
    expect(new Set(names2025).size).to.equal(names2025.length);
    expect(names2025).to.not.include('Xã Thanh Luông');
    const muongNhe = y2025.find((r) => r.unitName === 'Xã Mường Nhé')!;
    expect(muongNhe.includes!.map((i) => i.unitName)).to.have.members(['Xã Mường Nhé', 'Xã Nậm Vì', 'Xã Chung Chải']);
    const y2024 = (await statistics.figuresUnder(province, 2024)).map((r) => r.unitName);
    expect(new Set(y2024).size).to.equal(y2024.length);
    expect(y2024).to.include('Xã Thanh Luông');
    const all = statistics.sumFigures(y2025.map((r) => r.figures));
    expect(reportsOf(all)).to.equal(await IncidentReportModel.countDocuments({ receivedYear: 2025 }));
  });

  it('when Thanh Nưa’s head opens the Thanh Luông apology case, then it is shown; another commune’s head still gets 403', async () => {
    const c = (await IncidentReportModel.findOne({ reportingUnitId: thanhLuong._id, dossierNumber: { $ne: '' } }).lean())!;
    const app = testApp();
    const head = agentFor(app);
    await login(head, 'truongxa', DEMO_PASSWORD);
    const page = await head.get(`/reports/${c._id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(c.caseNumber);
    const other = agentFor(app);
    await login(other, 'truongxa2', DEMO_PASSWORD);
    expect((await other.get(`/reports/${c._id}`)).status).to.equal(403);
  });

  it('when Thanh Nưa’s head opens the 2025 dashboard, then it says whose records it includes', async () => {
    const head = agentFor(testApp());
    await login(head, 'truongxa', DEMO_PASSWORD);
    const page = await head.get(`/dashboard?unit=${thanhNua._id}&year=2025`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Gồm số liệu của xã Hua Thanh, xã Thanh Chăn, xã Thanh Hưng, xã Thanh Luông (trước sáp nhập).');
  });

  it('when the province workbook of 2025 is built, then each commune is one row, the successors labelled with their predecessors, and no two rows read the same', async () => {
    const wb = readWorkbook(await workbookBuffer('PROVINCE', province, 2025));
    const labels = rows(wb, 'Tổng hợp')
      .map((r) => r[1])
      .filter((v): v is string => typeof v === 'string' && /^(Xã|Phường|Thị trấn) /u.test(v));
    expect(new Set(labels).size).to.equal(labels.length);
    expect(labels).to.include('Xã Thanh Nưa (gồm số liệu của xã Hua Thanh, xã Thanh Chăn, xã Thanh Hưng, xã Thanh Luông trước sáp nhập)');
    expect(labels.filter((l) => l.startsWith('Xã Mường Nhé'))).to.have.length(1);
    expect(labels).to.not.include('Xã Thanh Luông');
  });

  it('when Thanh Nưa’s own workbook of 2025 is built, then it says whose records it includes and lists the Thanh Luông case', async () => {
    const wb = readWorkbook(await workbookBuffer('COMMUNE', thanhNua, 2025));
    const text = JSON.stringify(rows(wb, 'Tổng hợp'));
    expect(text).to.contain('Gồm số liệu của xã Hua Thanh, xã Thanh Chăn, xã Thanh Hưng, xã Thanh Luông (trước sáp nhập).');
    const c = (await IncidentReportModel.findOne({ reportingUnitId: thanhLuong._id, dossierNumber: { $ne: '' } }).lean())!;
    expect(JSON.stringify(rows(wb, 'Phản ánh'))).to.contain(c.caseNumber);
  });

  it('when Thanh Nưa’s 2025 report is made, then it says the figures include the merged communes', async () => {
    const actor = actorOf((await UserModel.findOne({ username: 'truongxa' }).lean())!);
    const built = await buildReport(actor, reportForm.parse({ unit: String(thanhNua._id), year: '2025', window: 'year' }), { suppressBelow: 0 });
    const { text } = await readDocx(built.buffer);
    expect(text).to.contain('gồm cả số liệu của xã Hua Thanh, xã Thanh Chăn, xã Thanh Hưng, xã Thanh Luông (trước sáp nhập)');
  });
});

describe('the merger year with an empty predecessor', function () {
  this.timeout(120_000);

  it('when a commune without any record merged into another during the year, then the successor’s row names it, its figures are the successor’s own, and its workbook builds', async () => {
    await clearDatabase();
    const tree = await makeProvince();
    const empty = await makeUnit({ name: 'Xã Không Số Liệu', kind: 'commune', parent: tree.province, effectiveFrom: new Date(Date.UTC(2020, 0, 1)), effectiveTo: REFORM });
    await UnitModel.updateOne({ _id: empty._id }, { $set: { successorIds: [tree.communeB._id] } });
    await UnitModel.updateOne({ _id: tree.communeB._id }, { $set: { predecessorIds: [empty._id] } });
    const before = (await statistics.figuresUnder(tree.communeB, 2024)).find((r) => r.unitId === String(tree.communeB._id))!;
    expect(before.includes ?? []).to.deep.equal([]);
    const [row] = (await statistics.figuresUnder(tree.communeB, 2025)).filter((r) => r.unitId === String(tree.communeB._id));
    expect(row!.includes!.map((i) => i.unitName)).to.deep.equal(['Xã Không Số Liệu']);
    expect(reportsOf(row!.figures)).to.equal(0);
    const wb = readWorkbook(await workbookBuffer('COMMUNE', (await UnitModel.findById(tree.communeB._id).lean<Unit>())!, 2025));
    expect(JSON.stringify(rows(wb, 'Tổng hợp'))).to.contain('Gồm số liệu của xã Không Số Liệu (trước sáp nhập).');
  });
});

describe('headcounts as at the end of a past year', function () {
  this.timeout(120_000);

  it('when a commune merges into another today, then last year’s headcounts still count its people where they worked on the year’s last day, and this year’s where they work now', async () => {
    await clearDatabase();
    const tree = await makeProvince();
    const admin = actorOf(await makeUser({ roles: [{ role: 'admin', unit: tree.province }] }));
    await makeStaff({ fullName: 'Lò Văn Chuyển', unit: tree.communeA });
    await makeStaff({ fullName: 'Quàng Thị Ở Lại', unit: tree.communeB });
    await units.mergeUnits(admin, { sourceIds: [tree.communeA._id], target: { unitId: tree.communeB._id }, effectiveDate: vietnamDay() });
    const staffOf = async (unit: Unit, year: number) => {
      const row = (await statistics.figuresUnder(unit, year)).find((r) => r.unitId === String(unit._id));
      return [row?.figures.staff ?? 0, row?.figures.activeStaff ?? 0];
    };
    const last = vietnamYear() - 1;
    expect(await staffOf(tree.communeA, last), 'the merged commune, last year').to.deep.equal([1, 1]);
    expect(await staffOf(tree.communeB, last), 'the successor, last year').to.deep.equal([1, 1]);
    expect(await staffOf(tree.communeB, vietnamYear()), 'the successor, this year').to.deep.equal([2, 2]);
  });
});
