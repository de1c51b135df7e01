import { StaffModel } from '../../src/staff/model.js';
import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, submitForm, testApp, type Agent } from '../helpers/app.js';
import { makeProvince, makeUnit, makeUser, makeStaff } from '../helpers/factories.js';
import { UnitChangeModel, UnitModel } from '../../src/units/model.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { successorsOf } from '../../src/units/service.js';

const july2025 = new Date(Date.UTC(2025, 6, 1));

describe('units over HTTP', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  let admin: Agent;
  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
  });

  async function loggedIn(role: 'admin' | 'head' | 'staff', unit = units.province): Promise<Agent> {
    const user = await makeUser({ roles: [{ role, unit }] });
    const agent = agentFor(testApp());
    await login(agent, user.username);
    return agent;
  }

  describe('creating and editing', () => {
    beforeEach(async () => {
      admin = await loggedIn('admin');
    });

    it('when the administrator adds an office under a commune, then it is saved with its path, shown in the tree and audited', async () => {
      const res = await submitForm(admin, '/units/new', '/units', {
        code: 'TN-VHXH', name: 'Phòng Văn hóa - Xã hội', kind: 'office', parentId: String(units.communeA._id), effectiveFrom: '01/07/2025',
      });
      expect(res.status).to.equal(302);
      const saved = await UnitModel.findOne({ code: 'TN-VHXH' }).lean();
      expect(res.headers.location).to.equal(`/units/${saved!._id}`);
      expect(saved!.path.map(String)).to.deep.equal([units.province._id, units.communeA._id, saved!._id].map(String));
      expect(saved!.depth).to.equal(2);
      expect(saved!.searchName).to.equal('phong van hoa - xa hoi');
      expect(saved!.effectiveFrom.toISOString()).to.equal(july2025.toISOString());
      const tree = await admin.get('/units');
      expect(tree.text).to.contain('Phòng Văn hóa - Xã hội');
      expect(tree.text).to.contain('Phòng/ban');
      const entry = await AuditEntryModel.findOne({ objectType: 'unit', objectId: saved!._id, action: 'create' }).lean();
      expect(entry!.changes.map((c) => c.field)).to.include.members(['code', 'name', 'kind']);
    });

    it('when the code is already used, then 422 with the message beside the code field, the values kept and nothing saved', async () => {
      const before = await UnitModel.countDocuments();
      const res = await submitForm(admin, '/units/new', '/units', {
        code: units.communeB.code, name: 'Xã Trùng Mã', kind: 'commune', parentId: String(units.province._id), effectiveFrom: '01/07/2025',
      });
      expect(res.status).to.equal(422);
      expect(res.text).to.match(/id="f-code-error">Mã đơn vị này đã được dùng\.</);
      expect(res.text).to.contain('value="Xã Trùng Mã"');
      expect(await UnitModel.countDocuments()).to.equal(before);
    });

    it('when the start date is not a date, then 422 with the date message and nothing saved', async () => {
      const res = await submitForm(admin, '/units/new', '/units', {
        code: 'X-NEW', name: 'Xã Mới', kind: 'commune', parentId: String(units.province._id), effectiveFrom: '31/02/2025',
      });
      expect(res.status).to.equal(422);
      expect(res.text).to.match(/id="f-effectiveFrom-error">Ngày không hợp lệ/);
      expect(await UnitModel.exists({ code: 'X-NEW' })).to.equal(null);
    });

    it('when the form is posted without its CSRF token, then 403 and nothing is saved', async () => {
      await admin.get('/units/new');
      const res = await admin.post('/units').type('form').send({ code: 'NO-CSRF', name: 'Xã Không', kind: 'commune', parentId: String(units.province._id), effectiveFrom: '01/07/2025' });
      expect(res.status).to.equal(403);
      expect(await UnitModel.exists({ code: 'NO-CSRF' })).to.equal(null);
    });

    it('when a commune is renamed, then the name changes, the old name stays in its history and the version goes up', async () => {
      const res = await submitForm(admin, `/units/${units.communeA._id}/edit`, `/units/${units.communeA._id}`, {
        version: '0', code: units.communeA.code, name: 'Xã Thanh Nưa mới', kind: 'commune', effectiveFrom: '01/01/2020',
      });
      expect(res.status).to.equal(302);
      const saved = await UnitModel.findById(units.communeA._id).lean();
      expect(saved!.name).to.equal('Xã Thanh Nưa mới');
      expect(saved!.version).to.equal(1);
      const page = await admin.get(`/units/${units.communeA._id}`);
      expect(page.text).to.contain('&#34;Xã Thanh Nưa (');
      expect(page.text).to.contain('Đổi tên, mã');
    });

    it('when the edit form was loaded before someone else saved, then 409 and the other change is kept', async () => {
      const _csrf = await csrfFrom(admin, `/units/${units.communeA._id}/edit`);
      await UnitModel.updateOne({ _id: units.communeA._id }, { $set: { name: 'Xã Đổi Trước' }, $inc: { version: 1 } });
      const res = await admin.post(`/units/${units.communeA._id}`).type('form').send({
        _csrf, version: '0', code: units.communeA.code, name: 'Xã Ghi Đè', kind: 'commune', effectiveFrom: '01/01/2020',
      });
      expect(res.status).to.equal(409);
      expect((await UnitModel.findById(units.communeA._id).lean())!.name).to.equal('Xã Đổi Trước');
    });
  });

  describe('pages', () => {
    it('when the administrator opens every units page in Vietnamese and English, then each renders with labelled fields and no raw message keys', async () => {
      const agent = await loggedIn('admin');
      const id = String(units.communeA._id);
      const pages = ['/units', '/units?closed=1', '/units/new', `/units/${id}`, `/units/${id}/edit`, `/units/${id}/merge`, `/units/${id}/split`, `/units/${id}/close`];
      for (const lang of ['vi', 'en']) {
        await agent.get(`/lang/${lang}?back=/units`);
        for (const page of pages) {
          const res = await agent.get(page);
          expect(res.status, page).to.equal(200);
          expect(res.text, page).not.to.match(/units\.[a-zA-Z]+\.[a-zA-Z]/);
          for (const [, fieldId] of res.text.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)) expect(res.text, `${page} ${fieldId}`).to.contain(`for="${fieldId}"`);
        }
      }
      const merge = await agent.get(`/units/${id}/merge`);
      expect(merge.text).to.contain('<fieldset');
      expect(merge.text).to.contain(units.communeB.name);
    });
  });

  describe('who may see what', () => {
    it('when a commune head opens the tree, then only their commune and its desk are listed, and another commune is 403', async () => {
      const head = await loggedIn('head', units.communeA);
      const tree = await head.get('/units');
      expect(tree.status).to.equal(200);
      expect(tree.text).to.contain(units.communeA.name);
      expect(tree.text).to.contain(units.deskA.name);
      expect(tree.text).not.to.contain(units.communeB.name);
      expect(tree.text).not.to.contain(units.province.name);
      expect((await head.get(`/units/${units.communeA._id}`)).status).to.equal(200);
      expect((await head.get(`/units/${units.communeB._id}`)).status).to.equal(403);
    });

    it('when a head tries the administrator pages, then 403', async () => {
      const head = await loggedIn('head', units.communeA);
      expect((await head.get('/units/new')).status).to.equal(403);
      expect((await head.get(`/units/${units.communeA._id}/merge`)).status).to.equal(403);
      const _csrf = await csrfFrom(head, '/units');
      const res = await head.post(`/units/${units.communeA._id}/close`).type('form').send({ _csrf, effectiveDate: '01/07/2025' });
      expect(res.status).to.equal(403);
      expect((await UnitModel.findById(units.communeA._id).lean())!.effectiveTo).to.equal(null);
    });

    it('when a staff-only user opens /units, then 403, but the unit picker search still answers', async () => {
      const staff = await loggedIn('staff', units.communeA);
      expect((await staff.get('/units')).status).to.equal(403);
      expect((await staff.get(`/units/${units.communeA._id}`)).status).to.equal(403);
      const search = await staff.get('/units/search?q=muong nhe');
      expect(search.status).to.equal(200);
      expect(search.body).to.deep.equal([{ id: String(units.communeB._id), name: 'Xã Mường Nhé', code: units.communeB.code }]);
    });

    it('when an unknown or malformed unit id is opened, then 404', async () => {
      const admin = await loggedIn('admin');
      expect((await admin.get('/units/0123456789abcdef01234567')).status).to.equal(404);
      expect((await admin.get('/units/not-an-id')).status).to.equal(404);
    });
  });

  describe('reorganising', () => {
    beforeEach(async () => {
      admin = await loggedIn('admin');
    });

    it('when two communes merge into a new one, then both end, the mapping is recorded, the desk moves and history shows it', async () => {
      const deskOfficer = await makeStaff({ fullName: 'Lò Thị Xuân', unit: units.deskA });
      const res = await submitForm(admin, `/units/${units.communeA._id}/merge`, `/units/${units.communeA._id}/merge`, {
        sourceIds: [String(units.communeB._id)],
        targetMode: 'new', newCode: 'X-THANHNUA', newName: 'Xã Thanh Nưa (mới)', newKind: 'commune', newParentId: String(units.province._id),
        effectiveDate: '01/07/2025', legalBasis: 'Nghị quyết 1661/NQ-UBTVQH15',
      });
      expect(res.status).to.equal(302);
      const target = await UnitModel.findOne({ code: 'X-THANHNUA' }).lean();
      expect(res.headers.location).to.equal(`/units/${target!._id}`);
      expect(target!.predecessorIds.map(String)).to.have.members([String(units.communeA._id), String(units.communeB._id)]);
      expect(target!.effectiveFrom.toISOString()).to.equal(july2025.toISOString());

      for (const id of [units.communeA._id, units.communeB._id]) {
        const source = await UnitModel.findById(id).lean();
        expect(source!.effectiveTo!.toISOString()).to.equal(july2025.toISOString());
        expect(source!.successorIds.map(String)).to.deep.equal([String(target!._id)]);
      }
      const desk = await UnitModel.findById(units.deskA._id).lean();
      expect(String(desk!.parentId)).to.equal(String(target!._id));
      expect(desk!.path.map(String)).to.deep.equal([units.province._id, target!._id, units.deskA._id].map(String));
      const officer = await StaffModel.findById(deskOfficer._id).lean();
      expect(officer!.unitPath.map(String), 'staff follow their desk').to.deep.equal(desk!.path.map(String));

      const change = await UnitChangeModel.findOne({ kind: 'merge' }).lean();
      expect(change!.fromUnitIds.map(String)).to.have.members([String(units.communeA._id), String(units.communeB._id)]);
      expect(change!.toUnitIds.map(String)).to.deep.equal([String(target!._id)]);
      expect(change!.legalBasis).to.equal('Nghị quyết 1661/NQ-UBTVQH15');

      expect((await successorsOf(units.communeB._id)).map((u) => u.id)).to.deep.equal([String(target!._id)]);

      const page = await admin.get(`/units/${target!._id}`);
      expect(page.text).to.contain('01/07/2025');
      expect(page.text).to.contain('Sáp nhập');
      expect(page.text).to.contain('Xã Mường Nhé');
      expect(page.text).to.contain('Nghị quyết 1661/NQ-UBTVQH15');
      const old = await admin.get(`/units/${units.communeB._id}`);
      expect(old.text).to.contain('Đã chấm dứt');
      expect(old.text).to.contain('Xã Thanh Nưa (mới)');

      const tree = await admin.get('/units');
      expect(tree.text).not.to.contain('Xã Mường Nhé');
      expect((await admin.get('/units?closed=1')).text).to.contain('Xã Mường Nhé');

      const audited = await AuditEntryModel.find({ objectType: 'unit', action: 'merge' }).lean();
      expect(audited.map((a) => String(a.objectId))).to.include.members([String(units.communeA._id), String(units.communeB._id), String(target!._id)]);
      expect(await AuditEntryModel.exists({ objectType: 'unit', objectId: units.deskA._id, action: 'move' })).to.not.equal(null);
    });

    it('when a commune is merged into itself, then 422 beside the receiving unit and nothing changes', async () => {
      const res = await submitForm(admin, `/units/${units.communeA._id}/merge`, `/units/${units.communeA._id}/merge`, {
        targetMode: 'existing', targetId: String(units.communeA._id), effectiveDate: '01/07/2025',
      });
      expect(res.status).to.equal(422);
      expect(res.text).to.match(/id="f-targetId-error">Không thể sáp nhập một đơn vị vào chính nó\./);
      expect((await UnitModel.findById(units.communeA._id).lean())!.effectiveTo).to.equal(null);
      expect(await UnitChangeModel.countDocuments({ kind: 'merge' })).to.equal(0);
    });

    it('when a commune is split in two, then it ends with both as successors and its desk goes to the first', async () => {
      const res = await submitForm(admin, `/units/${units.communeA._id}/split`, `/units/${units.communeA._id}/split`, {
        'newUnits[0][code]': 'X-BAC', 'newUnits[0][name]': 'Xã Thanh Nưa Bắc', 'newUnits[0][kind]': 'commune',
        'newUnits[1][code]': '', 'newUnits[1][name]': '', 'newUnits[1][kind]': '',
        'newUnits[2][code]': 'X-NAM', 'newUnits[2][name]': 'Xã Thanh Nưa Nam', 'newUnits[2][kind]': 'commune',
        effectiveDate: '2025-07-01',
      });
      expect(res.status).to.equal(302);
      const north = await UnitModel.findOne({ code: 'X-BAC' }).lean();
      const south = await UnitModel.findOne({ code: 'X-NAM' }).lean();
      expect(String(north!.parentId)).to.equal(String(units.province._id));
      const source = await UnitModel.findById(units.communeA._id).lean();
      expect(source!.effectiveTo!.toISOString()).to.equal(july2025.toISOString());
      expect(source!.successorIds.map(String)).to.deep.equal([String(north!._id), String(south!._id)]);
      expect(south!.predecessorIds.map(String)).to.deep.equal([String(units.communeA._id)]);
      const desk = await UnitModel.findById(units.deskA._id).lean();
      expect(desk!.path.map(String)).to.deep.equal([units.province._id, north!._id, units.deskA._id].map(String));
      const page = await admin.get(`/units/${units.communeA._id}`);
      expect(page.text).to.contain('Chia tách');
      expect(page.text).to.contain('Xã Thanh Nưa Nam');
    });

    it('when a split row repeats an existing code, then 422 beside that row', async () => {
      const res = await submitForm(admin, `/units/${units.communeA._id}/split`, `/units/${units.communeA._id}/split`, {
        'newUnits[0][code]': '', 'newUnits[0][name]': '', 'newUnits[0][kind]': '',
        'newUnits[1][code]': 'X-MOT', 'newUnits[1][name]': 'Xã Một', 'newUnits[1][kind]': 'commune',
        'newUnits[2][code]': units.communeB.code, 'newUnits[2][name]': 'Xã Hai', 'newUnits[2][kind]': 'commune',
        effectiveDate: '01/07/2025',
      });
      expect(res.status).to.equal(422);
      expect(res.text).to.match(/id="f-newUnits-2--code--error">Mã đơn vị này đã được dùng\./);
      expect(await UnitModel.exists({ code: 'X-MOT' })).to.equal(null);
    });

    it('when a commune with a desk is closed without a successor, then 422; with a successor it ends and the desk moves', async () => {
      const refused = await submitForm(admin, `/units/${units.communeA._id}/close`, `/units/${units.communeA._id}/close`, { successorId: '', effectiveDate: '01/07/2025' });
      expect(refused.status).to.equal(422);
      expect(refused.text).to.contain('hãy chọn đơn vị kế thừa');
      const res = await submitForm(admin, `/units/${units.communeA._id}/close`, `/units/${units.communeA._id}/close`, {
        successorId: String(units.communeB._id), effectiveDate: '01/07/2025', note: 'Giải thể theo đề án',
      });
      expect(res.status).to.equal(302);
      const closed = await UnitModel.findById(units.communeA._id).lean();
      expect(closed!.effectiveTo!.toISOString()).to.equal(july2025.toISOString());
      expect(closed!.successorIds.map(String)).to.deep.equal([String(units.communeB._id)]);
      expect((await UnitModel.findById(units.deskA._id).lean())!.path.map(String)).to.deep.equal([units.province._id, units.communeB._id, units.deskA._id].map(String));
      expect(await AuditEntryModel.exists({ objectType: 'unit', objectId: units.communeA._id, action: 'close' })).to.not.equal(null);
    });

    it('when a closed unit is closed again, then 422 with a clear message', async () => {
      const ended = await makeUnit({ name: 'Xã Đã Giải Thể', kind: 'commune', parent: units.province, effectiveTo: new Date(Date.UTC(2024, 0, 1)) });
      const res = await submitForm(admin, `/units/${ended._id}/close`, `/units/${ended._id}/close`, { effectiveDate: '01/07/2025' });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('Đơn vị đã chấm dứt hoạt động, không thể thao tác.');
    });

    it('when the effective date is not a date, then 422 beside the date', async () => {
      const res = await submitForm(admin, `/units/${units.communeB._id}/close`, `/units/${units.communeB._id}/close`, { effectiveDate: '2025-13-01' });
      expect(res.status).to.equal(422);
      expect(res.text).to.match(/id="f-effectiveDate-error">Ngày không hợp lệ/);
      expect((await UnitModel.findById(units.communeB._id).lean())!.effectiveTo).to.equal(null);
    });
  });
});
