import { expect } from 'chai';
import { Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { makeUnit, makeUser } from '../helpers/factories.js';
import { commandsOf } from '../helpers/page-commands.js';
import { actorOf } from '../../src/auth/service.js';
import { searchAudit } from '../../src/audit/queries.js';
import { BUCKET, eraseValuesOf, record } from '../../src/audit/service.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { replaceRevision } from '../../src/shared/kept-in-memory.js';
import { settleBackgroundWork } from '../../src/shared/process-caches.js';

/**
 * The log's newest bucket is still filling: it is kept in memory under the count its counter gave (sequences.ts), so
 * that a log nobody writes to is shown without reading entries again, and read again as soon as one more is numbered.
 */
describe('the audit log\'s newest bucket', function () {
  this.timeout(120_000);

  beforeEach(clearDatabase);

  it('when the first page is shown twice with nothing written between, then the second reads no entries; when one more is written, then it is read and shown first', async () => {
    const province = await makeUnit({ name: 'Tỉnh Điện Biên', kind: 'province' });
    const admin = actorOf(await makeUser({ displayName: 'Quản trị Sở Nội vụ', roles: [{ role: 'admin', unit: province }] }));
    const write = (i: number) => record({ actor: admin, objectType: 'unit', objectId: new Types.ObjectId(), action: 'update', before: { name: `trước ${i}` }, after: { name: `sau ${i}` }, unitPath: [province._id] });
    // One full bucket and five entries in the next.
    for (let i = 1; i <= BUCKET + 5; i++) await write(i);
    await settleBackgroundWork();

    const first = await searchAudit(admin, {}, 1);
    expect(first.pager.total).to.equal(BUCKET + 5);
    expect(first.entries[0]!.changes[0]!.after).to.equal(`sau ${BUCKET + 5}`);

    const again = await commandsOf(() => searchAudit(admin, {}, 1));
    expect(again.result.entries.map((e) => e.id)).to.deep.equal(first.entries.map((e) => e.id));
    expect(again.commands.filter((c) => c.collection === 'auditentries')).to.deep.equal([]);

    await write(BUCKET + 6);
    await settleBackgroundWork();
    const after = await commandsOf(() => searchAudit(admin, {}, 1));
    expect(after.result.pager.total).to.equal(BUCKET + 6);
    expect(after.result.entries[0]!.changes[0]!.after).to.equal(`sau ${BUCKET + 6}`);
    expect(after.result.entries.slice(1).map((e) => e.id)).to.deep.equal(first.entries.slice(0, -1).map((e) => e.id));
    // Only the bucket that changed is read again; the full one is kept.
    expect(after.commands.filter((c) => c.collection === 'auditentries').map((c) => c.filter)).to.have.length(1);
    const second = await searchAudit(admin, {}, 2);
    expect(second.entries.map((e) => e.changes[0]!.after)).to.deep.equal([6, 5, 4, 3, 2, 1].map((i) => `sau ${i}`));
  });

  it('when the retention run blanks values of entries kept in memory — in this process or in another — then the log shows them blank', async () => {
    const province = await makeUnit({ name: 'Tỉnh Điện Biên', kind: 'province' });
    const admin = actorOf(await makeUser({ displayName: 'Quản trị Sở Nội vụ', roles: [{ role: 'admin', unit: province }] }));
    const here = new Types.ObjectId();
    const elsewhere = new Types.ObjectId();
    for (let i = 1; i <= BUCKET + 5; i++) {
      const objectId = i === 1 ? here : i === 2 ? elsewhere : new Types.ObjectId();
      await record({ actor: admin, objectType: 'report', objectId, action: 'reply', after: { reply: `lời trả lời ${i}` }, unitPath: [province._id] });
    }
    await settleBackgroundWork();
    const oldest = async () => (await searchAudit(admin, {}, 2)).entries.slice(-2).map((e) => e.changes[0]!.after);
    expect(await oldest()).to.deep.equal(['lời trả lời 2', 'lời trả lời 1']);
    // Kept: a second view reads no entries.
    expect((await commandsOf(() => searchAudit(admin, {}, 2))).commands.filter((c) => c.collection === 'auditentries')).to.deep.equal([]);

    expect(await eraseValuesOf('report', here, ['reply'])).to.equal(1);
    expect(await oldest()).to.deep.equal(['lời trả lời 2', '']);

    // Another process's run: the entry rewritten and the revision renewed there; this one notices within a second.
    await AuditEntryModel.updateOne({ objectId: elsewhere }, { $set: { 'changes.0.after': '' } });
    await replaceRevision('auditEntries.rewritten');
    const deadline = Date.now() + 30_000;
    let shown = await oldest();
    while (shown[0] !== '' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      shown = await oldest();
    }
    expect(shown).to.deep.equal(['', '']);
  });
});
