import { expect } from 'chai';
import { Types } from 'mongoose';
import { DisciplineDecisionModel } from '../../src/discipline/model.js';
import { LateDossierModel } from '../../src/dossiers/model.js';
import { clearDatabase } from '../helpers/db.js';
import { LIBREOFFICE_TIMEOUT_MS, throwawayLibreOffice, type Grid, type Recalculator } from '../helpers/libreoffice.js';
import { givenAway, type Line } from './printed-lines.js';
import { workbookBuffer } from './read.js';
import { evaluate, exportWorld, person, rate, report } from './world.js';

// The province workbook's comparison sheets (per criterion, per quarter, against last year, remedies and discipline)
// as LibreOffice recalculates them, checked against the records the test made.

const NOW = new Date(Date.UTC(2027, 0, 5, 3));
const THANH_NUA = 'Xã Thanh Nưa';
const MUONG_NHE = 'Xã Mường Nhé';
const PROVINCE = 'Toàn tỉnh';

/** A commune table: rows by commune name, the province row, and the columns under a group heading (row 4). */
function tableOf(grid: Grid) {
  const groups = grid[3]!;
  const end = grid.findIndex((r) => r[1] === PROVINCE);
  const rows = new Map(grid.slice(5, end).map((r) => [r[1]!, r]));
  const under = (label: string): number[] => {
    const from = groups.indexOf(label);
    expect(from, `group "${label}"`).to.be.greaterThan(1);
    let to = from + 1;
    while (to < grid[4]!.length && !groups[to] && grid[4]![to]) to++;
    return Array.from({ length: to - from }, (_, i) => from + i);
  };
  return { rows, total: grid[end]!, under, header: grid[4]! };
}
const pick = (row: string[], cols: number[]) => cols.map((c) => row[c]);
/** A rate as LibreOffice writes it ("68.1818181818182%"), to one decimal. */
const percents = (cells: (string | undefined)[]) => cells.map((s) => (s ? `${Number(s.replace('%', '')).toFixed(1)}%` : s));

describe('exports: the province workbook compares communes by criterion, quarter, last year and remedies, as LibreOffice reads it', () => {
  let calc: Recalculator;
  let internal: Map<string, Grid>;
  let publication: Map<string, Grid>;
  before(async function () {
    this.timeout(LIBREOFFICE_TIMEOUT_MS);
    calc = throwawayLibreOffice();
    await clearDatabase();
    const w = await exportWorld(2026);
    const an = await person('Nguyễn Văn An', w.communeA, 1980);
    const chu = await person('Vàng A Chứ', w.communeB, 1990);
    await evaluate(w, an, 1, { X1: 'NOT_DONE' });
    await evaluate(w, an, 4);
    await evaluate(w, chu, 2, {}, { commune: w.communeB });
    await report(w, { staff: an, criteria: ['X1'], confirmed: ['X1'], status: 'SUBSTANTIATED', month: 2, remedies: ['APOLOGY'] });
    await report(w, { criteria: ['L2'], status: 'RECEIVED', month: 5 });
    await report(w, { staff: an, criteria: ['X1'], confirmed: ['X1'], status: 'RESOLVED', month: 11, remedies: ['REMINDER_TRAINING'] });
    await report(w, { commune: w.communeB, staff: chu, criteria: ['L1'], confirmed: ['L1'], status: 'SUBSTANTIATED', month: 8 });
    for (let i = 0; i < 4; i++) await report({ ...w, year: 2025 }, { criteria: ['X1'], status: 'RECEIVED', month: 6 });
    await rate(w.deskA, 3, 2026, 10, 2);
    await rate(w.deskA, 7, 2026, 5, 5);
    await rate(w.deskA, 6, 2025, 3, 1);
    const due = (day: number) => new Date(Date.UTC(2026, 4, day));
    const dossier = (n: number, slip: boolean) => ({
      dossierNumber: `HS-${n}`, procedureName: 'Chứng thực', applicantName: 'Người dân', receivedDate: due(1), dueDate: due(10 + n),
      unitId: w.deskA._id, unitPath: w.deskA.path, unitName: w.deskA.name,
      ...(slip ? { slip: { reason: 'Chờ xác minh', newReturnDate: due(25), channel: 'PAPER' as const, signerName: 'Lò Văn Minh', signerTitle: 'Chủ tịch', issuedDate: due(10 + n) } } : {}),
    });
    for (const d of [dossier(1, true), dossier(2, true), dossier(3, false)]) await LateDossierModel.create(d);
    await DisciplineDecisionModel.create({
      staffId: an._id, staffName: an.fullName, unitPath: an.unitPath, form: 'REPRIMAND', decisionNumber: '12/QĐ-UBND', decisionDate: new Date(Date.UTC(2026, 5, 1)),
      issuer: 'Chủ tịch UBND xã', effectiveDate: new Date(Date.UTC(2026, 5, 2)), effectiveYear: 2026, violationYear: 2026, recordedBy: new Types.ObjectId(),
    });
    // A party decision about the same person for the same violation: not counted (administrative discipline only).
    await DisciplineDecisionModel.create({
      staffId: an._id, staffName: an.fullName, unitPath: an.unitPath, system: 'PARTY', form: 'PARTY_REPRIMAND', decisionNumber: '05-QĐ/UBKT', decisionDate: new Date(Date.UTC(2026, 5, 10)),
      issuer: 'Ủy ban Kiểm tra Đảng ủy xã', effectiveDate: new Date(Date.UTC(2026, 5, 10)), effectiveYear: 2026, violationYear: 2026, recordedBy: new Types.ObjectId(),
    });
    const out = await calc.recalculate({
      internal: await workbookBuffer('PROVINCE', w.province, 2026, { now: NOW, audience: 'INTERNAL' }),
      publication: await workbookBuffer('PROVINCE', w.province, 2026, { now: NOW, audience: 'PUBLICATION' }),
    });
    internal = out.internal!;
    publication = out.publication!;
  });
  after(() => calc.dispose());

  it('when exported internally, then "Theo quý" counts reports received and substantiated, and desk ratings, in the quarter received, with the year and the province row recalculated', () => {
    const t = tableOf(internal.get('Theo quý')!);
    const received = t.under('Phản ánh tiếp nhận');
    const substantiated = t.under('Phản ánh có cơ sở');
    const ratings = t.under('Lượt đánh giá hài lòng');
    expect(pick(t.header, received)).to.deep.equal(['Quý 1', 'Quý 2', 'Quý 3', 'Quý 4', 'Cả năm']);
    expect(pick(t.rows.get(THANH_NUA)!, received)).to.deep.equal(['1', '1', '0', '1', '3']);
    expect(pick(t.rows.get(THANH_NUA)!, substantiated)).to.deep.equal(['1', '0', '0', '1', '2']);
    expect(pick(t.rows.get(MUONG_NHE)!, substantiated)).to.deep.equal(['0', '0', '1', '0', '1']);
    expect(pick(t.rows.get(THANH_NUA)!, ratings)).to.deep.equal(['12', '0', '10', '0', '22']);
    expect(pick(t.total, received)).to.deep.equal(['1', '1', '1', '1', '4']);
    expect(percents(pick(t.rows.get(THANH_NUA)!, t.under('Tỷ lệ hài lòng')))).to.deep.equal(['83.3%', '', '50.0%', '', '68.2%']);
  });

  it('when exported internally, then "Theo tiêu chí" gives each commune\'s "not done" results and fulfilment rate per criterion', () => {
    const t = tableOf(internal.get('Theo tiêu chí')!);
    const x1 = t.under(internal.get('Theo tiêu chí')![3]!.find((g) => g.startsWith('X1. '))!);
    expect(pick(t.header, x1)).to.deep.equal(['Chưa thực hiện', 'Tỷ lệ thực hiện']);
    const [notDone, rate] = x1;
    expect([THANH_NUA, MUONG_NHE].map((n) => t.rows.get(n)![notDone!])).to.deep.equal(['1', '0']);
    expect(t.total[notDone!]).to.equal('1');
    expect(percents([THANH_NUA, MUONG_NHE].map((n) => t.rows.get(n)![rate!]))).to.deep.equal(['50.0%', '100.0%']);
    expect(percents([t.total[rate!]])).to.deep.equal(['66.7%']);
  });

  it('when exported internally, then "So với năm trước" sets last year beside this year with the change recalculated', () => {
    const t = tableOf(internal.get('So với năm trước')!);
    const reports = t.under('Phản ánh tiếp nhận');
    expect(pick(t.header, reports)).to.deep.equal(['Năm 2025', 'Năm 2026', 'Thay đổi']);
    expect(pick(t.rows.get(THANH_NUA)!, reports)).to.deep.equal(['4', '3', '-1']);
    expect(pick(t.rows.get(MUONG_NHE)!, reports)).to.deep.equal(['0', '1', '1']);
    expect(pick(t.total, reports)).to.deep.equal(['4', '4', '0']);
    expect(percents(pick(t.rows.get(THANH_NUA)!, t.under('Tỷ lệ hài lòng')))).to.deep.equal(['75.0%', '68.2%', '-6.8%']);
  });

  it('when exported internally, then "Khắc phục, kỷ luật" counts late dossiers with and without a slip, remedies of substantiated reports and administrative discipline decisions (not party ones)', () => {
    const t = tableOf(internal.get('Khắc phục, kỷ luật')!);
    const row = t.rows.get(THANH_NUA)!;
    expect(pick(row, t.under('Hồ sơ thủ tục hành chính'))).to.deep.equal(['3', '2', '1']);
    expect(pick(row, t.under('Phản ánh có cơ sở và biện pháp khắc phục'))).to.deep.equal(['2', '1', '1', '0']);
    expect(pick(row, t.under('Kỷ luật'))).to.deep.equal(['1']);
    expect(pick(t.total, t.under('Kỷ luật'))).to.deep.equal(['1']);
  });

  it('when exported for publication, then small report counts show as "<3" and no line of the comparison sheets, nor a commune\'s year beside the summary, gives a hidden count away', () => {
    const quarters = tableOf(publication.get('Theo quý')!);
    const remedies = tableOf(publication.get('Khắc phục, kỷ luật')!);
    const yearly = tableOf(publication.get('So với năm trước')!);
    const summary = publication.get('Tổng hợp')!;
    const reportsCol = summary[8]!.indexOf('Phản ánh tiếp nhận');
    const summaryRow = (name: string) => summary.find((r) => r[1] === name)!;
    expect(pick(quarters.rows.get(MUONG_NHE)!, quarters.under('Phản ánh có cơ sở'))[2]).to.equal('<3');
    const lines: Line[] = [];
    for (const group of ['Phản ánh tiếp nhận', 'Phản ánh có cơ sở']) {
      const cols = quarters.under(group);
      for (const [name, row] of quarters.rows) lines.push({ name: `${group} ${name}`, parts: pick(row, cols.slice(0, 4)) as string[], total: row[cols[4]!]! });
      cols.forEach((c) => lines.push({ name: `${group} column ${c}`, parts: [...quarters.rows.values()].map((r) => r[c]!), total: quarters.total[c]! }));
    }
    const receivedYear = quarters.under('Phản ánh tiếp nhận')[4]!;
    for (const name of [THANH_NUA, MUONG_NHE, PROVINCE]) lines.push({ name: `${name} beside the summary`, parts: [(name === PROVINCE ? quarters.total : quarters.rows.get(name)!)[receivedYear]!], total: summaryRow(name)[reportsCol]! });
    for (const c of [...remedies.under('Phản ánh có cơ sở và biện pháp khắc phục'), ...remedies.under('Kỷ luật')]) lines.push({ name: `remedies column ${c}`, parts: [...remedies.rows.values()].map((r) => r[c]!), total: remedies.total[c]! });
    for (const group of ['Phản ánh tiếp nhận', 'Phản ánh có cơ sở']) {
      const [before, now] = yearly.under(group);
      for (const c of [before!, now!]) lines.push({ name: `${group} year column ${c}`, parts: [...yearly.rows.values()].map((r) => r[c]!), total: yearly.total[c]! });
    }
    expect(lines.flatMap(givenAway)).to.deep.equal([]);
    // A change beside a hidden count would give it back.
    const [, now, change] = yearly.under('Phản ánh có cơ sở');
    for (const row of [...yearly.rows.values(), yearly.total]) if (['<3', 'x'].includes(row[now!]!)) expect(row[change!]).to.equal('x');
    expect(publication.get('Theo quý')![1]![0]).to.match(/^Bản công bố/);
  });
});
