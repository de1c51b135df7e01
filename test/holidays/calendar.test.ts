import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp } from '../helpers/app.js';
import { makeProvince, makeUser } from '../helpers/factories.js';
import { HolidayModel } from '../../src/holidays/model.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { workingDaysFrom } from '../../src/holidays/service.js';

describe('holiday calendar', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
  });

  it('when the administrator loads 2026 and adds a day, then the calendar drives working-day deadlines', async () => {
    const admin = await makeUser({ roles: [{ role: 'admin', unit: units.province }] });
    const agent = agentFor(testApp());
    await login(agent, admin.username);
    const loaded = await submitForm(agent, '/holidays?year=2026', '/holidays/load', { year: '2026' });
    expect(loaded.status).to.equal(302);
    expect(await HolidayModel.countDocuments({ year: 2026 })).to.equal(11);
    // Loading again adds nothing.
    await submitForm(agent, '/holidays?year=2026', '/holidays/load', { year: '2026' });
    expect(await HolidayModel.countDocuments({ year: 2026 })).to.equal(11);

    const page = await agent.get('/holidays?year=2026');
    expect(page.text).to.contain('Tết Nguyên Đán (mùng 1)').and.to.contain('17/02/2026');
    expect((await workingDaysFrom(new Date(Date.UTC(2026, 1, 13)), 2)).toISOString().slice(0, 10)).to.equal('2026-02-24');

    const added = await submitForm(agent, '/holidays?year=2026', '/holidays', { date: '24/02/2026', kind: 'HOLIDAY', name: 'Nghỉ đột xuất' });
    expect(added.status).to.equal(302);
    expect((await workingDaysFrom(new Date(Date.UTC(2026, 1, 13)), 2)).toISOString().slice(0, 10)).to.equal('2026-02-25');
    expect(await AuditEntryModel.countDocuments({ objectType: 'holiday', action: 'create' })).to.equal(12);
  });

  it('when a date already in the calendar is added again, then 422 beside the date field', async () => {
    const admin = await makeUser({ roles: [{ role: 'admin', unit: units.province }] });
    const agent = agentFor(testApp());
    await login(agent, admin.username);
    await submitForm(agent, '/holidays', '/holidays', { date: '2026-09-02', kind: 'HOLIDAY', name: 'Quốc khánh' });
    const again = await submitForm(agent, '/holidays', '/holidays', { date: '02/09/2026', kind: 'HOLIDAY', name: 'Trùng' });
    expect(again.status).to.equal(422);
    expect(again.text).to.contain('Ngày này đã có trong lịch.');
    expect(again.text).to.contain('value="Trùng"');
  });

  it('when the administrator edits and deletes a day, then both are saved and audited', async () => {
    const admin = await makeUser({ roles: [{ role: 'admin', unit: units.province }] });
    const agent = agentFor(testApp());
    await login(agent, admin.username);
    await submitForm(agent, '/holidays', '/holidays', { date: '2027-09-03', kind: 'HOLIDAY', name: 'Quốc khánh (liền kề)', provisional: 'on' });
    const h = (await HolidayModel.findOne({}).lean())!;
    expect(h.provisional).to.equal(true);
    const edited = await submitForm(agent, `/holidays/${h._id}/edit`, `/holidays/${h._id}`, { date: '2027-09-01', kind: 'HOLIDAY', name: 'Quốc khánh (ngày liền kề)' });
    expect(edited.status).to.equal(302);
    const after = (await HolidayModel.findById(h._id).lean())!;
    expect(after.date.toISOString().slice(0, 10)).to.equal('2027-09-01');
    expect(after.provisional).to.equal(false);
    await submitForm(agent, '/holidays?year=2027', `/holidays/${h._id}/delete`, {});
    expect(await HolidayModel.countDocuments()).to.equal(0);
    expect((await AuditEntryModel.find({ objectId: h._id }).lean()).map((e) => e.action).sort()).to.deep.equal(['create', 'delete', 'update']);
  });

  it('when a unit head opens the calendar, then 403; an unknown id gives 404', async () => {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, head.username);
    expect((await agent.get('/holidays')).status).to.equal(403);
    const admin = await makeUser({ roles: [{ role: 'admin', unit: units.province }] });
    const adminAgent = agentFor(testApp());
    await login(adminAgent, admin.username);
    expect((await adminAgent.get('/holidays/64b7f0c2a1b2c3d4e5f60718/edit')).status).to.equal(404);
  });
});
