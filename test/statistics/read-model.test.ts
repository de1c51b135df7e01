import { expect } from 'chai';
import mongoose from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { evaluate, exportWorld, person, rate, report, type ExportWorld } from '../exports/world.js';
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
    expect(a.results.X1).to.deep.equal({ ok: 1, all: 2 });
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
