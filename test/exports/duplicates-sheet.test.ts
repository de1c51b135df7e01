import { expect } from 'chai';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { clearDatabase } from '../helpers/db.js';
import { LIBREOFFICE_TIMEOUT_MS, throwawayLibreOffice, type Grid, type Recalculator } from '../helpers/libreoffice.js';
import { workbookBuffer } from './read.js';
import { exportWorld, report } from './world.js';

const NOW = new Date(Date.UTC(2027, 0, 5, 3));

// Read by LibreOffice (an independent reader that recalculates every formula), not by the library that wrote it.
describe('exports: a duplicate in the commune workbook’s list of cases', () => {
  let calc: Recalculator;
  let sheets: Map<string, Grid>;
  let kept: string;
  let duplicate: string;

  before(async function () {
    this.timeout(LIBREOFFICE_TIMEOUT_MS);
    calc = throwawayLibreOffice();
    await clearDatabase();
    const w = await exportWorld(2026);
    const a = await report(w, { staff: null, criteria: ['X1'], status: 'RECEIVED', month: 3 });
    const b = await report(w, { staff: null, criteria: ['X1'], status: 'CLOSED', month: 4 });
    await report(w, { staff: null, criteria: ['K1'], status: 'NOT_SUBSTANTIATED', month: 5 });
    await IncidentReportModel.updateOne({ _id: b._id }, { $set: { duplicateOf: { caseId: a._id, caseNumber: a.caseNumber, at: NOW } } });
    kept = a.caseNumber;
    duplicate = b.caseNumber;
    const buf = await workbookBuffer('COMMUNE', w.communeA, 2026, { now: NOW });
    sheets = (await calc.recalculate({ commune: buf })).commune!;
  });
  after(() => calc?.dispose());

  it('when the list is read, then the duplicate is listed unnumbered as "Trùng với hồ sơ <số>", and the total counts the cases as the summary does', () => {
    const list = sheets.get('Phản ánh')!;
    const dupRow = list.find((r) => r[1] === duplicate)!;
    expect(dupRow, 'the duplicate is listed').to.not.equal(undefined);
    expect(dupRow[0]).to.equal('');
    expect(dupRow[8]).to.equal(`Trùng với hồ sơ ${kept}`);
    expect(list.find((r) => r[1] === kept)![8]).to.equal('Đã tiếp nhận');
    const numbered = list.slice(3).filter((r) => /^\d+$/.test(r[0] ?? ''));
    expect(numbered.map((r) => r[0])).to.deep.equal(['1', '2']);

    const totalRow = list.find((r) => r[4] === 'Tổng cộng')!;
    const summary = sheets.get('Tổng hợp')!;
    const received = summary.find((r) => r[1] === 'Số phản ánh tiếp nhận')!;
    expect(totalRow[1]).to.equal('2');
    expect(received[3]).to.equal(totalRow[1]);
  });
});
