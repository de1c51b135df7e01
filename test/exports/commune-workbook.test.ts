import { expect } from 'chai';
import { Types } from 'mongoose';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { RatingModel } from '../../src/satisfaction/model.js';
import { StaffModel } from '../../src/staff/model.js';
import { clearDatabase } from '../helpers/db.js';
import { makeUnit } from '../helpers/factories.js';
import { cell, colOf, partXml, readWorkbook, rows, workbookBuffer } from './read.js';
import { classify, evaluate, exportWorld, person, rate, report, type ExportWorld } from './world.js';

const NOW = new Date(Date.UTC(2027, 0, 5, 3));

describe('exports: the commune workbook', () => {
  let w: ExportWorld;
  let buf: Buffer;
  let wb: ReturnType<typeof readWorkbook>;
  const headUserId = new Types.ObjectId();

  before(async function () {
    this.timeout(30_000);
    await clearDatabase();
    w = await exportWorld(2026);
    // Created out of order: the sheet must list them given name first (An, Ánh, Bình, Dung, Đức).
    const duc = await person('Phạm Văn Đức', w.communeA, 1970);
    const binh = await person('Lê Văn Bình', w.communeA, 1995);
    const anh = await person('Trần Thị Ánh', w.deskA, 1992);
    const an = await person('Nguyễn Văn An', w.communeA, 1980);
    const dung = await person('Đỗ Thị Dung', w.communeA, 2000);
    await person('Hoàng Văn Khác', w.communeB);
    for (const m of [1, 2, 3]) {
      await evaluate(w, an, m);
      await evaluate(w, anh, m, { X3: 'DONE' });
    }
    await evaluate(w, binh, 3, { L1: 'NOT_DONE', X1: 'DONE' });
    await evaluate(w, duc, 3, {}, { finalised: false });
    await classify(w, an, 'OUTSTANDING');
    await classify(w, binh, 'COMPLETED');
    await report(w, { staff: binh, criteria: ['X1', 'L1'], confirmed: ['X1'], status: 'RESOLVED', month: 4, remedies: ['APOLOGY'], letterSentAt: new Date(Date.UTC(2026, 4, 2)) });
    // Received at 06:48 on 11 February in Việt Nam, still the 10th in UTC.
    await report(w, { staff: an, criteria: ['K1'], status: 'NOT_SUBSTANTIATED', month: 2, receivedAt: new Date(Date.UTC(2026, 1, 10, 23, 48)) });
    await report(w, { staff: null, criteria: ['L3'], status: 'RECEIVED', month: 6, excludedUserIds: [headUserId] });
    await report(w, { commune: w.communeB, criteria: ['X1'], confirmed: ['X1'], status: 'SUBSTANTIATED' });
    await rate(w.deskA, 3, 2026, 29, 1);
    await rate(w.deskA, 4, 2026, 10, 0);
    void dung;
    buf = await workbookBuffer('COMMUNE', w.communeA, 2026, { now: NOW, viewerUserId: headUserId });
    wb = readWorkbook(buf);
  });

  it('when opened by another reader, then it has the five sheets in order', () => {
    expect(wb.SheetNames).to.deep.equal(['Tổng hợp', 'Cán bộ', 'Phản ánh', 'Hài lòng', 'Góp ý tại quầy']);
  });

  it('when the summary is read, then it carries the national heading, the commune and the date line', () => {
    expect(cell(wb, 'Tổng hợp', 'A1')?.v).to.equal('UBND TỈNH ĐIỆN BIÊN');
    expect(cell(wb, 'Tổng hợp', 'A2')?.v).to.equal('UBND XÃ THANH NƯA');
    expect(cell(wb, 'Tổng hợp', 'E1')?.v).to.equal('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(cell(wb, 'Tổng hợp', 'E2')?.v).to.equal('Độc lập - Tự do - Hạnh phúc');
    expect(cell(wb, 'Tổng hợp', 'E3')?.v).to.equal('Thanh Nưa, ngày 05 tháng 01 năm 2027');
    expect(cell(wb, 'Tổng hợp', 'A5')?.v).to.equal('BÁO CÁO KẾT QUẢ THỰC HIỆN QUY TẮC ỨNG XỬ "4 XIN, 4 LUÔN, 5 KHÔNG" NĂM 2026');
  });

  it('when the key figures are read, then they match the database', async () => {
    const facts = new Map(rows(wb, 'Tổng hợp', 8).filter((r) => typeof r[1] === 'string').map((r) => [r[1] as string, r[3]]));
    const staffInDb = await StaffModel.countDocuments({ unitPath: w.communeA._id, active: true });
    expect(facts.get('Số cán bộ, công chức, viên chức')).to.equal(staffInDb).and.to.equal(5);
    // Born 1995, 1992, 2000 are under 40 in 2026; 1970 and 1980 are not.
    expect(facts.get('Trong đó dưới 40 tuổi')).to.equal(3);
    expect(facts.get('Tỷ lệ dưới 40 tuổi')).to.be.closeTo(0.6, 1e-9);
    expect(facts.get('Số lượt đánh giá trong năm')).to.equal(8);
    expect(facts.get('Số lượt đã đánh giá xong')).to.equal(7);
    // An complies fully; Ánh too (a "Thực hiện" is not a breach); Bình breached and has a substantiated report.
    expect(facts.get('Số người thực hiện tốt quy chế (không vi phạm)')).to.equal(2);
    expect(facts.get('Số phản ánh tiếp nhận')).to.equal(await IncidentReportModel.countDocuments({ reportingUnitId: w.communeA._id }));
    expect(facts.get('Số lượt đánh giá mức độ hài lòng')).to.equal(await RatingModel.countDocuments({ unitPath: w.communeA._id }));
    expect(facts.get('Tỷ lệ hài lòng')).to.be.closeTo(39 / 40, 1e-9);
    expect(facts.get('Hoàn thành xuất sắc nhiệm vụ')).to.equal(1);
  });

  it('when the per-criterion table is read, then counts add up and the total row holds SUM formulas', () => {
    const all = rows(wb, 'Tổng hợp');
    const header = all.findIndex((r) => r[1] === 'Mã');
    const x1 = all[header + 1]!;
    expect(x1.slice(1, 3)).to.deep.equal(['X1', 'Xin chào']);
    // X1 over 7 finalised evaluations: six GOOD, Bình's DONE; one substantiated report.
    expect(x1.slice(3, 6)).to.deep.equal([6, 1, 0]);
    expect(x1[7]).to.equal(1);
    const totalRow = header + 1 + 13 + 1; // 1-based row of the totals
    const total = cell(wb, 'Tổng hợp', `D${totalRow}`)!;
    expect(total.f).to.match(/^SUM\(D\d+:D\d+\)$/);
    // GOOD ratings: An 3×13, Ánh 3×12, Bình 11.
    expect(total.v).to.equal(86);
    expect(cell(wb, 'Tổng hợp', `F${totalRow}`)?.v).to.equal(1);
    expect(cell(wb, 'Tổng hợp', `G${totalRow}`)?.z).to.equal('0.0%');
  });

  it('when the staff sheet is read, then people are in Vietnamese order with their scores, incidents, classification and verdict', () => {
    const sheet = rows(wb, 'Cán bộ');
    const header = sheet[3]!;
    expect(header.slice(0, 4)).to.deep.equal(['STT', 'Họ và tên', 'Chức vụ', 'Đơn vị']);
    expect(sheet[2]![4]).to.equal('Tháng 1');
    const people = sheet.slice(4, 9);
    expect(people.map((r) => r[1])).to.deep.equal(['Nguyễn Văn An', 'Trần Thị Ánh', 'Lê Văn Bình', 'Đỗ Thị Dung', 'Phạm Văn Đức']);
    const binh = people[2]!;
    // Period 3 (March) starts at column 4 + 2×13; L1 is the 5th criterion.
    const march = 4 + 2 * 13;
    expect(binh[march]).to.equal(1); // X1 DONE
    expect(binh[march + 4]).to.equal(0); // L1 NOT_DONE
    expect(binh[4]).to.equal(null); // not evaluated in January
    const incStart = 4 + 12 * 13;
    expect(header[incStart]).to.equal('X1');
    expect(binh[incStart]).to.equal(1);
    expect(binh[colOf(header, 'Tổng phản ánh có cơ sở')]).to.equal(1);
    expect(binh[colOf(header, 'Số lần "Chưa thực hiện"')]).to.equal(1);
    expect(binh[colOf(header, 'Xếp loại năm')]).to.equal('Hoàn thành nhiệm vụ');
    expect(binh[colOf(header, 'Kết luận')]).to.equal('Có vi phạm');
    expect(people[0]![colOf(header, 'Kết luận')]).to.equal('Thực hiện tốt');
    expect(people[1]![colOf(header, 'Kết luận')]).to.equal('Thực hiện');
    expect(people[1]![3]).to.equal('Bộ phận tiếp nhận và trả kết quả');
    expect(people[4]![colOf(header, 'Kết luận')]).to.equal('Chưa đánh giá');
    expect(sheet[9]![1]).to.equal('Tổng cộng');
  });

  it('when the staff sheet XML is read, then the header is frozen, filtered and printed on every A3 landscape page, the names on every page across', async () => {
    const xml = await partXml(buf, 'xl/worksheets/sheet2.xml');
    expect(xml).to.match(/<pane [^>]*xSplit="2"[^>]*ySplit="4"[^>]*state="frozen"/);
    expect(xml).to.match(/<autoFilter ref="A4:[A-Z]+9"/);
    // 12 months × 13 criteria: too wide for A4, so A3 and several pages across.
    expect(xml).to.match(/<pageSetup [^>]*paperSize="8"[^>]*orientation="landscape"/);
    expect(Number(/fitToWidth="(\d+)"/.exec(xml)?.[1])).to.be.greaterThan(1);
    const book = await partXml(buf, 'xl/workbook.xml');
    expect(book).to.match(/<definedName name="_xlnm.Print_Titles" localSheetId="1">(&apos;|')Cán bộ(&apos;|')!\$A:\$B,(&apos;|')Cán bộ(&apos;|')!\$3:\$4<\/definedName>/);
    const totals = cell(wb, 'Cán bộ', `${XLSXcol(4 + 12 * 13 + 13 + 1)}10`)!;
    expect(totals.f).to.match(/^SUM\(/);
    expect(totals.v).to.equal(1);
  });

  it('when the incidents sheet is read, then it lists the cases with dates (received on the day it was in Việt Nam), status, remedy and letter, without those hidden from the viewer', () => {
    const sheet = rows(wb, 'Phản ánh');
    expect(sheet[2]).to.include('Số phản ánh').and.to.include('Ngày gửi thư xin lỗi');
    const cases = sheet.slice(3).filter((r) => typeof r[0] === 'number');
    expect(cases).to.have.length(2);
    const [first, second] = cases;
    expect(first![8]).to.equal('Không có cơ sở');
    expect((first![3] as Date).toISOString().slice(0, 10)).to.equal('2026-02-11');
    expect(second![4]).to.equal('Lê Văn Bình');
    expect(second![6]).to.equal('X1, L1');
    expect(second![7]).to.equal('X1');
    expect(second![8]).to.equal('Đã giải quyết');
    expect(second![9]).to.equal('Thư xin lỗi');
    expect((second![10] as Date).toISOString().slice(0, 10)).to.equal('2026-05-02');
    expect(cell(wb, 'Phản ánh', 'C5')?.z).to.match(/dd\/mm\/yyyy/);
  });

  it('when the satisfaction sheet is read, then each desk and month has its rate and the total matches the database', async () => {
    const sheet = rows(wb, 'Hài lòng');
    expect(sheet[3]!.slice(0, 4)).to.deep.equal(['Bộ phận tiếp nhận và trả kết quả', '03/2026', 30, 29]);
    expect(sheet[3]![4]).to.be.closeTo(29 / 30, 1e-9);
    const total = sheet[5]!;
    expect(total[0]).to.equal('Tổng cộng');
    expect(total[2]).to.equal(await RatingModel.countDocuments({ unitPath: w.communeA._id }));
    expect(cell(wb, 'Hài lòng', 'C6')?.f).to.equal('SUM(C4:C5)');
  });

  it('when a commune-level unit has been closed since, then its workbook still builds', async () => {
    const old = await makeUnit({ name: 'Xã Thanh Luông', kind: 'commune', parent: w.province, effectiveTo: new Date(Date.UTC(2025, 6, 1)) });
    const out = readWorkbook(await workbookBuffer('COMMUNE', old, 2024, { now: NOW }));
    expect(out.SheetNames).to.have.length(5);
    expect(cell(out, 'Tổng hợp', 'A2')?.v).to.equal('UBND XÃ THANH LUÔNG');
  });
});

function XLSXcol(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}
