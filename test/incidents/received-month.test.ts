import { expect } from 'chai';
import mongoose from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { exportWorld, report } from '../exports/world.js';
import { storeReceivedMonths } from '../../src/incidents/counters.js';
import * as statistics from '../../src/statistics/index.js';

const year = 2026;
const reports = () => mongoose.connection.db!.collection('incidentreports');

describe('reports written before the month received was stored', () => {
  it('when the app starts on such a database, then each report gets its month received once, the figures count it, and a later start does not look again', async function () {
    this.timeout(60_000);
    await clearDatabase();
    const w = await exportWorld(year);
    const filed = await report(w, { criteria: ['X1'], month: 11, receivedAt: new Date(Date.UTC(year, 11, 2, 3)) });
    // As an older version wrote it, straight into the collection (so nothing recounts it).
    await reports().updateOne({ _id: filed._id }, { $unset: { receivedYear: '', receivedMonth: '' } });
    await mongoose.connection.db!.collection('datafixes').deleteMany({});
    const before = (await statistics.figuresUnder(w.province, year)).find((u) => u.unitName === w.communeA.name)!.figures;
    expect(before.reports).to.deep.equal({}, 'a page read while the fix had not run yet');

    expect(await storeReceivedMonths()).to.equal(1);
    expect(await reports().findOne({ _id: filed._id })).to.include({ receivedYear: year, receivedMonth: 12 });
    const a = (await statistics.figuresUnder(w.province, year)).find((u) => u.unitName === w.communeA.name)!.figures;
    expect(a.reports[12]).to.deep.equal({ RECEIVED: 1 });
    expect(await storeReceivedMonths()).to.equal('done before');
  });
});
