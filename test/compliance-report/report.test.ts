import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { StaffModel } from '../../src/staff/model.js';
import { figuresUnder, sumFigures, totalsOf } from '../../src/statistics/index.js';
import { previousWindow } from '../../src/compliance-report/index.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeUnit, makeUser } from '../helpers/factories.js';
import { firstPagePng, laidOutByLibreOffice, LIBREOFFICE_TIMEOUT_MS } from '../helpers/libreoffice.js';
import { readDocx } from '../letters/docx.js';
import { classify, evaluate, exportWorld, person, rate, report, type ExportWorld } from '../exports/world.js';

const year = 2026;
const vi = (n: number) => n.toLocaleString('vi-VN');
const pct = (part: number, whole: number) => `${((100 * part) / whole).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`;

function binaryParser(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** Posts the report form (CSRF token from the form page) and returns the response with the body as bytes. */
async function postReport(agent: Agent, fields: Record<string, string>) {
  const _csrf = await csrfFrom(agent, '/compliance-report');
  return agent.post('/compliance-report').type('form').send({ _csrf, ...fields }).buffer(true).parse(binaryParser as never);
}

async function reportText(agent: Agent, fields: Record<string, string>) {
  const res = await postReport(agent, fields);
  expect(res.status, String(res.body)).to.equal(200);
  expect(res.headers['content-type']).to.contain('wordprocessingml');
  return { ...(await readDocx(res.body as Buffer)), buffer: res.body as Buffer };
}

describe('compliance report: the Báo cáo as a Word document, from the statistics read model', () => {
  let w: ExportWorld;
  let head: Agent;
  let otherHead: Agent;
  let admin: Agent;
  let emptyCommuneId: string;

  before(async function () {
    this.timeout(60_000);
    await clearDatabase();
    w = await exportWorld(year);
    const empty = await makeUnit({ name: 'Xã Sính Phình', kind: 'commune', parent: w.province });
    emptyCommuneId = String(empty._id);
    // Thanh Nưa: a cán bộ (46) and two công chức (31, 28), one of them with a breach; reports, ratings, classification.
    const an = await person('Nguyễn Văn An', w.communeA, year - 46);
    await StaffModel.updateOne({ _id: an._id }, { $set: { category: 'canBo', educationLevel: 'university', politicalTheoryLevel: 'intermediate', generalEducation: 'upperSecondary' } });
    const binh = await person('Lê Thị Bình', w.deskA, year - 31);
    const chi = await person('Trần Thị Chi', w.communeA, year - 28);
    await StaffModel.updateOne({ _id: chi._id }, { $set: { educationLevel: 'secondary' } });
    await evaluate(w, an, 1);
    await evaluate(w, binh, 1, { K2: 'NOT_DONE' });
    await evaluate(w, chi, 4, { X1: 'DONE' });
    await classify(w, an, 'OUTSTANDING');
    await report(w, { staff: binh, criteria: ['K2'], confirmed: ['K2'], status: 'RESOLVED', month: 2, remedies: ['APOLOGY'] });
    await report(w, { criteria: ['L2'], status: 'RECEIVED', month: 5 });
    await rate(w.deskA, 1, year, 29, 1);
    await rate(w.deskA, 4, year, 8, 2);
    await rate(w.deskA, 11, year - 1, 9, 1);
    // Mường Nhé: one person, one rating month with low satisfaction (a commune needing attention).
    const em = await person('Giàng A Em', w.communeB, year - 56);
    await evaluate(w, em, 1, {}, { commune: w.communeB });
    const deskB = await makeUnit({ name: 'Bộ phận một cửa', kind: 'desk', parent: w.communeB });
    await rate(deskB, 3, year, 6, 6);

    const headUser = await makeUser({ roles: [{ role: 'head', unit: w.communeA }] });
    const otherUser = await makeUser({ roles: [{ role: 'head', unit: w.communeB }] });
    const adminUser = await makeUser({ roles: [{ role: 'admin', unit: w.province }] });
    const app = testApp();
    head = agentFor(app);
    otherHead = agentFor(app);
    admin = agentFor(app);
    await login(head, headUser.username);
    await login(otherHead, otherUser.username);
    await login(admin, adminUser.username);
  });

  it('when a commune head downloads their commune’s yearly report, then it has the Decree 30 heading, the seven sections and the figures of the statistics door', async () => {
    const doc = await reportText(head, { unit: String(w.communeA._id), year: String(year), window: 'year', number: '5', signerName: 'Lò Văn Phích', signerRole: 'head' });
    const f = sumFigures((await figuresUnder(w.communeA, year)).map((u) => u.figures));
    const t = totalsOf(f);
    const text = doc.text;
    expect(text).to.contain('ỦY BAN NHÂN DÂN').and.contain('XÃ THANH NƯA').and.contain('Số: 05/BC-UBND').and.contain('BÁO CÁO');
    expect(text).to.contain('Thanh Nưa, ngày').and.contain('năm 2026').and.contain('Nơi nhận').and.contain('TM. ỦY BAN NHÂN DÂN').and.contain('Lò Văn Phích');
    for (const s of ['1. Đội ngũ', '2. Đánh giá', '3. Kết quả thực hiện từng tiêu chí', '4. Tiếp nhận và xử lý phản ánh', '5. Hồ sơ thủ tục hành chính trễ hạn', '6. Mức độ hài lòng', '7. So sánh'])
      expect(text).to.contain(s);
    expect(text).not.to.contain('8. Các xã');
    expect(text).to.contain(`Tổng số người trong năm 2026: ${vi(f.staff)} `);
    expect(f.staff).to.equal(3);
    expect(f.staffByCategory).to.have.keys('canBo', 'congChuc');
    expect(f.staffByCategory!.congChuc).to.include({ total: 2, under40: 2 });
    expect(f.staffByCategory!.congChuc!.education).to.deep.equal({ university: 1, secondary: 1 });
    expect(f.remediesByMonth).to.deep.equal({ 2: { APOLOGY: 1 } });
    const cbcc = f.staffByCategory!.canBo!.total + f.staffByCategory!.congChuc!.total;
    expect(text).to.contain(`trong đó cán bộ, công chức (CBCC) ${vi(cbcc)} người`);
    expect(text).to.contain(`Số người được đánh giá: ${vi(f.evaluatedStaff)}; trong đó ${vi(f.fullyCompliant)} người thực hiện đầy đủ Bộ quy tắc, đạt ${pct(f.fullyCompliant, f.evaluatedStaff)}`);
    expect(text).to.contain(`có ${vi(t.ratings)} lượt đánh giá, trong đó ${vi(t.satisfied)} lượt hài lòng; tỷ lệ hài lòng ${pct(t.satisfied, t.ratings)} (tỷ lệ hài lòng: số lượt chọn “Rất hài lòng” hoặc “Hài lòng”`);
    expect(text).to.contain(`tiếp nhận ${vi(t.reports)} phản ánh`);
    expect(text).to.contain('xin lỗi người dân (thư xin lỗi): 1 phản ánh');
    expect(text).to.contain('Hoàn thành xuất sắc nhiệm vụ 1 người');
    expect(text).to.contain('cán bộ có trình độ chuyên môn từ trung cấp trở lên 100%').and.contain('giáo dục phổ thông đạt chuẩn (tốt nghiệp trung học phổ thông, 12/12): cán bộ 100%, công chức 0%; 2 CBCC chưa được khai báo');
    expect(text).to.contain('Phụ lục I: Sổ tổng hợp kết quả thực hiện Bộ quy tắc ứng xử năm 2026').and.contain('./.');
    expect(text).not.to.match(/NaN|undefined|null|Infinity/);
  });

  it('when a quarter is chosen, then monthly figures cover its months only and the previous period is the quarter before (across the year)', async () => {
    expect(previousWindow({ year, from: 1, to: 3 })).to.deep.equal([{ year: year - 1, from: 10, to: 12 }]);
    expect(previousWindow({ year, from: 2, to: 5 })).to.deep.equal([{ year: year - 1, from: 10, to: 12 }, { year, from: 1, to: 1 }]);
    const doc = await reportText(head, { unit: String(w.communeA._id), year: String(year), window: 'Q1' });
    expect(doc.text).to.contain('quý I năm 2026').and.contain('Số: …../BC-UBND');
    expect(doc.text).to.contain(`có ${vi(30)} lượt đánh giá, trong đó ${vi(29)} lượt hài lòng`);
    expect(doc.text).to.contain('So sánh với cùng độ dài kỳ trước (quý IV năm 2025)');
    expect(doc.text).to.contain('số liệu cả năm 2026');
    expect(doc.text).not.to.match(/NaN|undefined|null|Infinity/);
  });

  it('when a commune head opens the exports page, then it links to the report form, which offers only their commune', async () => {
    expect((await head.get('/exports')).text).to.contain('href="/compliance-report"');
    const form = await head.get('/compliance-report');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain(String(w.communeA._id)).and.not.contain(String(w.communeB._id)).and.not.contain(String(w.province._id));
  });

  it('when the head of another commune asks for this commune’s report, then 403', async () => {
    const res = await postReport(otherHead, { unit: String(w.communeA._id), year: String(year), window: 'year' });
    expect(res.status).to.equal(403);
  });

  it('when the form is posted without its CSRF token, then 403 and no document', async () => {
    const res = await head.post('/compliance-report').type('form').send({ unit: String(w.communeA._id), year: String(year), window: 'year' });
    expect(res.status).to.equal(403);
    expect(res.headers['content-type']).not.to.contain('wordprocessingml');
  });

  it('when the window’s months are in the wrong order, then 422 with the form and the typed values kept', async () => {
    const res = await head
      .post('/compliance-report')
      .type('form')
      .send({ _csrf: await csrfFrom(head, '/compliance-report'), unit: String(w.communeA._id), year: String(year), window: 'months', fromMonth: '9', toMonth: '3', signerName: 'Lò Văn Phích' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Tháng kết thúc phải sau hoặc bằng tháng bắt đầu').and.contain('value="Lò Văn Phích"').and.contain('value="9"');
  });

  it('when a commune with no records is reported on, then every section reads “không có” and no NaN or undefined appears', async () => {
    const doc = await reportText(admin, { unit: emptyCommuneId, year: String(year), window: 'H1' });
    expect(doc.text).to.contain('không có cán bộ').and.contain('không có phiếu đánh giá').and.contain('Không có kết quả chấm').and.contain('không có phản ánh nào').and.contain('Không có hồ sơ trễ hạn').and.contain('không có lượt đánh giá');
    expect(doc.text).not.to.match(/NaN|undefined|null|Infinity/);
  });

  it('when the province administrator downloads the province’s report, then LibreOffice lays out the national title on one line, “BÁO CÁO” and the communes needing attention', async function () {
    this.timeout(LIBREOFFICE_TIMEOUT_MS);
    const doc = await reportText(admin, { unit: String(w.province._id), year: String(year), window: 'year', signerName: 'Nguyễn Văn Hùng' });
    expect(doc.text).to.contain('SỞ NỘI VỤ').and.contain('/BC-SNV').and.contain('GIÁM ĐỐC').and.contain('8. Các xã, phường cần quan tâm');
    expect(doc.text).to.match(/Xã Mường Nhé\s*tỷ lệ hài lòng 50%/);
    // The province report suppresses report counts below 3, as the province workbook does: 1 and 1 of 2 by status,
    // so the total is hidden as well ("dưới 3" beside two "dưới 3" would be 2, each 1).
    expect(doc.text).to.contain('tiếp nhận x phản ánh');
    expect(doc.text).to.contain('Đã tiếp nhận dưới 3; Đã giải quyết dưới 3');
    expect(doc.text).not.to.match(/NaN|undefined|null|Infinity/);
    const { pdf, text } = await laidOutByLibreOffice(doc.buffer);
    const lines = text.split('\n');
    expect(lines.find((l) => l.includes('CỘNG HÒA')), text).to.contain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(lines.find((l) => l.includes('Độc lập')), text).to.contain('Độc lập - Tự do - Hạnh phúc');
    expect(text).to.contain('BÁO CÁO');
    if (process.env.REPORT_SCREENSHOT) fs.writeFileSync(path.resolve(process.env.REPORT_SCREENSHOT), await firstPagePng(pdf, 80));
  });
});
