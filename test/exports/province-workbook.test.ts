import { expect } from 'chai';
import { StaffModel } from '../../src/staff/model.js';
import { clearDatabase } from '../helpers/db.js';
import { makeUnit } from '../helpers/factories.js';
import { cell, colOf, partXml, readWorkbook, rows, workbookBuffer } from './read.js';
import { evaluate, exportWorld, person, rate, report, type ExportWorld } from './world.js';

describe('exports: the province workbook', () => {
  let w: ExportWorld;
  let buf: Buffer;
  let wb: ReturnType<typeof readWorkbook>;

  before(async function () {
    this.timeout(30_000);
    await clearDatabase();
    w = await exportWorld(2026);
    const a1 = await person('Nguyễn Văn An', w.communeA, 1980);
    const a2 = await person('Lê Thị Bích', w.deskA, 1995);
    const b1 = await person('Vàng A Chứ', w.communeB, 1990);
    const b2 = await person('Lò Văn Dũng', w.communeB, 1996);
    const b3 = await person('Giàng Thị Mai', w.communeB, 1975);
    await person('Người Đã Nghỉ', w.communeB, 1960).then((s) => StaffModel.updateOne({ _id: s._id }, { $set: { active: false } }));
    for (const s of [a1, a2]) await evaluate(w, s, 1);
    for (const s of [b1, b2, b3]) await evaluate(w, s, 1, {}, { commune: w.communeB });
    await evaluate(w, b3, 2, { K2: 'NOT_DONE' }, { commune: w.communeB });
    // Thanh Nưa: 2 reports (shown "<3"); Mường Nhé: 3 reports, 3 substantiated on X1 (hidden as "x": printed, it
    // would give Thanh Nưa's away, the province row minus it).
    await report(w, { staff: a1, criteria: ['X1'], confirmed: ['X1'], status: 'SUBSTANTIATED' });
    await report(w, { criteria: ['L2'], status: 'RECEIVED' });
    for (const s of [b1, b2, b3]) await report(w, { commune: w.communeB, staff: s, criteria: ['X1'], confirmed: ['X1'], status: 'RESOLVED' });
    await rate(w.deskA, 1, 2026, 97, 3);
    // A commune merged away before the year: not a row of this year's summary.
    await makeUnit({ name: 'Xã Cũ', kind: 'commune', parent: w.province, effectiveTo: new Date(Date.UTC(2025, 6, 1)) });
    buf = await workbookBuffer('PROVINCE', w.province, 2026, { now: new Date(Date.UTC(2027, 1, 3)), settings: { suppressBelow: 3 } });
    wb = readWorkbook(buf);
  });

  it('when opened, then a summary comes first, the sheets comparing communes next, each commune follows in Vietnamese order, and the desks’ feedback closes it', () => {
    expect(wb.SheetNames).to.deep.equal(['Tổng hợp', 'Theo tiêu chí', 'Theo quý', 'So với năm trước', 'Khắc phục, kỷ luật', 'Xã Mường Nhé', 'Xã Thanh Nưa', 'Góp ý tại quầy']);
    expect(cell(wb, 'Tổng hợp', 'A2')?.v).to.equal('SỞ NỘI VỤ');
    expect(String(cell(wb, 'Tổng hợp', 'A5')?.v)).to.contain('NĂM 2026');
  });

  it('when the summary rows are read, then each commune’s figures match the database, with small report counts suppressed', async () => {
    const sheet = rows(wb, 'Tổng hợp');
    const header = sheet[8]!;
    const byName = new Map(sheet.slice(9).map((r) => [r[1], r]));
    expect([...byName.keys()].slice(0, 3)).to.deep.equal(['Xã Mường Nhé', 'Xã Thanh Nưa', 'Toàn tỉnh']);
    const b = byName.get('Xã Mường Nhé')!;
    const a = byName.get('Xã Thanh Nưa')!;
    expect(b[colOf(header, 'Số CBCCVC')]).to.equal(await StaffModel.countDocuments({ unitPath: w.communeB._id, active: true }));
    expect(a[colOf(header, 'Số CBCCVC')]).to.equal(2);
    expect(b[colOf(header, 'Dưới 40 tuổi')]).to.equal(2);
    expect(b[colOf(header, 'Tỷ lệ dưới 40 tuổi')]).to.be.closeTo(2 / 3, 1e-9);
    expect(b[colOf(header, 'Lượt đánh giá định kỳ')]).to.equal(4);
    expect(b[colOf(header, 'Thực hiện tốt quy chế')]).to.equal(0);
    expect(a[colOf(header, 'Thực hiện tốt quy chế')]).to.equal(1);
    expect(a[colOf(header, 'Phản ánh tiếp nhận')]).to.equal('<3');
    expect(b[colOf(header, 'Phản ánh tiếp nhận')]).to.equal('x');
    const x1 = colOf(header, 'X1');
    expect(a[x1]).to.equal('<3');
    expect(b[x1]).to.equal('x');
    expect(a[colOf(header, 'Tỷ lệ hài lòng')]).to.be.closeTo(0.97, 1e-9);
    // No ratings in Mường Nhé: the rate formula stays empty instead of dividing by zero.
    expect(b[colOf(header, 'Tỷ lệ hài lòng')]).to.equal('');
  });

  it('when the province row is read, then counts are SUM formulas whose results are the province totals', async () => {
    const sheet = rows(wb, 'Tổng hợp');
    const header = sheet[8]!;
    const totalIndex = sheet.findIndex((r) => r[1] === 'Toàn tỉnh');
    const total = sheet[totalIndex]!;
    expect(total[colOf(header, 'Số CBCCVC')]).to.equal(await StaffModel.countDocuments({ active: true }));
    expect(total[colOf(header, 'X1')]).to.equal(4);
    const staffCell = cell(wb, 'Tổng hợp', `C${totalIndex + 1}`)!;
    expect(staffCell.f).to.equal(`SUM(C10:C${totalIndex})`);
    expect(total[colOf(header, 'Tỷ lệ hài lòng')]).to.be.closeTo(0.97, 1e-9);
    expect(cell(wb, 'Tổng hợp', `E${totalIndex + 1}`)?.z).to.equal('0.0%');
  });

  it('when a commune sheet is read, then it lists that commune’s people with incident counts suppressed, the totals row too', () => {
    const sheet = rows(wb, 'Xã Mường Nhé');
    const header = sheet[3]!;
    const people = sheet.slice(4, 7);
    expect(people.map((r) => r[1])).to.deep.equal(['Vàng A Chứ', 'Lò Văn Dũng', 'Giàng Thị Mai']);
    expect(people[0]![colOf(header, 'X1', 4 + 12 * 13)]).to.equal('<3');
    expect(people[2]![colOf(header, 'Kết luận')]).to.equal('Có vi phạm');
    // 1 + 1 + 1 under a printed 3 would give each "<3" away.
    expect(sheet[7]![colOf(header, 'X1', 4 + 12 * 13)]).to.equal('x');
  });

  it('when the summary XML is read, then its header row is frozen and filtered', async () => {
    const xml = await partXml(buf, 'xl/worksheets/sheet1.xml');
    expect(xml).to.match(/<pane [^>]*xSplit="2"[^>]*ySplit="9"[^>]*state="frozen"/);
    expect(xml).to.match(/<autoFilter ref="A9:[A-Z]+11"/);
  });
});
