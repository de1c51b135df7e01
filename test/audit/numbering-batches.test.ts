import { expect } from 'chai';
import { Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { makeUnit, makeUser } from '../helpers/factories.js';
import { commandsOf } from '../helpers/page-commands.js';
import { actorOf } from '../../src/auth/service.js';
import { searchAudit } from '../../src/audit/queries.js';
import { prepareAuditLog, record } from '../../src/audit/service.js';

/**
 * An audit entry is numbered in the background a moment after it is written (sequences.ts): the entries of a busy
 * moment share one update of each counter, and a reader of the log numbers at once what is still waiting.
 */
describe('the audit log numbers the entries of a moment together', function () {
  this.timeout(120_000);

  beforeEach(clearDatabase);

  it('when five entries of one commune and one actor are written one after another, then each counter is updated once for the five, and each entry gets its keys', async () => {
    const province = await makeUnit({ name: 'Tỉnh Điện Biên', kind: 'province' });
    const commune = await makeUnit({ name: 'Xã Thanh Nưa', kind: 'commune', parent: province });
    const head = actorOf(await makeUser({ displayName: 'Lò Văn Phích', roles: [{ role: 'head', unit: commune }] }));
    await prepareAuditLog();

    const { commands } = await commandsOf(async () => {
      for (let i = 1; i <= 5; i++) await record({ actor: head, objectType: 'staff', objectId: new Types.ObjectId(), action: 'update', after: { position: `Chức vụ ${i}` }, unitPath: commune.path });
    });
    const counterUpdates = commands.filter((c) => c.collection === 'auditsequences' && c.name === 'findAndModify');
    // Two units on the path, each with its counter and the actor's own counter in it.
    expect(counterUpdates.map((c) => String(c.filter!._id)).sort()).to.deep.equal(
      [String(province._id), `${String(province._id)}|u:${String(head.userId)}`, String(commune._id), `${String(commune._id)}|u:${String(head.userId)}`].sort(),
    );
    expect(commands.filter((c) => c.collection === 'auditentries' && c.name === 'insert')).to.have.length(5);
    expect(commands.filter((c) => c.collection === 'auditentries' && c.name === 'update')).to.have.length(5);

    const admin = actorOf(await makeUser({ displayName: 'Quản trị Sở Nội vụ', roles: [{ role: 'admin', unit: province }] }));
    const page = await searchAudit(admin, {}, 1);
    expect(page.pager.total).to.equal(5);
    expect(page.entries.map((e) => e.changes[0]!.after)).to.deep.equal([5, 4, 3, 2, 1].map((i) => `Chức vụ ${i}`));
  });

  it('when the log is read right after entries are written, then they are shown without waiting for the background numbering', async () => {
    const province = await makeUnit({ name: 'Tỉnh Điện Biên', kind: 'province' });
    const admin = actorOf(await makeUser({ displayName: 'Quản trị Sở Nội vụ', roles: [{ role: 'admin', unit: province }] }));
    await prepareAuditLog();
    await record({ actor: admin, objectType: 'unit', objectId: province._id, action: 'update', before: { name: 'Tỉnh cũ' }, after: { name: 'Tỉnh Điện Biên' }, unitPath: [province._id] });
    await record({ actor: admin, objectType: 'unit', objectId: province._id, action: 'rename', before: { name: 'Tỉnh Điện Biên' }, after: { name: 'Tỉnh Điện Biên mới' }, unitPath: [province._id] });
    const page = await searchAudit(admin, {}, 1);
    expect(page.pager.total).to.equal(2);
    expect(page.entries.map((e) => e.action)).to.deep.equal(['rename', 'update']);
  });
});
