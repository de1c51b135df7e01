import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp } from '../helpers/app.js';
import { makeProvince, makeStaff, makeUnit, makeUser } from '../helpers/factories.js';
import { UserModel } from '../../src/auth/model.js';
import { StaffModel } from '../../src/staff/model.js';
import { AuditEntryModel } from '../../src/audit/model.js';

describe('login accounts', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
  });

  async function asAdmin() {
    const admin = await makeUser({ username: 'sonoivu', roles: [{ role: 'admin', unit: units.province }] });
    const agent = agentFor(testApp());
    await login(agent, admin.username);
    return agent;
  }

  it('when an administrator creates a login for a staff record, then both are linked, the user can log in, and it is audited', async () => {
    const staff = await makeStaff({ fullName: 'Lò Thị Xuân', unit: units.communeA });
    const agent = await asAdmin();
    const res = await submitForm(agent, '/users/new', '/users', {
      username: 'xuanlt', displayName: 'Lò Thị Xuân', email: 'Xuan.LT@ThanhNua.example.vn', password: 'MatKhauMoi-2026', staffId: String(staff._id),
      'roles[0][role]': 'staff', 'roles[0][unitId]': String(units.communeA._id),
    });
    expect(res.status).to.equal(302);
    const user = await UserModel.findOne({ username: 'xuanlt' }).lean();
    expect(String(user!.staffId)).to.equal(String(staff._id));
    expect(user!.email).to.equal('xuan.lt@thanhnua.example.vn');
    expect(String((await StaffModel.findById(staff._id).lean())!.userId)).to.equal(String(user!._id));
    expect(await AuditEntryModel.countDocuments({ objectType: 'user', objectId: user!._id, action: 'create' })).to.equal(1);
    const own = agentFor(testApp());
    await login(own, 'xuanlt', 'MatKhauMoi-2026');
  });

  it('when the username is taken and no role is chosen, then 422 with both messages and the values kept', async () => {
    await makeUser({ username: 'trungten', roles: [{ role: 'staff', unit: units.communeA }] });
    const agent = await asAdmin();
    const res = await submitForm(agent, '/users/new', '/users', { username: 'trungten', displayName: 'Người Trùng Tên', email: 'khong-phai-email', password: 'MatKhauMoi-2026' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Cần ít nhất một vai trò.');
    expect(res.text).to.contain('Địa chỉ thư điện tử không hợp lệ.');
    expect(res.text).to.contain('value="Người Trùng Tên"');
    expect(res.text).not.to.contain('MatKhauMoi-2026');
    expect(await UserModel.countDocuments({ username: 'trungten' })).to.equal(1);
  });

  it('when an administrator grants a role on a unit of another province, then 422 and nothing is saved', async () => {
    const otherProvince = await makeUnit({ name: 'Tỉnh Lai Châu', kind: 'province' });
    const agent = await asAdmin();
    const res = await submitForm(agent, '/users/new', '/users', {
      username: 'ngoaitinh', displayName: 'Ngoại Tỉnh', password: 'MatKhauMoi-2026', 'roles[0][role]': 'head', 'roles[0][unitId]': String(otherProvince._id),
    });
    expect(res.status).to.equal(422);
    expect(await UserModel.countDocuments({ username: 'ngoaitinh' })).to.equal(0);
  });

  it('when a unit head opens the accounts page, then 403', async () => {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, head.username);
    expect((await agent.get('/users')).status).to.equal(403);
  });

  it('when a locked account is unlocked by an administrator, then the user can log in again', async () => {
    const user = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    await UserModel.updateOne({ _id: user._id }, { $set: { lockedUntil: new Date(Date.now() + 3600_000) } });
    const agent = await asAdmin();
    const list = await agent.get('/users');
    expect(list.text).to.contain('Đang bị khóa');
    const res = await submitForm(agent, '/users', `/users/${user._id}/unlock`, {});
    expect(res.status).to.equal(302);
    await login(agentFor(testApp()), user.username);
  });

  it('when a user changes their password with a wrong current one or a mismatch, then 422; with the right one, the new password works', async () => {
    const user = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, user.username);
    const wrong = await submitForm(agent, '/account/password', '/account/password', { currentPassword: 'sai', newPassword: 'MotMatKhauDai-1', confirmPassword: 'MotMatKhauDai-1' });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('Mật khẩu hiện tại không đúng.');
    const mismatch = await submitForm(agent, '/account/password', '/account/password', { currentPassword: 'Matkhau@2026', newPassword: 'MotMatKhauDai-1', confirmPassword: 'khac' });
    expect(mismatch.text).to.contain('Hai mật khẩu không khớp.');
    const ok = await submitForm(agent, '/account/password', '/account/password', { currentPassword: 'Matkhau@2026', newPassword: 'MotMatKhauDai-1', confirmPassword: 'MotMatKhauDai-1' });
    expect(ok.status).to.equal(302);
    await login(agentFor(testApp()), user.username, 'MotMatKhauDai-1');
  });
  it('when a commune administrator acts on a province administrator who also works in that commune, then 403 and the login is unchanged', async () => {
    const provinceAdmin = await makeUser({ username: 'giamdocso', roles: [{ role: 'admin', unit: units.province }, { role: 'staff', unit: units.communeA }] });
    const communeAdmin = await makeUser({ username: 'quantrixa', roles: [{ role: 'admin', unit: units.communeA }] });
    const before = await UserModel.findById(provinceAdmin._id).lean();
    const agent = agentFor(testApp());
    await login(agent, communeAdmin.username);
    expect((await agent.get(`/users/${provinceAdmin._id}/edit`)).status).to.equal(403);
    const reset = await submitForm(agent, '/users', `/users/${provinceAdmin._id}/password`, { password: 'ChiemQuyen-2026', confirmPassword: 'ChiemQuyen-2026' });
    expect(reset.status).to.equal(403);
    const strip = await submitForm(agent, '/users', `/users/${provinceAdmin._id}`, {
      displayName: 'Bị tước quyền', email: '', active: 'on', 'roles[0][role]': 'staff', 'roles[0][unitId]': String(units.communeA._id),
    });
    expect(strip.status).to.equal(403);
    expect((await submitForm(agent, '/users', `/users/${provinceAdmin._id}/unlock`, {})).status).to.equal(403);
    const after = await UserModel.findById(provinceAdmin._id).lean();
    expect(after!.passwordHash).to.equal(before!.passwordHash);
    expect(after!.roles.map((g) => g.role)).to.deep.equal(['admin', 'staff']);
    expect(after!.displayName).to.equal(before!.displayName);
  });

  it('when a login has no role, then only an administrator of the province opens it', async () => {
    const roleless = await makeUser({ username: 'khongvaitro', roles: [] });
    const communeAdmin = await makeUser({ username: 'quantrixa', roles: [{ role: 'admin', unit: units.communeA }] });
    const commune = agentFor(testApp());
    await login(commune, communeAdmin.username);
    expect((await commune.get(`/users/${roleless._id}/edit`)).status).to.equal(403);
    const province = await asAdmin();
    expect((await province.get(`/users/${roleless._id}/edit`)).status).to.equal(200);
  });
  it('when a user changes their own password, then their other sessions end and the one they changed it from carries on', async () => {
    const user = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const here = agentFor(testApp());
    const elsewhere = agentFor(testApp());
    await login(here, user.username);
    await login(elsewhere, user.username);
    expect((await elsewhere.get('/account/password')).status).to.equal(200);
    const changed = await submitForm(here, '/account/password', '/account/password', { currentPassword: 'Matkhau@2026', newPassword: 'MotMatKhauDai-2', confirmPassword: 'MotMatKhauDai-2' });
    expect(changed.status).to.equal(302);
    expect((await here.get('/account/password')).status).to.equal(200);
    const ended = await elsewhere.get('/account/password');
    expect(ended.status).to.equal(302);
    expect(ended.headers.location).to.equal('/login');
  });

  it('when an administrator resets a password, then every session of that user ends', async () => {
    const user = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const theirs = agentFor(testApp());
    await login(theirs, user.username);
    expect((await theirs.get('/account/password')).status).to.equal(200);
    const admin = await asAdmin();
    const reset = await submitForm(admin, `/users/${user._id}/edit`, `/users/${user._id}/password`, { password: 'TamThoi-2026-x', confirmPassword: 'TamThoi-2026-x' });
    expect(reset.status).to.equal(302);
    expect((await theirs.get('/account/password')).headers.location).to.equal('/login');
    await login(agentFor(testApp()), user.username, 'TamThoi-2026-x');
  });
});
