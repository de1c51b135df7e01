import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, submitForm, testApp } from '../helpers/app.js';
import { makeProvince, makeUser } from '../helpers/factories.js';
import { actorOf } from '../../src/auth/service.js';
import { CodeVersionModel } from '../../src/conduct-code/model.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { officialCatalogue } from '../../src/conduct-code/official.js';
import { getVersion, publishOfficial, publishVersion, versionInForce } from '../../src/conduct-code/service.js';
import { Forbidden } from '../../src/shared/errors.js';

const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

type Row = Record<string, string>;

function officialRows() {
  const groups: Row[] = officialCatalogue.groups.map((g) => ({ code: g.code, nameVi: g.name.vi, nameEn: g.name.en }));
  const criteria: Row[] = officialCatalogue.criteria.map((c) => ({
    code: c.code,
    group: c.group,
    nameVi: c.name.vi,
    nameEn: c.name.en,
    plainVi: c.plainLabel.vi,
    plainEn: c.plainLabel.en,
    legalSource: c.legalSource,
  }));
  return { groups, criteria };
}

/** The publishing form's fields as the browser posts them: criteria[0][code]=X1 … */
function formFields(heading: Row, groups: Row[], criteria: Row[]): Record<string, string> {
  const fields: Record<string, string> = { ...heading };
  groups.forEach((row, i) => Object.entries(row).forEach(([k, v]) => (fields[`groups[${i}][${k}]`] = v)));
  criteria.forEach((row, i) => Object.entries(row).forEach(([k, v]) => (fields[`criteria[${i}][${k}]`] = v)));
  return fields;
}

describe('code of conduct catalogue', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  let v1Id: string;

  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
    admin = await makeUser({ displayName: 'Quàng Thị Mai', roles: [{ role: 'admin', unit: units.province }] });
    const v1 = await publishOfficial(actorOf(admin), units.province._id, day(2019, 1, 1));
    v1Id = String(v1._id);
  });

  it('when a staff member opens the catalogue, then the version in force shows its 13 criteria in 3 groups with their legal sources', async () => {
    const staff = await makeUser({ roles: [{ role: 'staff', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, staff.username);
    const res = await agent.get('/code');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Xin chào');
    expect(res.text).to.contain('Không lợi dụng chức vụ, quyền hạn khi thực thi công vụ');
    expect(res.text).to.contain('Cán bộ không chào hỏi');
    expect(res.text).to.contain('Quyết định 1847/QĐ-TTg ngày 27/12/2018');
    expect(res.text).to.contain('Văn bản 5354/UBND-NC năm 2019 của UBND TP Hà Nội');
    expect(res.text.match(/<th scope="row">[XLK]\d<\/th>/g)).to.have.length(13);
    expect(res.text).not.to.contain('href="/code/versions/new"');
    expect((await agent.get(`/code/versions/${v1Id}`)).status).to.equal(200);
  });

  it('when an admin publishes v2 with a reworded K1 and an added K6 from 01/01/2027, then v1 stays in force before that date, v2 after, and v1 is unchanged', async () => {
    const v1Before = await CodeVersionModel.findById(v1Id).lean();
    const agent = agentFor(testApp());
    await login(agent, admin.username);

    const form = await agent.get('/code/versions/new');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('name="criteria[12][code]" value="K5"');
    expect(form.text).to.contain('name="criteria[15][code]" value=""');

    const { groups, criteria } = officialRows();
    criteria[8] = { ...criteria[8]!, nameVi: 'Không cửa quyền, hách dịch, gây khó khăn, phiền hà', plainVi: 'Cán bộ gây khó khăn, phiền hà cho tôi' };
    criteria.push({ code: 'k6', group: 'K', nameVi: 'Không sử dụng điện thoại vào việc riêng khi tiếp dân', nameEn: 'No private phone use at the desk', plainVi: 'Cán bộ dùng điện thoại việc riêng', plainEn: 'The officer was on a private phone call', legalSource: 'Quy định của UBND tỉnh' });
    criteria.push({ code: '', group: '', nameVi: '', nameEn: '', plainVi: '', plainEn: '', legalSource: '' });
    const res = await submitForm(
      agent,
      '/code/versions/new',
      '/code/versions',
      formFields({ provinceId: String(units.province._id), title: 'Bộ quy tắc ứng xử năm 2027', legalBasis: 'Quyết định của UBND tỉnh', effectiveFrom: '01/01/2027' }, groups, criteria),
    );
    expect(res.status).to.equal(302);

    const v2 = await CodeVersionModel.findOne({ provinceId: units.province._id, versionNumber: 2 }).lean();
    expect(res.headers.location).to.equal(`/code/versions/${String(v2!._id)}`);
    expect(v2!.criteria.map((c) => c.code)).to.deep.equal(['X1', 'X2', 'X3', 'X4', 'L1', 'L2', 'L3', 'L4', 'K1', 'K2', 'K3', 'K4', 'K5', 'K6']);
    expect(v2!.criteria.find((c) => c.code === 'K1')!.name?.vi).to.equal('Không cửa quyền, hách dịch, gây khó khăn, phiền hà');
    expect(v2!.effectiveFrom.toISOString()).to.equal('2027-01-01T00:00:00.000Z');
    expect(v2!.publishedByName).to.equal('Quàng Thị Mai');

    expect(String((await versionInForce(units.province._id, day(2026, 12, 31)))!._id)).to.equal(v1Id);
    expect(String((await versionInForce(units.province._id, day(2027, 1, 1)))!._id)).to.equal(String(v2!._id));

    // A record made against v1 keeps reading v1's wording through its id.
    const v1After = await CodeVersionModel.findById(v1Id).lean();
    expect(JSON.stringify(v1After)).to.equal(JSON.stringify(v1Before));
    const kept = await getVersion(actorOf(admin), v1Id);
    expect(kept.criteria.find((c) => c.code === 'K1')!.name?.vi).to.equal('Không cửa quyền, hách dịch');
    expect(kept.criteria.some((c) => c.code === 'K6')).to.equal(false);

    const shown = await agent.get(res.headers.location!);
    expect(shown.text).to.contain('Đã công bố phiên bản 2.');
    expect(shown.text).to.contain('Không sử dụng điện thoại vào việc riêng khi tiếp dân');
  });

  it('when a version is published, then the audit log records who published it and which criteria changed', async () => {
    const { groups, criteria } = officialCatalogue;
    const v2 = await publishVersion(actorOf(admin), {
      title: 'Phiên bản 2',
      effectiveFrom: day(2027, 1, 1),
      groups: groups.map((g) => ({ code: g.code, name: { ...g.name } })),
      criteria: [
        ...criteria.filter((c) => c.code !== 'X4').map((c) => ({ ...c, name: c.code === 'K1' ? { vi: 'Không hách dịch', en: 'No bossiness' } : { ...c.name } })),
        { code: 'K6', group: 'K', name: { vi: 'Không gây phiền hà', en: 'No hassle' }, plainLabel: { vi: 'Cán bộ gây phiền hà', en: '' }, legalSource: '' },
      ],
    });
    const entry = await AuditEntryModel.findOne({ objectType: 'codeVersion', objectId: v2._id }).lean();
    expect(entry).to.include({ action: 'publish', actorName: 'Quàng Thị Mai' });
    expect(entry!.unitPath.map(String)).to.deep.equal([String(units.province._id)]);
    const changed = Object.fromEntries(entry!.changes.map((c) => [c.field, c]));
    expect(Object.keys(changed)).to.include.members(['versionNumber', 'title', 'effectiveFrom', 'criterion K1', 'criterion K6', 'criterion X4']);
    expect(Object.keys(changed)).not.to.include('criterion X1');
    expect(changed['criterion K6']!.before).to.equal(null);
    expect(changed['criterion X4']!.after).to.equal(null);
    expect(changed['criterion K1']!.after).to.contain('Không hách dịch');

    const agent = agentFor(testApp());
    await login(agent, admin.username);
    const log = await agent.get('/audit?objectType=codeVersion');
    expect(log.text).to.contain('<th scope="row">Tiêu chí K6</th>');
    expect(log.text).to.contain('Không gây phiền hà');
  });

  it('when versions share an effective date or are published out of date order, then the latest effective date wins, then the higher number', async () => {
    const actor = actorOf(admin);
    const official = (title: string, effectiveFrom: Date) =>
      publishVersion(actor, { title, effectiveFrom, groups: officialCatalogue.groups.map((g) => ({ ...g })), criteria: officialCatalogue.criteria.map((c) => ({ ...c })) });
    const v2 = await official('v2', day(2027, 1, 1));
    const v3 = await official('v3', day(2026, 6, 1));
    const v4 = await official('v4', day(2027, 1, 1));
    expect([v2.versionNumber, v3.versionNumber, v4.versionNumber]).to.deep.equal([2, 3, 4]);
    expect((await versionInForce(units.province._id, day(2026, 7, 1)))!.title).to.equal('v3');
    expect((await versionInForce(units.province._id, day(2027, 2, 1)))!.title).to.equal('v4');
    expect((await versionInForce(units.province._id, day(2018, 1, 1)))).to.equal(null);
  });

  it('when two administrators publish at the same moment, then both versions get distinct numbers', async () => {
    const actor = actorOf(admin);
    const input = { title: 'Đồng thời', effectiveFrom: day(2027, 1, 1), groups: officialCatalogue.groups.map((g) => ({ ...g })), criteria: officialCatalogue.criteria.map((c) => ({ ...c })) };
    const published = await Promise.allSettled([publishVersion(actor, input), publishVersion(actor, input)]);
    const numbers = published.filter((p) => p.status === 'fulfilled').map((p) => p.value.versionNumber);
    const stored = (await CodeVersionModel.find({ provinceId: units.province._id }).lean()).map((v) => v.versionNumber).sort();
    expect(new Set(stored).size).to.equal(stored.length);
    expect(stored).to.include.members([1, ...numbers]);
    for (const p of published) if (p.status === 'rejected') expect((p.reason as Error).name).to.equal('Conflict');
  });

  it('when a unit head tries to publish, then 403 and no version is added', async () => {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp());
    await login(agent, head.username);
    expect((await agent.get('/code/versions/new')).status).to.equal(403);
    const { groups, criteria } = officialRows();
    const _csrf = await csrfFrom(agent, '/code');
    const res = await agent
      .post('/code/versions')
      .type('form')
      .send({ _csrf, ...formFields({ provinceId: String(units.province._id), title: 'Trái phép', effectiveFrom: '01/01/2027' }, groups, criteria) });
    expect(res.status).to.equal(403);
    expect(await CodeVersionModel.countDocuments({ provinceId: units.province._id })).to.equal(1);
    await publishVersion(actorOf(head), { provinceId: units.province._id, title: 'x', effectiveFrom: day(2027, 1, 1), groups: [], criteria: [] }).then(
      () => expect.fail('a head published'),
      (err) => expect(err).to.be.instanceOf(Forbidden),
    );
  });

  it('when two criteria share a code, then 422 with the message beside the row and the typed values kept', async () => {
    const agent = agentFor(testApp());
    await login(agent, admin.username);
    const { groups, criteria } = officialRows();
    criteria[1] = { ...criteria[1]!, code: 'X1' };
    const res = await submitForm(agent, '/code/versions/new', '/code/versions', formFields({ title: 'Bản có mã trùng', effectiveFrom: '01/01/2027' }, groups, criteria));
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Mã tiêu chí này đã dùng ở dòng khác.');
    expect(res.text).to.match(/id="f-criteria-1-code-error"/);
    expect(res.text).to.contain('value="Bản có mã trùng"');
    expect(res.text).to.contain('name="criteria[1][code]" value="X1"');
    expect(await CodeVersionModel.countDocuments({ provinceId: units.province._id })).to.equal(1);
  });

  it('when every criterion row is blank, or a criterion names a missing group, then 422 with a message', async () => {
    const agent = agentFor(testApp());
    await login(agent, admin.username);
    const { groups } = officialRows();
    const blank = { code: '', group: '', nameVi: '', nameEn: '', plainVi: '', plainEn: '', legalSource: '' };
    const empty = await submitForm(agent, '/code/versions/new', '/code/versions', formFields({ title: 'Trống', effectiveFrom: '01/01/2027' }, groups, [blank, blank]));
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Phiên bản phải có ít nhất một tiêu chí.');

    const orphan = await submitForm(agent, '/code/versions/new', '/code/versions', formFields({ title: 'Sai nhóm', effectiveFrom: '31/02/2027' }, groups.slice(0, 1), [{ ...blank, code: 'X1', group: 'Z', nameVi: 'Xin chào' }]));
    expect(orphan.text).to.match(/id="f-criteria-0-plainVi-error"/);
    expect(orphan.status).to.equal(422);
    expect(orphan.text).to.contain('Không có nhóm nào mang mã này.');
    expect(orphan.text).to.contain('Ngày không hợp lệ');
    expect(orphan.text).to.contain('Nhóm này chưa có tiêu chí nào.');
    expect(await CodeVersionModel.countDocuments({ provinceId: units.province._id })).to.equal(1);
  });

  it("when another province's admin asks for this province's versions or publishes into it, then 403 and nothing changes", async () => {
    const other = await makeProvince();
    const otherAdmin = await makeUser({ roles: [{ role: 'admin', unit: other.province }] });
    const agent = agentFor(testApp());
    await login(agent, otherAdmin.username);

    expect((await agent.get(`/code/versions/${v1Id}`)).status).to.equal(403);
    const list = await agent.get('/code');
    expect(list.status).to.equal(200);
    expect(list.text).not.to.contain(v1Id);
    expect(list.text).to.contain('Tỉnh chưa công bố phiên bản bộ quy tắc nào.');

    const { groups, criteria } = officialRows();
    const res = await submitForm(agent, '/code/versions/new', '/code/versions', formFields({ provinceId: String(units.province._id), title: 'Xâm phạm', effectiveFrom: '01/01/2027' }, groups, criteria));
    expect(res.status).to.equal(403);
    expect(await CodeVersionModel.countDocuments({ provinceId: units.province._id })).to.equal(1);
    expect(await CodeVersionModel.countDocuments({ provinceId: other.province._id })).to.equal(0);
  });

  it('when a version id is unknown or malformed, then 404', async () => {
    const agent = agentFor(testApp());
    await login(agent, admin.username);
    expect((await agent.get('/code/versions/64b000000000000000000000')).status).to.equal(404);
    expect((await agent.get('/code/versions/not-an-id')).status).to.equal(404);
  });

  it('when the interface is in English, then the catalogue shows the English names and wording for citizens', async () => {
    const staff = await makeUser({ roles: [{ role: 'staff', unit: units.communeB }] });
    const agent = agentFor(testApp());
    await login(agent, staff.username);
    await agent.get('/lang/en?back=/code');
    const res = await agent.get('/code');
    expect(res.text).to.contain('Version in force');
    expect(res.text).to.contain('No abuse of position or power');
    expect(res.text).to.contain('The officer did not greet me');
  });
});
