import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeProvince, makeStaff, makeUser } from '../helpers/factories.js';
import { StaffModel } from '../../src/staff/model.js';
import { AuditEntryModel } from '../../src/audit/model.js';

const HEADERS = ['Họ và tên', 'Chức vụ', 'Mã đơn vị', 'Năm sinh', 'Giới tính', 'Loại', 'Trình độ chuyên môn', 'Lý luận chính trị', 'Mã cán bộ'];

async function workbook(rows: (string | number)[][], headers = HEADERS): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Danh sách');
  sheet.addRow(headers);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The import page's error table as [row, column, message]. */
const errorRows = (html: string) =>
  [...html.matchAll(/<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [Number(m[1]), m[2], m[3]]);

describe('staff import from .xlsx', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  let agent: Agent;
  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    agent = agentFor(testApp());
    await login(agent, head.username);
  });

  async function upload(file: Buffer, filename = 'danh-sach.xlsx') {
    const _csrf = await csrfFrom(agent, '/staff/import');
    return agent.post('/staff/import').field('_csrf', _csrf).attach('file', file, filename);
  }

  it('when 3 rows are good and 2 are bad, then the 3 are stored, the 2 reported by row and column, nothing else written', async () => {
    const tooYoung = new Date().getFullYear() - 10;
    const file = await workbook([
      ['Nguyễn Văn An', 'Chủ tịch UBND xã', units.communeA.code, 1975, 'Nam', 'Cán bộ', 'Đại học', 'Cao cấp', 'TN-001'],
      ['Lò Thị Bình', 'Công chức Tư pháp - Hộ tịch', units.communeA.code, 1990, 'Nữ', 'Công chức', 'Dai hoc', 'Trung cấp', ''],
      ['Giàng A Páo', 'Công chức một cửa', 'KHONG-CO', 1988, 'Nam', 'Công chức', 'Đại học', 'Sơ cấp', ''],
      ['Trần Văn Bình', 'Nhân viên', units.deskA.code, 1985, 'male', 'nguoiLaoDong', 'vocational', 'none', 'TN-002'],
      ['Quàng Thị Mai', 'Văn thư', units.communeA.code, tooYoung, 'Nữ', 'Viên chức', 'Cao đẳng', 'Sơ cấp', ''],
    ]);
    const res = await upload(file);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Đã nhập 3 người; 2 lỗi.');
    expect(errorRows(res.text)).to.deep.equal([
      [4, 'Mã đơn vị', 'Không tìm thấy đơn vị này.'],
      [6, 'Năm sinh', 'Năm sinh phải là số từ 1940 và người này phải đủ 15 tuổi.'],
    ]);

    const stored = await StaffModel.find({}).sort({ sortKey: 1 }).lean();
    expect(stored.map((s) => s.fullName)).to.deep.equal(['Nguyễn Văn An', 'Lò Thị Bình', 'Trần Văn Bình']);
    expect(stored[0]).to.include({ gender: 'male', category: 'canBo', politicalTheoryLevel: 'advanced', staffCode: 'TN-001', birthYear: 1975 });
    expect(stored[1]).to.include({ gender: 'female', category: 'congChuc', educationLevel: 'university', searchName: 'lo thi binh' });
    expect(stored[2]).to.include({ category: 'nguoiLaoDong', educationLevel: 'vocational' });
    expect(stored[2]!.unitPath.map(String)).to.deep.equal(units.deskA.path.map(String));
    const audit = await AuditEntryModel.find({ objectType: 'staff' }).lean();
    expect(audit).to.have.length(1);
    expect(audit[0]).to.include({ action: 'import' });
    expect(String(audit[0]!.objectId)).to.equal(String(stored[0]!.importBatchId));
  });

  it('when the file has the general education column, then each row keeps its level (Vietnamese or English label), an unknown level is reported beside its column, and a file without the column imports as "Chưa khai báo"', async () => {
    const withColumn = await workbook(
      [
        ['Nguyễn Văn An', 'Chủ tịch UBND xã', units.communeA.code, 1975, 'Nam', 'Cán bộ', 'Đại học', 'Cao cấp', 'Trung học phổ thông (12/12)', ''],
        ['Lò Thị Bình', 'Công chức', units.communeA.code, 1990, 'Nữ', 'Công chức', 'Đại học', 'Sơ cấp', 'Lower secondary', ''],
        ['Giàng A Páo', 'Công chức', units.communeA.code, 1988, 'Nam', 'Công chức', 'Đại học', 'Sơ cấp', 'Lớp 9 cũ', ''],
      ],
      [...HEADERS.slice(0, 8), 'Giáo dục phổ thông', 'Mã cán bộ'],
    );
    const res = await upload(withColumn);
    expect(res.text).to.contain('Đã nhập 2 người; 1 lỗi.');
    expect(errorRows(res.text)).to.deep.equal([[4, 'Giáo dục phổ thông', 'Trình độ giáo dục phổ thông không có trong danh mục.']]);
    const stored = await StaffModel.find({}).sort({ sortKey: 1 }).lean();
    expect(stored.map((s) => [s.fullName, s.generalEducation])).to.deep.equal([
      ['Nguyễn Văn An', 'upperSecondary'],
      ['Lò Thị Bình', 'lowerSecondary'],
    ]);

    const earlier = await workbook([['Quàng Văn Dũng', 'Văn thư', units.communeA.code, 1992, 'Nam', 'Viên chức', 'Cao đẳng', 'Sơ cấp', '']]);
    expect((await upload(earlier)).text).to.contain('Đã nhập 1 người');
    expect((await StaffModel.findOne({ fullName: 'Quàng Văn Dũng' }).lean())!.generalEducation).to.equal('unknown');
  });

  it('when rows name another commune or reuse a staff code, then those rows are refused', async () => {
    const existing = await makeStaff({ fullName: 'Lò Văn Cũ', unit: units.communeA });
    await StaffModel.updateOne({ _id: existing._id }, { $set: { staffCode: 'dup-1', codeKey: 'DUP-1' } });
    const file = await workbook([
      ['Giàng A Páo', 'Công chức', units.communeB.code, 1988, 'Nam', 'Công chức', 'Đại học', 'Sơ cấp', ''],
      ['Lò Văn Tư', 'Công chức', units.communeA.code, 1988, 'Nam', 'Công chức', 'Đại học', 'Sơ cấp', 'DUP-1'],
      ['Lò Văn Năm', 'Công chức', units.communeA.code, 1988, 'Nam', 'Công chức', 'Đại học', 'Sơ cấp', 'NEW-1'],
      ['Lò Văn Sáu', 'Công chức', units.communeA.code, 1988, 'Nam', 'Công chức', 'Đại học', 'Sơ cấp', 'new-1'],
      ['Lò Văn Bảy', 'Công chức', units.communeA.code, 1988, 'Ông', 'Sĩ quan', 'Đại học', 'Sơ cấp', ''],
    ]);
    const res = await upload(file);
    expect(res.status).to.equal(200);
    expect(errorRows(res.text)).to.deep.equal([
      [2, 'Mã đơn vị', 'Đơn vị này không thuộc phạm vi bạn quản lý.'],
      [3, 'Mã cán bộ', 'Mã cán bộ này đã được dùng cho người khác.'],
      [5, 'Mã cán bộ', 'Mã cán bộ bị lặp lại trong tệp.'],
      [6, 'Giới tính', 'Giới tính phải là Nam, Nữ hoặc Khác.'],
      [6, 'Loại', 'Loại phải là Cán bộ, Công chức, Viên chức hoặc Người lao động.'],
    ]);
    expect(await StaffModel.countDocuments()).to.equal(2);
    expect(await StaffModel.exists({ fullName: 'Lò Văn Năm', codeKey: 'NEW-1' })).to.not.equal(null);
  });

  it('when the upload has no CSRF token, then 403 and nothing is stored', async () => {
    const file = await workbook([['Nguyễn Văn An', 'Chủ tịch', units.communeA.code, 1975, 'Nam', 'Cán bộ', 'Đại học', 'Cao cấp', '']]);
    await agent.get('/staff/import');
    const res = await agent.post('/staff/import').attach('file', file, 'danh-sach.xlsx');
    expect(res.status).to.equal(403);
    expect(await StaffModel.countDocuments()).to.equal(0);
  });

  it('when the upload is not an .xlsx file, then 415 with a message beside the file field', async () => {
    const res = await upload(Buffer.from('Họ và tên,Năm sinh\nNguyễn Văn An,1975\n'), 'danh-sach.csv');
    expect(res.status).to.equal(415);
    expect(res.text).to.contain('Tệp phải có định dạng Excel .xlsx.');
    expect(res.text).to.contain('id="f-file-error"');
    expect(await StaffModel.countDocuments()).to.equal(0);
  });

  it('when the file is larger than 2 MB, then 413 with a message', async () => {
    const res = await upload(Buffer.alloc(2 * 1024 * 1024 + 10, 0x50));
    expect(res.status).to.equal(413);
    expect(res.text).to.contain('Tệp vượt quá 2 MB.');
  });

  it('when a small file unpacks to far more than a staff list (a zip bomb), then 413 with a message, and nothing is stored', async () => {
    const plain = await workbook([['Nguyễn Văn An', 'Chủ tịch UBND xã', units.communeA.code, 1975, 'Nam', 'Cán bộ', 'Đại học', 'Cao cấp', '']]);
    const parts = unzipSync(new Uint8Array(plain));
    const sheetName = Object.keys(parts).find((n) => n.startsWith('xl/worksheets/') && n.endsWith('.xml'))!;
    // 64 MB of spaces before the sheet's root element: still well-formed XML, and about 64 KB once deflated.
    const sheet = new TextDecoder().decode(parts[sheetName]);
    const root = sheet.indexOf('<worksheet');
    const [head, rest] = [new TextEncoder().encode(sheet.slice(0, root)), new TextEncoder().encode(sheet.slice(root))];
    const padded = new Uint8Array(head.length + 64 * 1024 * 1024 + rest.length).fill(0x20);
    padded.set(head, 0);
    padded.set(rest, padded.length - rest.length);
    const bomb = Buffer.from(zipSync({ ...parts, [sheetName]: padded }, { level: 9 }));
    expect(bomb.length, 'the bomb is small enough to pass the 2 MB limit').to.be.lessThan(2 * 1024 * 1024);
    const res = await upload(bomb);
    expect(res.status).to.equal(413);
    expect(res.text).to.contain('Tệp chứa quá nhiều dữ liệu khi giải nén');
    expect(await StaffModel.countDocuments()).to.equal(0);
  });

  it('when a sheet has one stray cell in its last row (1,048,576), then the rows with data are read and the stray row is reported, not a million empty rows', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Danh sách');
    sheet.addRow(HEADERS);
    sheet.addRow(['Nguyễn Văn An', 'Chủ tịch UBND xã', units.communeA.code, 1975, 'Nam', 'Cán bộ', 'Đại học', 'Cao cấp', '']);
    sheet.getCell('A1048576').value = 'x';
    const res = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Đã nhập 1 người; 4 lỗi.');
    expect([...new Set(errorRows(res.text).map((r) => r[0]))]).to.deep.equal([1048576]);
    expect(await StaffModel.countDocuments()).to.equal(1);
  });

  it('when the header row does not match the template, then 422 and nothing is stored', async () => {
    const file = await workbook([['Nguyễn Văn An', 1975]], ['Tên', 'Năm']);
    const res = await upload(file);
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Dòng tiêu đề không đúng mẫu.');
    expect(await StaffModel.countDocuments()).to.equal(0);
  });

  it('when a staff-only user posts an import, then 403', async () => {
    const user = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const other = agentFor(testApp());
    await login(other, user.username);
    const _csrf = await csrfFrom(other, '/');
    const file = await workbook([['Nguyễn Văn An', 'Chủ tịch', units.communeA.code, 1975, 'Nam', 'Cán bộ', 'Đại học', 'Cao cấp', '']]);
    const res = await other.post('/staff/import').field('_csrf', _csrf).attach('file', file, 'a.xlsx');
    expect(res.status).to.equal(403);
    expect(await StaffModel.countDocuments()).to.equal(0);
  });

  it('when the template is downloaded, then it is an .xlsx whose header row is the expected one and imports back', async () => {
    const res = await agent.get('/staff/import/template.xlsx').buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).to.deep.equal([...HEADERS.slice(0, 8), 'Giáo dục phổ thông', 'Mã cán bộ']);
    sheet.addRow(['Nguyễn Văn An', 'Chủ tịch', units.communeA.code, 1975, 'Nam', 'Cán bộ', 'Đại học', 'Cao cấp', 'Trung học phổ thông (12/12)', '']);
    const back = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(back.text).to.contain('Đã nhập 1 người; 0 lỗi.');
    expect((await StaffModel.findOne({ fullName: 'Nguyễn Văn An' }).lean())!.generalEducation).to.equal('upperSecondary');
  });
});
