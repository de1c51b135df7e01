import { forgetProcessCaches } from '../../src/shared/process-caches.js';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { StaffModel } from '../../src/staff/model.js';
import { clearDatabase } from '../helpers/db.js';
import { classify, evaluate, exportWorld, person, rate, report, type ExportWorld } from '../exports/world.js';
import * as statistics from '../../src/statistics/index.js';

const year = 2026;
const stored = () => mongoose.connection.db!.collection('statisticsfigures');

describe('statistics read model: figures per reporting unit and year', () => {
  let w: ExportWorld;

  beforeEach(async function () {
    this.timeout(60_000);
    await clearDatabase();
    w = await exportWorld(year);
    const a = await person('Lò Văn An', w.communeA, year - 30);
    const b = await person('Quàng Thị Bình', w.communeB, year - 50);
    await evaluate(w, a, 1);
    await evaluate(w, a, 2, { X1: 'NOT_DONE' });
    await evaluate(w, b, 1, {}, { commune: w.communeB });
    await rate(w.deskA, 4, year, 3, 1);
    await report(w, { criteria: ['X1'], status: 'RECEIVED', month: 3 });
  });

  const byName = (list: statistics.ReportingUnitFigures[]) => new Map(list.map((u) => [u.unitName, u.figures]));

  it('when first read, then each commune gets its own figures, counted from its records, and the province sums them', async () => {
    const list = await statistics.figuresUnder(w.province, year);
    const figures = byName(list);
    const a = figures.get(w.communeA.name)!;
    expect(a.staff).to.equal(1);
    expect(a.under40).to.equal(1);
    expect(a.periods).to.deep.equal({ [`${year}-01`]: { total: 1, finalised: 1 }, [`${year}-02`]: { total: 1, finalised: 1 } });
    // Results per criterion carry the three levels the commune workbook tabulates, and the dashboard's fulfilled/all.
    expect(a.results.X1).to.deep.equal({ good: 1, done: 0, breached: 1, ok: 1, all: 2 });
    expect(a.evaluatedStaff).to.equal(1);
    expect(a.fullyCompliant).to.equal(0, 'one breach in February');
    expect(a.ratings['4']).to.deep.equal({ total: 4, satisfied: 3 }, 'the desk under the commune counts for the commune');
    expect(a.reports['3']).to.deep.equal({ RECEIVED: 1 });
    const b = figures.get(w.communeB.name)!;
    expect(b.fullyCompliant).to.equal(1);
    expect(b.under40).to.equal(0);
    const total = statistics.sumFigures(list.map((u) => u.figures));
    expect(total.staff).to.equal(2);
    expect(total.periods[`${year}-01`]).to.deep.equal({ total: 2, finalised: 2 });
    expect(total.evaluatedStaff).to.equal(2);
    expect(await stored().countDocuments({ year })).to.equal(list.length);
  });

  it('when nothing was recorded since a read, then the next read is answered from memory; a recorded change is read from the database again', async () => {
    const first = await statistics.figuresUnder(w.province, year);
    await stored().deleteMany({}); // behind the read model's back: only a read of the stored figures would notice
    expect(await statistics.figuresUnder(w.province, year)).to.deep.equal(first);
    expect(await stored().countDocuments({})).to.equal(0);
    await statistics.recordChange(w.deskA.path, year);
    expect(byName(await statistics.figuresUnder(w.province, year)).get(w.communeA.name)!.staff).to.equal(1);
    expect(await stored().countDocuments({ year })).to.equal(first.length, 'every missing document computed again');
  });

  it('when many changes of a commune and year nobody recorded before arrive at once (first kiosk ratings of a year), then every one is recorded without an error and the figures are recomputed', async () => {
    await statistics.figuresUnder(w.province, year + 1);
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => statistics.recordChange(w.deskA.path, year + 1)));
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).to.deep.equal([]);
    const tokens = await mongoose.connection.db!.collection('statisticstokens').find({ _id: `${String(w.communeA._id)}:${year + 1}` as never }).toArray();
    expect(tokens).to.have.length(1);
    const figures = await stored().findOne({ _id: `${String(w.communeA._id)}:${year + 1}` as never });
    expect(figures?.token, 'the stored figures were computed before the changes').to.not.equal(tokens[0]!.token);
  });

  it('when a change is recorded for one commune, then only that commune is recomputed and the new record counts', async () => {
    await statistics.figuresUnder(w.province, year);
    const before = new Map((await stored().find({ year }).toArray()).map((d) => [d.unitName, (d.computedAt as Date).getTime()]));
    await rate(w.deskA, 5, year, 2, 0);
    await statistics.recordChange(w.deskA.path, year);
    const figures = byName(await statistics.figuresUnder(w.province, year));
    expect(figures.get(w.communeA.name)!.ratings['5']).to.deep.equal({ total: 2, satisfied: 2 });
    const after = new Map((await stored().find({ year }).toArray()).map((d) => [d.unitName, (d.computedAt as Date).getTime()]));
    expect(after.get(w.communeA.name)).to.be.greaterThan(before.get(w.communeA.name)!);
    expect(after.get(w.communeB.name)).to.equal(before.get(w.communeB.name));
  });

  it('when the stored figures are missing, then they are rebuilt with the same values', async () => {
    const first = byName(await statistics.figuresUnder(w.province, year));
    await stored().deleteMany({});
    const again = byName(await statistics.figuresUnder(w.province, year));
    expect(again).to.deep.equal(first);
  });

  it('when a commune dashboard is read, then it holds only that commune and its desks', async () => {
    const list = await statistics.figuresUnder(w.communeB, year);
    expect(list.map((u) => u.unitName)).to.deep.equal([w.communeB.name]);
    expect(list[0]!.figures.staff).to.equal(1);
  });
});

// One definition per figure, shared by the dashboard and the yearly workbooks (src/statistics/model.ts).
describe('statistics read model: the definitions the dashboard and the workbooks share', () => {
  let w: ExportWorld;

  beforeEach(async function () {
    this.timeout(60_000);
    await clearDatabase();
    w = await exportWorld(year);
  });

  const figuresOf = async (unitName: string) => (await statistics.figuresUnder(w.province, year)).find((u) => u.unitName === unitName)!.figures;

  it('when someone left after being on a roster of the year, then they still count among the year’s staff; someone who left without one does not', async () => {
    const stays = await person('Lò Văn Ở', w.communeA, year - 50);
    const left = await person('Quàng Văn Đi', w.communeA, year - 30);
    await person('Lò Thị Nghỉ', w.communeA, year - 25).then((s) => StaffModel.updateOne({ _id: s._id }, { $set: { active: false } }));
    await evaluate(w, stays, 1);
    await evaluate(w, left, 1, {}, { finalised: false });
    await StaffModel.updateOne({ _id: left._id }, { $set: { active: false } });
    const a = await figuresOf(w.communeA.name);
    expect(a.staff).to.equal(2);
    expect(a.activeStaff).to.equal(1);
    expect(a.under40).to.equal(1, 'the leaver, born 30 years before');
    expect(a.evaluatedStaff).to.equal(1, 'the leaver’s evaluation was never finalised');
    expect(a.unclassified).to.equal(2);
  });

  it('when a person evaluated by one commune has moved to another and is still active, then they count among the staff where they are now, and as evaluated where they were evaluated', async () => {
    const mover = await person('Vàng A Chuyển', w.communeA);
    await evaluate(w, mover, 1);
    await StaffModel.updateOne({ _id: mover._id }, { $set: { unitId: w.communeB._id, unitPath: w.communeB.path } });
    const [a, b] = [await figuresOf(w.communeA.name), await figuresOf(w.communeB.name)];
    expect([a.staff, b.staff]).to.deep.equal([0, 1]);
    expect([a.evaluatedStaff, b.evaluatedStaff]).to.deep.equal([1, 0]);
  });

  it('when a report about an evaluated person is substantiated, then they do not comply fully, and each confirmed criterion counts once', async () => {
    const an = await person('Nguyễn Văn An', w.communeA);
    const binh = await person('Lê Thị Bình', w.communeA);
    await evaluate(w, an, 1);
    await evaluate(w, binh, 1, { L1: 'DONE' });
    await report(w, { staff: an, criteria: ['X1', 'L2'], confirmed: ['X1', 'L2'], status: 'SUBSTANTIATED' });
    await report(w, { staff: binh, criteria: ['X1'], status: 'NOT_SUBSTANTIATED' });
    await classify(w, an, 'GOOD');
    const a = await figuresOf(w.communeA.name);
    expect(a.evaluatedStaff).to.equal(2);
    expect(a.fullyCompliant).to.equal(1, 'Bình: a "Thực hiện" is no breach and the report about her was not substantiated');
    expect(a.substantiatedByCriterion).to.deep.equal({ X1: 1, L2: 1 });
    expect(a.reportsByCriterion).to.deep.equal({ X1: 2, L2: 1 });
    expect(a.results.L1).to.deep.equal({ good: 1, done: 1, breached: 0, ok: 2, all: 2 });
    expect(a.classification).to.deep.equal({ GOOD: 1 });
    expect(a.unclassified).to.equal(1);
  });

  it('when a report about December is received in January (Việt Nam time), then it counts among the next year’s reports and the person’s December conduct among this year’s', async () => {
    const an = await person('Nguyễn Văn An', w.communeA);
    await evaluate(w, an, 12);
    // 31/12 18:00 UTC is 1 January 01:00 in Việt Nam.
    await report(w, { staff: an, criteria: ['X1'], confirmed: ['X1'], status: 'SUBSTANTIATED', month: 12, day: 28, receivedAt: new Date(Date.UTC(year, 11, 31, 18)) });
    const thisYear = await figuresOf(w.communeA.name);
    expect(thisYear.reports[12]).to.equal(undefined);
    expect(thisYear.substantiatedByMonth).to.not.have.property('12');
    expect(thisYear.fullyCompliant).to.equal(0, 'An’s December conduct was found wanting');
    const nextYear = (await statistics.figuresUnder(w.province, year + 1)).find((u) => u.unitName === w.communeA.name)!.figures;
    expect(nextYear.reports[1]).to.deep.equal({ SUBSTANTIATED: 1 });
    expect(nextYear.substantiatedByMonth).to.deep.equal({ 1: 1 });
    expect(nextYear.reportsByCriterion).to.deep.equal({ X1: 1 });
  });

  it('when stored figures are of an older shape, then they are recomputed on the next read', async () => {
    await evaluate(w, await person('Nguyễn Văn An', w.communeA), 1);
    await statistics.figuresUnder(w.province, year);
    await stored().updateMany({}, { $set: { shape: 1 }, $unset: { 'figures.substantiatedByCriterion': '' } });
    forgetProcessCaches(); // a shape changes with a new version of the app: a process that starts afresh
    const a = await figuresOf(w.communeA.name);
    expect(a.substantiatedByCriterion).to.deep.equal({});
    expect((await stored().findOne({ unitName: w.communeA.name }))!.shape).to.be.greaterThan(1);
  });
});
