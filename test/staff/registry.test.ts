import { UserModel } from '../../src/auth/model.js';
import { expect } from 'chai';
import { agentFor, login, submitForm, testApp } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeProvince, makeStaff, makeUser } from '../helpers/factories.js';
import { StaffModel } from '../../src/staff/model.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { staffMessages } from '../../src/staff/messages.js';
import { PAGE_SIZE } from '../../src/shared/pagination.js';

/** Names in the list's rows, in the order shown. */
const listedNames = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/staff\/[0-9a-f]{24}">([^<]+)<\/a><\/th>/g)].map((m) => m[1]);

const validFields = (unitId: string, overrides: Record<string, string> = {}) => ({
  fullName: 'Quàng Thị Mai',
  position: 'Công chức Văn phòng - Thống kê',
  unitId,
  birthYear: '1992',
  gender: 'female',
  category: 'congChuc',
  educationLevel: 'university',
  politicalTheoryLevel: 'intermediate',
  staffCode: '',
  username: '',
  active: 'on',
  ...overrides,
});

describe('staff registry', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
  });

  async function headOfA() {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, head.username);
    return agent;
  }

  it('when a head opens the list, then people are sorted by given name, then family name', async () => {
    await makeStaff({ fullName: 'Trần Văn Bình', unit: units.communeA });
    await makeStaff({ fullName: 'Nguyễn Văn An', unit: units.deskA });
    await makeStaff({ fullName: 'Lò Thị Bình', unit: units.communeA });
    const res = await (await headOfA()).get('/staff');
    expect(res.status).to.equal(200);
    expect(listedNames(res.text)).to.deep.equal(['Nguyễn Văn An', 'Lò Thị Bình', 'Trần Văn Bình']);
    expect(res.text).to.contain('Bộ phận tiếp nhận và trả kết quả');
  });

  it('when the search has no diacritics, then it still finds Vietnamese names', async () => {
    await makeStaff({ fullName: 'Nguyễn Văn An', unit: units.communeA });
    await makeStaff({ fullName: 'Đặng Thị Hà', unit: units.communeA });
    await makeStaff({ fullName: 'Trần Văn Bình', unit: units.communeA });
    const agent = await headOfA();
    expect(listedNames((await agent.get('/staff?q=nguyen')).text)).to.deep.equal(['Nguyễn Văn An']);
    expect(listedNames((await agent.get('/staff?q=dang thi')).text)).to.deep.equal(['Đặng Thị Hà']);
    expect(listedNames((await agent.get('/staff?q=' + encodeURIComponent('(.*'))).text)).to.deep.equal([]);
  });

  it('when filters are chosen, then only matching people are listed', async () => {
    await makeStaff({ fullName: 'Nguyễn Văn An', unit: units.communeA, category: 'canBo' });
    await makeStaff({ fullName: 'Lò Thị Bình', unit: units.deskA, category: 'congChuc' });
    await makeStaff({ fullName: 'Trần Văn Cường', unit: units.deskA, category: 'congChuc', active: false });
    const agent = await headOfA();
    expect(listedNames((await agent.get(`/staff?unitId=${units.deskA._id}`)).text)).to.deep.equal(['Lò Thị Bình', 'Trần Văn Cường']);
    expect(listedNames((await agent.get('/staff?category=canBo')).text)).to.deep.equal(['Nguyễn Văn An']);
    expect(listedNames((await agent.get('/staff?active=false')).text)).to.deep.equal(['Trần Văn Cường']);
  });

  it('when there are more people than a page holds, then the rest are on the next page in order', async () => {
    const names = Array.from({ length: PAGE_SIZE + 2 }, (_, i) => `Nguyễn Văn A${String(i).padStart(2, '0')}`);
    for (const fullName of names) await makeStaff({ fullName, unit: units.communeA });
    const agent = await headOfA();
    const first = await agent.get('/staff');
    const second = await agent.get('/staff?page=2');
    expect(listedNames(first.text)).to.deep.equal(names.slice(0, PAGE_SIZE));
    expect(listedNames(second.text)).to.deep.equal(names.slice(PAGE_SIZE));
    expect(first.text).to.contain(`Trang 1/2 · ${PAGE_SIZE + 2} kết quả`);
  });

  it('when a head of commune A looks at commune B, then B\'s staff are neither listed nor opened', async () => {
    await makeStaff({ fullName: 'Lò Thị Bình', unit: units.communeA });
    const other = await makeStaff({ fullName: 'Giàng A Páo', unit: units.communeB });
    const agent = await headOfA();
    expect(listedNames((await agent.get('/staff')).text)).to.deep.equal(['Lò Thị Bình']);
    expect((await agent.get(`/staff?unitId=${units.communeB._id}`)).status).to.equal(403);
    expect((await agent.get(`/staff/${other._id}`)).status).to.equal(403);
    expect((await agent.get(`/staff/${other._id}/edit`)).status).to.equal(403);
    const post = await submitForm(agent, '/staff/new', `/staff/${other._id}`, { ...validFields(String(units.communeB._id)), version: '0' });
    expect(post.status).to.equal(403);
    expect((await StaffModel.findById(other._id).lean())!.fullName).to.equal('Giàng A Páo');
  });

  it('when a head creates someone in commune B, then 403 and nothing is saved', async () => {
    const agent = await headOfA();
    const res = await submitForm(agent, '/staff/new', '/staff', validFields(String(units.communeB._id)));
    expect(res.status).to.equal(403);
    expect(await StaffModel.countDocuments()).to.equal(0);
  });

  it('when a staff-only user opens the list, then 403; their own record opens, another\'s does not', async () => {
    const own = await makeStaff({ fullName: 'Lò Văn Phích', unit: units.communeA });
    const colleague = await makeStaff({ fullName: 'Lò Thị Bình', unit: units.communeA });
    const user = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }], staffId: own._id });
    const agent = agentFor(testApp());
    await login(agent, user.username);
    expect((await agent.get('/staff')).status).to.equal(403);
    expect((await agent.get('/staff/new')).status).to.equal(403);
    const me = await agent.get('/staff/me');
    expect(me.status).to.equal(302);
    expect(me.headers.location).to.equal(`/staff/${own._id}`);
    const page = await agent.get(`/staff/${own._id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Lò Văn Phích');
    expect(page.text).not.to.contain(`/staff/${own._id}/edit`);
    expect((await agent.get(`/staff/${colleague._id}`)).status).to.equal(403);
    expect((await agent.get(`/staff/${own._id}/edit`)).status).to.equal(403);
  });

  it('when the id is unknown or malformed, then 404', async () => {
    const agent = await headOfA();
    expect((await agent.get('/staff/66aaaaaaaaaaaaaaaaaaaaaa')).status).to.equal(404);
    expect((await agent.get('/staff/not-an-id')).status).to.equal(404);
  });

  it('when a head creates a person, then it is stored with its sort and search keys, audited, and shown', async () => {
    const agent = await headOfA();
    const res = await submitForm(agent, '/staff/new', '/staff', validFields(String(units.deskA._id), { staffCode: 'db-0042' }));
    expect(res.status).to.equal(302);
    const stored = await StaffModel.findOne({ fullName: 'Quàng Thị Mai' }).lean();
    expect(stored).to.include({ searchName: 'quang thi mai', birthYear: 1992, category: 'congChuc', staffCode: 'db-0042', codeKey: 'DB-0042', active: true });
    expect(stored!.unitPath.map(String)).to.deep.equal(units.deskA.path.map(String));
    expect(res.headers.location).to.equal(`/staff/${stored!._id}`);
    const audit = await AuditEntryModel.find({ objectType: 'staff', objectId: stored!._id }).lean();
    expect(audit.map((a) => a.action)).to.deep.equal(['create']);
    const page = await agent.get(res.headers.location!);
    expect(page.text).to.contain('Đã thêm cán bộ, công chức.');
    expect(page.text).to.contain('Trung cấp');
  });

  it('when a head records a person’s general education, then it is stored and shown; an edit from a form without the field keeps it', async () => {
    const agent = await headOfA();
    const res = await submitForm(agent, '/staff/new', '/staff', validFields(String(units.communeA._id), { generalEducation: 'upperSecondary' }));
    expect(res.status).to.equal(302);
    const stored = await StaffModel.findOne({ fullName: 'Quàng Thị Mai' }).lean();
    expect(stored).to.include({ generalEducation: 'upperSecondary' });
    expect((await agent.get(res.headers.location!)).text).to.contain('Giáo dục phổ thông').and.contain('Trung học phổ thông (12/12)');
    const edit = await submitForm(agent, `/staff/${stored!._id}/edit`, `/staff/${stored!._id}`, validFields(String(units.communeA._id), { position: 'Chủ tịch', version: String(stored!.version) }));
    expect(edit.status).to.equal(302);
    expect(await StaffModel.findById(stored!._id).lean()).to.include({ position: 'Chủ tịch', generalEducation: 'upperSecondary' });
    const invalid = await submitForm(agent, '/staff/new', '/staff', validFields(String(units.communeA._id), { fullName: 'Lò Văn Tư', generalEducation: 'college' }));
    expect(invalid.status).to.equal(422);
  });

  it('when the birth year is out of range, then 422 with the message beside the field, values kept, nothing saved', async () => {
    const agent = await headOfA();
    const res = await submitForm(agent, '/staff/new', '/staff', validFields(String(units.communeA._id), { birthYear: String(new Date().getFullYear() - 10) }));
    expect(res.status).to.equal(422);
    expect(res.text).to.match(/<p class="error" id="f-birthYear-error">Năm sinh phải là số từ 1940/);
    expect(res.text).to.contain('value="Quàng Thị Mai"');
    expect(await StaffModel.countDocuments()).to.equal(0);
    const tooOld = await submitForm(agent, '/staff/new', '/staff', validFields(String(units.communeA._id), { birthYear: '1939' }));
    expect(tooOld.status).to.equal(422);
    expect(await StaffModel.countDocuments()).to.equal(0);
  });

  it('when the staff code is already used, then 422 beside the code', async () => {
    const agent = await headOfA();
    expect((await submitForm(agent, '/staff/new', '/staff', validFields(String(units.communeA._id), { staffCode: 'X1' }))).status).to.equal(302);
    const res = await submitForm(agent, '/staff/new', '/staff', validFields(String(units.communeA._id), { fullName: 'Lò Văn Tư', staffCode: 'x1' }));
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Mã cán bộ này đã được dùng cho người khác.');
    expect(await StaffModel.countDocuments()).to.equal(1);
  });

  it('when a login is named, then it is linked and its owner can open the record', async () => {
    const login1 = await makeUser({ username: 'quangmai', roles: [{ role: 'staff', unit: units.deskA }] });
    const agent = await headOfA();
    const res = await submitForm(agent, '/staff/new', '/staff', validFields(String(units.deskA._id), { username: 'QuangMai' }));
    expect(res.status).to.equal(302);
    const stored = await StaffModel.findOne({ fullName: 'Quàng Thị Mai' }).lean();
    expect(String(stored!.userId)).to.equal(String(login1._id));
    expect(String((await UserModel.findById(login1._id).lean())!.staffId)).to.equal(String(stored!._id));
    const unknown = await submitForm(agent, '/staff/new', '/staff', validFields(String(units.deskA._id), { fullName: 'Lò Văn Tư', username: 'khongco' }));
    expect(unknown.status).to.equal(422);
    const own = agentFor(testApp());
    await login(own, 'quangmai');
    expect((await own.get('/staff/me')).headers.location).to.equal(`/staff/${stored!._id}`);
  });

  it('when an edit is based on an old version, then 409 and the newer change stays', async () => {
    const person = await makeStaff({ fullName: 'Lò Thị Bình', unit: units.communeA });
    const agent = await headOfA();
    const editPage = `/staff/${person._id}/edit`;
    const form = (await agent.get(editPage)).text;
    expect(form).to.contain('name="version" value="0"');
    const first = await submitForm(agent, editPage, `/staff/${person._id}`, { ...validFields(String(units.communeA._id), { fullName: 'Lò Thị Bình Minh' }), version: '0' });
    expect(first.status).to.equal(302);
    const stale = await submitForm(agent, editPage, `/staff/${person._id}`, { ...validFields(String(units.communeA._id), { fullName: 'Lò Thị Cũ' }), version: '0' });
    expect(stale.status).to.equal(409);
    const stored = await StaffModel.findById(person._id).lean();
    expect(stored).to.include({ fullName: 'Lò Thị Bình Minh', version: 1, searchName: 'lo thi binh minh' });
    const audit = await AuditEntryModel.find({ objectType: 'staff', objectId: person._id }).lean();
    expect(audit).to.have.length(1);
    expect(audit[0]!.changes.map((c) => c.field)).to.include('fullName');
  });

  it('when the catalogues are compared, then Vietnamese and English have the same keys', () => {
    const keys = (o: unknown, prefix = ''): string[] =>
      typeof o === 'object' && o !== null ? Object.entries(o).flatMap(([k, v]) => keys(v, `${prefix}${k}.`)) : [prefix];
    expect(keys(staffMessages.en)).to.deep.equal(keys(staffMessages.vi));
  });
});
