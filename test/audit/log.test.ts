import { execSync } from 'node:child_process';
import { translator } from '../../src/shared/i18n.js';
import { vietnamMoment } from '../../src/shared/dates.js';
import { expect } from 'chai';
import { Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, testApp, type Agent } from '../helpers/app.js';
import { makeProvince, makeUser } from '../helpers/factories.js';
import { actorOf } from '../../src/auth/service.js';
import { record } from '../../src/audit/service.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { loosePattern } from '../../src/audit/queries.js';

describe('audit log browser', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;

  /** Records an entry, then dates it: record() always stamps the current time. */
  async function entry(input: { by: Awaited<ReturnType<typeof makeUser>>; objectType: string; objectId?: Types.ObjectId; action: string; unitPath: Types.ObjectId[]; at: Date; before?: Record<string, unknown>; after?: Record<string, unknown> }) {
    const objectId = input.objectId ?? new Types.ObjectId();
    await record({ actor: actorOf(input.by), objectType: input.objectType, objectId, action: input.action, before: input.before ?? null, after: input.after ?? null, unitPath: input.unitPath });
    await AuditEntryModel.updateOne({ objectId, at: { $gte: new Date(Date.now() - 60_000) } }, { $set: { at: input.at } });
    return objectId;
  }

  async function adminAgent(): Promise<Agent> {
    const agent = agentFor(testApp());
    await login(agent, admin.username);
    return agent;
  }

  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
    admin = await makeUser({ displayName: 'Nguyễn Thị Hoa', roles: [{ role: 'admin', unit: units.province }] });
  });

  it('when an admin opens the log, then entries of their province show newest first with before → after, and other provinces stay hidden', async () => {
    const other = await makeProvince();
    const otherAdmin = await makeUser({ displayName: 'Người Tỉnh Khác', roles: [{ role: 'admin', unit: other.province }] });
    await entry({ by: admin, objectType: 'unit', action: 'rename', unitPath: units.communeA.path, at: vietnamMoment(2026, 1, 10, 9), before: { name: 'Xã Thanh Luông' }, after: { name: 'Xã Thanh Nưa' } });
    await entry({ by: admin, objectType: 'codeVersion', action: 'publish', unitPath: [units.province._id], at: vietnamMoment(2026, 2, 20, 9), after: { title: 'Phiên bản 2' } });
    await entry({ by: otherAdmin, objectType: 'unit', action: 'rename', unitPath: other.communeA.path, at: vietnamMoment(2026, 2, 1, 9), after: { name: 'Bí mật tỉnh khác' } });

    const res = await (await adminAgent()).get('/audit');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Xã Thanh Luông');
    expect(res.text).to.contain('Xã Thanh Nưa');
    expect(res.text.indexOf('Phiên bản 2')).to.be.lessThan(res.text.indexOf('Xã Thanh Nưa'));
    expect(res.text).to.contain('20/02/2026 09:00');
    expect(res.text).not.to.contain('Bí mật tỉnh khác');
    expect(res.text).not.to.contain('Người Tỉnh Khác');
  });

  it('when the admin filters by object type, action, actor name and dates, then only matching entries show', async () => {
    const clerk = await makeUser({ displayName: 'Lò Văn Phích', roles: [{ role: 'admin', unit: units.province }] });
    await entry({ by: admin, objectType: 'unit', action: 'rename', unitPath: units.communeA.path, at: vietnamMoment(2026, 1, 10, 9), after: { name: 'MUC-UNIT-JAN' } });
    await entry({ by: clerk, objectType: 'staff', action: 'update', unitPath: units.deskA.path, at: vietnamMoment(2026, 1, 15, 23, 30), after: { position: 'MUC-STAFF-JAN' } });
    await entry({ by: admin, objectType: 'staff', action: 'create', unitPath: units.communeB.path, at: vietnamMoment(2026, 3, 1, 8), after: { position: 'MUC-STAFF-MAR' } });
    const agent = await adminAgent();
    const shown = (text: string) => ['MUC-UNIT-JAN', 'MUC-STAFF-JAN', 'MUC-STAFF-MAR'].filter((m) => text.includes(m));

    expect(shown((await agent.get('/audit?objectType=staff')).text)).to.deep.equal(['MUC-STAFF-JAN', 'MUC-STAFF-MAR']);
    expect(shown((await agent.get('/audit?action=rename')).text)).to.deep.equal(['MUC-UNIT-JAN']);
    expect(shown((await agent.get('/audit?from=01/01/2026&to=15/01/2026')).text)).to.deep.equal(['MUC-UNIT-JAN', 'MUC-STAFF-JAN']);
    expect(shown((await agent.get('/audit?from=16/01/2026')).text)).to.deep.equal(['MUC-STAFF-MAR']);
    expect(shown((await agent.get('/audit?objectType=staff&to=31/01/2026')).text)).to.deep.equal(['MUC-STAFF-JAN']);
    expect(shown((await agent.get('/audit?actor=' + encodeURIComponent('phich'))).text)).to.deep.equal(['MUC-STAFF-JAN']);
    expect(shown((await agent.get('/audit?actor=' + encodeURIComponent('nguyễn hoa'))).text)).to.deep.equal([]);
    expect(shown((await agent.get('/audit?actor=' + encodeURIComponent('NGUYEN THI'))).text)).to.deep.equal(['MUC-UNIT-JAN', 'MUC-STAFF-MAR']);

    const filtered = await agent.get('/audit?objectType=staff');
    expect(filtered.text).to.match(/<option value="staff" selected>/);
  });

  it('when the filter has a bad date or an end before its start, then 422 with the message beside the field, not a 500', async () => {
    const agent = await adminAgent();
    const bad = await agent.get('/audit?from=31/02/2026');
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Ngày không hợp lệ (dd/mm/yyyy).');
    expect(bad.text).to.contain('value="31/02/2026"');
    const reversed = await agent.get('/audit?from=10/03/2026&to=01/03/2026');
    expect(reversed.status).to.equal(422);
    expect(reversed.text).to.contain('Ngày kết thúc phải sau ngày bắt đầu.');
    expect((await agent.get('/audit?objectType=a&objectType=b')).status).to.equal(422);
  });

  it('when there are more entries than a page, then they are paginated', async () => {
    for (let i = 0; i < 27; i++) await entry({ by: admin, objectType: 'unit', action: 'update', unitPath: units.communeA.path, at: vietnamMoment(2026, 1, 1 + i, 9), after: { name: `Trang-${String(i).padStart(2, '0')}` } });
    const agent = await adminAgent();
    const first = await agent.get('/audit?objectType=unit');
    const second = await agent.get('/audit?objectType=unit&page=2');
    expect(first.text.match(/Trang-\d\d/g)).to.have.length(25);
    expect(first.text).to.contain('Trang-26');
    expect(first.text).to.contain('href="?objectType=unit&page=2"');
    expect(second.text.match(/Trang-\d\d/g)).to.deep.equal(['Trang-01', 'Trang-00']);
  });

  it('when the admin opens the history of one object, then every change to it shows, newest first', async () => {
    const unitId = units.communeA._id;
    await entry({ by: admin, objectType: 'unit', objectId: unitId, action: 'create', unitPath: units.communeA.path, at: vietnamMoment(2025, 1, 1, 8), after: { name: 'Xã Thanh Luông' } });
    await entry({ by: admin, objectType: 'unit', objectId: unitId, action: 'rename', unitPath: units.communeA.path, at: vietnamMoment(2025, 7, 1, 8), before: { name: 'Xã Thanh Luông' }, after: { name: 'Xã Thanh Nưa' } });
    await entry({ by: admin, objectType: 'unit', action: 'rename', unitPath: units.communeB.path, at: vietnamMoment(2025, 7, 1, 8), after: { name: 'Đơn vị khác' } });
    const agent = await adminAgent();
    const res = await agent.get(`/audit/unit/${String(unitId)}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Đổi tên');
    expect(res.text.indexOf('Đổi tên')).to.be.lessThan(res.text.indexOf('Tạo mới'));
    expect(res.text).not.to.contain('Đơn vị khác');
    expect((await agent.get(`/audit/unit/${String(new Types.ObjectId())}`)).status).to.equal(404);
    expect((await agent.get('/audit/unit/not-an-id')).status).to.equal(404);
  });

  it("when an admin asks for another province's object history, then 403", async () => {
    const other = await makeProvince();
    const otherAdmin = await makeUser({ roles: [{ role: 'admin', unit: other.province }] });
    const objectId = await entry({ by: otherAdmin, objectType: 'codeVersion', action: 'publish', unitPath: [other.province._id], at: vietnamMoment(2026, 1, 1) });
    expect((await (await adminAgent()).get(`/audit/codeVersion/${String(objectId)}`)).status).to.equal(403);
  });

  it('when a unit head opens the log, then they see the entries of their own unit only; a staff member gets 403', async () => {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const staff = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const own = await entry({ by: admin, objectType: 'unit', action: 'rename', unitPath: units.communeA.path, at: vietnamMoment(2026, 1, 1), after: { name: 'MUC-OWN' } });
    const neighbour = await entry({ by: admin, objectType: 'unit', action: 'rename', unitPath: units.communeB.path, at: vietnamMoment(2026, 1, 2), after: { name: 'MUC-NEIGHBOUR' } });
    await entry({ by: admin, objectType: 'codeVersion', action: 'publish', unitPath: [units.province._id], at: vietnamMoment(2026, 1, 3), after: { title: 'MUC-PROVINCE' } });
    const headAgent = agentFor(testApp());
    await login(headAgent, head.username);
    const log = await headAgent.get('/audit');
    expect(log.status).to.equal(200);
    expect(['MUC-OWN', 'MUC-NEIGHBOUR', 'MUC-PROVINCE'].filter((m) => log.text.includes(m))).to.deep.equal(['MUC-OWN']);
    expect((await headAgent.get(`/audit/unit/${String(own)}`)).status).to.equal(200);
    expect((await headAgent.get(`/audit/unit/${String(neighbour)}`)).status).to.equal(403);
    const staffAgent = agentFor(testApp());
    await login(staffAgent, staff.username);
    expect((await staffAgent.get('/audit')).status).to.equal(403);
    expect((await staffAgent.get(`/audit/unit/${String(own)}`)).status).to.equal(403);
  });

  it('when entries hold codes, yes/no and nested records, then the log shows them in words, not codes or JSON', async () => {
    await entry({
      by: admin,
      objectType: 'report',
      action: 'transition',
      unitPath: units.communeA.path,
      at: vietnamMoment(2026, 1, 1),
      before: { status: 'UNDER_REVIEW', conflictOfInterest: true },
      after: { status: 'SUBSTANTIATED', conflictOfInterest: false, finding: { note: 'MUC-NOTE', at: null }, handlerUnitId: units.communeA._id },
    });
    const text = (await (await adminAgent()).get('/audit')).text;
    expect(text).to.contain('Phản ánh, tố cáo').and.contain('Chuyển trạng thái');
    // A case's status in the words of the case's pages.
    expect(text).to.contain('<del>Đang xem xét</del>').and.contain('<ins>Có cơ sở</ins>');
    expect(text).to.contain('<th scope="row">Trạng thái</th>').and.contain('<th scope="row">Xung đột lợi ích</th>');
    expect(text).to.contain('<th scope="row">Đơn vị xử lý</th>').and.contain(`<ins>${units.communeA.name}</ins>`);
    expect(text).to.contain('<del>Có</del>').and.contain('<ins>Không</ins>');
    expect(text).to.contain('<ins>note: MUC-NOTE</ins>').and.not.contain('{&#34;note');
  });

  it('every record type and action the app writes to the log has a label in both languages', () => {
    // The literal types and actions passed to the log by the services (read from the source, so a new one fails here).
    const source = execSync("grep -rhoE --exclude=messages.ts --exclude=schemas.ts --exclude=routes.ts \"(AUDIT_TYPE = |objectType: )'[a-zA-Z]+'|action: [^,}]+|record(Unit|PeriodFilled)\\([^)]*'[a-zA-Z.]+'\" src", { encoding: 'utf8' });
    const lines = source.split('\n');
    const quoted = (line: string) => [...line.matchAll(/'([a-zA-Z.]+)'/g)].map((m) => m[1]!);
    const types = [...new Set(lines.filter((l) => /^(AUDIT_TYPE|objectType)/.test(l)).flatMap(quoted))];
    const actions = [...new Set(lines.filter((l) => /^(action|record)/.test(l)).flatMap(quoted))];
    expect(types.length).to.be.above(8);
    for (const lang of ['vi', 'en'] as const) {
      const t = translator(lang);
      const unlabelled = [...types.map((x) => `audit.objectTypes.${x}`), ...actions.map((a) => `audit.actions.${a}`)].filter((key) => t(key) === key);
      expect(unlabelled, lang).to.deep.equal([]);
    }
  });

  it('when an actor name is searched without diacritics, then the pattern matches the accented name and escapes regex characters', () => {
    const pattern = new RegExp(loosePattern('nguyen thi'), 'i');
    expect(pattern.test('Nguyễn Thị Hoa')).to.equal(true);
    expect(pattern.test('Nguyen Van Thi')).to.equal(false);
    expect(new RegExp(loosePattern('a.b(')).test('a.b(')).to.equal(true);
    expect(new RegExp(loosePattern('a.b')).test('axb')).to.equal(false);
  });
});
