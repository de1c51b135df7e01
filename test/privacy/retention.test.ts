import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { AuditEntryModel } from '../../src/audit/model.js';
import { exportSettingsFrom } from '../../src/exports/settings.js';
import { ExportJobModel } from '../../src/exports/model.js';
import { IncidentReportModel, ReporterIdentityModel } from '../../src/incidents/model.js';
import { CASE_CLEANERS } from '../../src/incidents/index.js';
import { storeEvidence } from '../../src/incidents/evidence.js';
import { addNote, addRemedy, addReply, transition } from '../../src/incidents/handling.js';

/** The cleaners the app registers itself (the evidence files'); a test adds its own after them and takes them away. */
const BUILT_IN_CLEANERS = CASE_CLEANERS.length;
import { monthsBefore, runRetention, RUN_OBJECT_ID } from '../../src/privacy/job.js';
import { DataRequestModel, RetentionRunModel } from '../../src/privacy/model.js';
import { updateRetention } from '../../src/privacy/settings.js';
import { RatingModel } from '../../src/satisfaction/model.js';
import { satisfactionRate } from '../../src/satisfaction/service.js';
import { vietnamMonth, vietnamYear } from '../../src/shared/dates.js';
import { computeOwnFigures } from '../../src/statistics/sources.js';
import { createLogger } from '../../src/shared/logger.js';
import { testConfig } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { logSink } from '../helpers/log-sink.js';
import { asActor, fileAbout, makeWorld, settings, type World } from '../incidents/world.js';

/**
 * The daily retention run (Decree 13/2023/NĐ-CP; Law 91/2025/QH15): settled cases past their period lose their
 * reporter's data, rating comments, expired sessions and export files go; open and recent cases keep theirs, the
 * statistics do not move, the log and the audit log hold counts only, and a second run finds nothing to do.
 */

const NAME = 'Nguyễn Văn Riêngtư';
const PHONE = '0912000111';
const EMAIL = 'riengtu@example.vn';
const ADDRESS = 'Số 5 ngõ Bí Mật, bản Na Hai';
const REPORTER_TEXT = 'Tôi ở số 5 ngõ Bí Mật, gọi tôi lúc tối.';
const FEEDBACK_TEXT = 'Cảm ơn anh cán bộ đã gọi cho tôi ở số 0912000111.';
const RATING_TEXT = 'Chị Hoa ở quầy 2 nói to, tôi là Riêngtư.';
const NOW = new Date();

describe('the retention run: erasing what has outlived its period', function () {
  this.timeout(180_000);
  let w: World;
  let dir: string;
  const exportSettings = () => exportSettingsFrom(testConfig({ EXPORT_DIR: dir }));

  /** A named citizen report with a thread, an answered questionnaire and a letter, settled `closedAt` (or open). */
  async function namedCase(closedAt: Date | null) {
    const { report } = await fileAbout(w, {}, { reporter: { source: 'CITIZEN', anonymous: false, name: NAME, phone: PHONE, email: EMAIL } });
    await IncidentReportModel.updateOne(
      { _id: report._id },
      {
        $set: {
          ...(closedAt ? { status: 'CLOSED', closedAt, dueAt: null } : {}),
          messages: [
            { at: NOW, author: 'REPORTER', byName: '', text: REPORTER_TEXT },
            { at: NOW, author: 'UNIT', byName: 'Lò Văn Phích', text: `Chào ông ${NAME}, đơn vị đã nhận.` },
          ],
          feedback: closedAt ? [{ at: NOW, closedAt, answer: 'SATISFIED', comment: FEEDBACK_TEXT }] : [],
          'letter.recipientName': NAME,
          'letter.recipientAddress': ADDRESS,
        },
      },
    );
    return report._id;
  }

  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'congboc-retention-'));
  });
  afterEach(async () => {
    CASE_CLEANERS.length = BUILT_IN_CLEANERS;
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('when cases were settled 61 months ago (default 60), then exactly those lose their reporter data; a case settled 10 months ago and an open case keep theirs', async () => {
    const old = await namedCase(monthsBefore(NOW, 61));
    const recent = await namedCase(monthsBefore(NOW, 10));
    const open = await namedCase(null);
    // A denunciation by a colleague (staff record, account, address), settled long ago.
    const { report: denounced } = await fileAbout(w, {}, { reporter: { source: 'PEER', actor: await asActor(w.namUser._id), kind: 'TO_CAO', anonymous: false, phone: PHONE, address: ADDRESS } });
    await IncidentReportModel.updateOne({ _id: denounced._id }, { $set: { status: 'RESOLVED', closedAt: monthsBefore(NOW, 70), dueAt: null } });
    const cleaned: string[] = [];
    CASE_CLEANERS.push(async (id) => void cleaned.push(String(id)));

    const counts = await runRetention({ now: NOW, exportSettings: exportSettings() });

    expect(counts?.reports).to.equal(2);
    expect(cleaned.sort()).to.deep.equal([String(old), String(denounced._id)].sort(), 'the case cleaners ran for the erased cases only');
    for (const id of [old, denounced._id]) {
      const identity = (await ReporterIdentityModel.findOne({ reportId: id }).lean())!;
      expect([identity.name, identity.phone, identity.email, identity.address, identity.userId, identity.staffId]).to.deep.equal(['', '', '', '', null, null]);
    }
    const erased = (await IncidentReportModel.findById(old).lean())!;
    expect(erased.messages.map((m) => [m.author, m.text])).to.deep.equal([['REPORTER', ''], ['UNIT', '']]);
    expect(erased.feedback.map((f) => [f.answer, f.comment])).to.deep.equal([['SATISFIED', '']]);
    expect([erased.letter?.recipientName, erased.letter?.recipientAddress]).to.deep.equal(['', '']);
    expect([erased.status, erased.anonymous, erased.personalDataErasedAt]).to.deep.equal(['CLOSED', false, NOW]);
    for (const id of [recent, open]) {
      const identity = (await ReporterIdentityModel.findOne({ reportId: id }).lean())!;
      expect([identity.name, identity.phone, identity.email]).to.deep.equal([NAME, PHONE, EMAIL]);
      const kept = (await IncidentReportModel.findById(id).lean())!;
      expect(kept.messages[0]!.text).to.equal(REPORTER_TEXT);
      expect(kept.letter?.recipientName).to.equal(NAME);
    }
  });

  it('when a handled case settled past its period is erased, then its description, place, notes, finding note, remedies’ notes and the words its audit entries copied are blank; number, dates, criteria, state, finding and remedies’ kinds stay', async () => {
    const words = {
      description: 'Ông Riêngtư kể: cán bộ quầy 2 quát tôi trước mặt hàng xóm.',
      place: 'Quầy số 2, nhà văn hoá bản Na Hai',
      step: 'Ghi chú bước: đã gọi cho ông Riêngtư.',
      note: 'Ghi chú nội bộ: ông Riêngtư là hàng xóm của cán bộ.',
      reply: 'Kính gửi ông Riêngtư, đơn vị đã xác minh và xin lỗi ông.',
      finding: 'Kết luận: đúng như ông Riêngtư phản ánh.',
      remedy: 'Nhắc nhở trước cuộc họp, có mặt ông Riêngtư.',
    };
    const { report } = await fileAbout(w, { description: words.description, place: words.place }, { reporter: { source: 'CITIZEN', anonymous: false, name: NAME, phone: PHONE, email: EMAIL } });
    const id = String(report._id);
    const head = await asActor(w.headA._id);
    await transition(head, id, { to: 'UNDER_REVIEW', note: words.step }, settings);
    await addNote(head, id, words.note);
    await addReply(head, id, words.reply);
    await transition(head, id, { to: 'SUBSTANTIATED', note: words.finding }, settings);
    await addRemedy(head, id, { kind: 'REMINDER_TRAINING', note: words.remedy });
    const replyEntry = (await AuditEntryModel.findOne({ objectId: report._id, action: 'reply' }).lean())!;
    expect(replyEntry.changes.map((c) => [c.field, c.after])).to.deep.equal([['messages', 1], ['replyChars', words.reply.length]], 'a reply’s audit entry holds its length, never its words');
    const noteEntry = (await AuditEntryModel.findOne({ objectId: report._id, action: 'note' }).lean())!;
    expect(JSON.stringify(noteEntry)).not.to.contain(words.note);
    // Settled 61 months ago.
    await IncidentReportModel.updateOne({ _id: report._id }, { $set: { status: 'CLOSED', closedAt: monthsBefore(NOW, 61), dueAt: null } });
    const before = (await IncidentReportModel.findById(id).lean())!;

    expect((await runRetention({ now: NOW, exportSettings: exportSettings() }))?.reports).to.equal(1);

    const erased = (await IncidentReportModel.findById(id).lean())!;
    const caseText = JSON.stringify(erased);
    const auditText = JSON.stringify(await AuditEntryModel.find({ objectId: report._id }).lean());
    for (const [what, text] of Object.entries(words)) {
      expect(caseText, `the case keeps the ${what}`).not.to.contain(text);
      expect(auditText, `the audit log keeps the ${what}`).not.to.contain(text);
    }
    expect([erased.description, erased.place, erased.finding?.note, erased.explanation?.text]).to.deep.equal(['', '', '', '']);
    expect(erased.internalNotes.map((n) => [n.byName, n.text])).to.deep.equal([['Lò Văn Phích', '']]);
    expect([erased.caseNumber, erased.receivedAt, erased.occurredAt, erased.closedAt, erased.status]).to.deep.equal([before.caseNumber, before.receivedAt, before.occurredAt, before.closedAt, 'CLOSED']);
    expect([erased.criterionCodes, erased.confirmedCriterionCodes, erased.substantiated]).to.deep.equal([before.criterionCodes, before.confirmedCriterionCodes, true]);
    expect(erased.history.map((h) => [h.to, h.note])).to.deep.equal(before.history.map((h) => [h.to, '']));
    expect(erased.remedies.map((r) => [r.kind, r.note])).to.deep.equal([['REMINDER_TRAINING', '']]);
    expect((await AuditEntryModel.find({ objectId: report._id }).lean()).map((e) => e.action).sort()).to.deep.equal(['create', 'note', 'remedy', 'reply', 'transition', 'transition']);
  });

  it('when register requests were handled 37 months ago (default 36), then the run deletes them and counts them; one handled 35 months ago and an open one from years ago stay', async () => {
    const request = (status: 'RECEIVED' | 'DONE' | 'REFUSED', handledAt: Date | null, requesterName: string) =>
      DataRequestModel.create({ kind: 'ACCESS', requesterName, receivedAt: monthsBefore(NOW, 50), dueAt: monthsBefore(NOW, 50), status, handledAt, answer: status === 'RECEIVED' ? '' : 'Đã trả lời' });
    await request('DONE', monthsBefore(NOW, 37), 'Người A');
    await request('REFUSED', monthsBefore(NOW, 40), 'Người B');
    await request('DONE', monthsBefore(NOW, 35), 'Người C');
    await request('RECEIVED', null, 'Người D');
    const mark = logSink.mark();
    const counts = await runRetention({ now: NOW, exportSettings: exportSettings(), logger: createLogger('info', logSink) });
    expect(counts?.requests).to.equal(2);
    expect((await DataRequestModel.find({}).lean()).map((r) => r.requesterName).sort()).to.deep.equal(['Người C', 'Người D']);
    expect(logSink.since(mark)).to.contain('and 2 data-subject requests');
    expect((await RetentionRunModel.findById('retention').lean())!.lastCounts!.requests).to.equal(2);
    expect((await runRetention({ now: NOW, exportSettings: exportSettings() }))?.requests, 'a second run finds none').to.equal(0);
  });

  it('when a settled case past its period had evidence files, then they go with the reporter’s data; a recent case keeps its files', async () => {
    const old = await namedCase(monthsBefore(NOW, 61));
    const recent = await namedCase(monthsBefore(NOW, 10));
    for (const id of [old, recent]) await storeEvidence(id, [{ bytes: Buffer.from('%PDF-1.4\n%%EOF\n'), type: 'application/pdf' }], 'REPORT', 1, NOW);
    await runRetention({ now: NOW, exportSettings: exportSettings() });
    const files = await mongoose.connection.db!.collection('evidence.files').find({}).toArray();
    expect(files.map((f) => String(f.metadata?.reportId))).to.deep.equal([String(recent)]);
  });

  it('when the administrator shortens the period to 12 months, then the case settled 13 months ago is erased too', async () => {
    const settled = await namedCase(monthsBefore(NOW, 13));
    expect((await runRetention({ now: NOW, exportSettings: exportSettings() }))?.reports).to.equal(0);
    await updateRetention(await asActor(w.admin._id), { reportMonths: 12, ratingCommentMonths: 12, exportHours: 24, requestMonths: 36, accessHours: 72, correctionHours: 72, deletionHours: 72, restrictionHours: 72, contact: '' });
    expect((await runRetention({ now: NOW, exportSettings: exportSettings() }))?.reports).to.equal(1);
    expect((await ReporterIdentityModel.findOne({ reportId: settled }).lean())!.name).to.equal('');
  });

  it('when the run erases cases and comments, then the statistics of the unit and the satisfaction rate are the same as before', async () => {
    await namedCase(monthsBefore(NOW, 61));
    await namedCase(null);
    const at = monthsBefore(NOW, 13);
    await RatingModel.create({ unitId: w.deskA._id, unitPath: w.deskA.path, level: 'DISSATISFIED', scale: 3, ratedAt: at, comment: RATING_TEXT, criteria: ['X1'] });
    await RatingModel.create({ unitId: w.deskA._id, unitPath: w.deskA.path, level: 'SATISFIED', scale: 3, ratedAt: NOW, comment: 'Nhanh, gọn.' });
    const year = vietnamYear(NOW);
    const figures = () => computeOwnFigures({ _id: w.communeA._id, path: w.communeA.path, kind: w.communeA.kind, name: w.communeA.name }, year);
    const rate = () => satisfactionRate(w.deskA._id, vietnamMonth(at).key, vietnamMonth(NOW).key);
    const [figuresBefore, rateBefore] = [await figures(), await rate()];

    const counts = await runRetention({ now: NOW, exportSettings: exportSettings() });

    expect([counts?.reports, counts?.comments]).to.deep.equal([1, 1]);
    expect(await figures()).to.deep.equal(figuresBefore);
    expect(await rate()).to.deep.equal(rateBefore);
    expect((await RatingModel.find({}).sort({ ratedAt: 1 }).lean()).map((r) => [r.level, r.criteria, r.comment])).to.deep.equal([
      ['DISSATISFIED', ['X1'], ''],
      ['SATISFIED', [], 'Nhanh, gọn.'],
    ]);
  });

  it('when the run deletes expired sessions and export files, then live sessions and recent exports stay', async () => {
    const sessions = mongoose.connection.db!.collection<{ _id: string; expires: Date; session: object }>('sessions');
    await sessions.insertMany([
      { _id: 'expired', expires: new Date(NOW.getTime() - 60_000), session: {} },
      { _id: 'live', expires: new Date(NOW.getTime() + 3600_000), session: {} },
    ]);
    const oldFile = path.join(dir, 'old.xlsx');
    await fs.promises.writeFile(oldFile, 'x');
    const base = { kind: 'COMMUNE', unitId: w.communeA._id, unitName: w.communeA.name, year: 2026, requestedBy: w.admin._id, status: 'DONE' };
    await ExportJobModel.collection.insertMany([
      { ...base, filePath: oldFile, createdAt: new Date(NOW.getTime() - 25 * 3600_000), updatedAt: NOW },
      { ...base, filePath: '', createdAt: new Date(NOW.getTime() - 3600_000), updatedAt: NOW },
    ]);

    const counts = await runRetention({ now: NOW, exportSettings: exportSettings() });

    expect([counts?.sessions, counts?.exports]).to.deep.equal([1, 1]);
    expect((await sessions.find({}).toArray()).map((s) => s._id)).to.deep.equal(['live']);
    expect(await ExportJobModel.countDocuments({})).to.equal(1);
    expect(fs.existsSync(oldFile)).to.equal(false);
  });

  it('when the run has erased a denunciation, then its log line and audit entry hold the counts and none of the personal data', async () => {
    await namedCase(monthsBefore(NOW, 61));
    const { report } = await fileAbout(w, {}, { reporter: { source: 'PEER', actor: await asActor(w.namUser._id), kind: 'TO_CAO', anonymous: false, phone: PHONE, address: ADDRESS } });
    await IncidentReportModel.updateOne({ _id: report._id }, { $set: { status: 'CLOSED', closedAt: monthsBefore(NOW, 61), dueAt: null } });
    await RatingModel.create({ unitId: w.deskA._id, unitPath: w.deskA.path, level: 'DISSATISFIED', scale: 3, ratedAt: monthsBefore(NOW, 13), comment: RATING_TEXT });
    const mark = logSink.mark();
    const auditBefore = await AuditEntryModel.countDocuments({});

    await runRetention({ now: NOW, exportSettings: exportSettings(), logger: createLogger('info', logSink) });

    const logged = logSink.since(mark);
    const entries = await AuditEntryModel.find({ objectId: RUN_OBJECT_ID }).lean();
    expect(await AuditEntryModel.countDocuments({})).to.equal(auditBefore + 1, 'one audit entry per run');
    expect(entries.map((e) => [e.objectType, e.action, e.actorName])).to.deep.equal([['retention', 'retentionRun', 'system']]);
    expect(Object.fromEntries(entries[0]!.changes.map((c) => [c.field, c.after]))).to.deep.include({ reports: 2, comments: 1 });
    expect(logged).to.contain('anonymised 2 reports, erased 1 comments');
    const audit = JSON.stringify(entries);
    for (const secret of [NAME, PHONE, EMAIL, ADDRESS, REPORTER_TEXT, FEEDBACK_TEXT, RATING_TEXT, w.namUser.displayName, String(w.namUser._id), String(w.nam._id), String(report._id)]) {
      expect(logged, `the log holds ${secret}`).not.to.contain(secret);
      expect(audit, `the audit entry holds ${secret}`).not.to.contain(secret);
    }
  });

  it('when the run is repeated, then it finds nothing more to do and changes nothing', async () => {
    const old = await namedCase(monthsBefore(NOW, 61));
    await RatingModel.create({ unitId: w.deskA._id, unitPath: w.deskA.path, level: 'SATISFIED', scale: 3, ratedAt: monthsBefore(NOW, 13), comment: RATING_TEXT });
    const first = await runRetention({ now: NOW, exportSettings: exportSettings() });
    const after = await IncidentReportModel.findById(old).lean();
    const second = await runRetention({ now: new Date(NOW.getTime() + 60_000), exportSettings: exportSettings() });
    expect([first?.reports, first?.comments]).to.deep.equal([1, 1]);
    expect(second).to.deep.equal({ reports: 0, comments: 0, sessions: 0, exports: 0, requests: 0 });
    expect(await IncidentReportModel.findById(old).lean()).to.deep.equal(after);
  });

  it('when another process holds the lease, then this one does not run; the daily run runs once a day', async () => {
    await namedCase(monthsBefore(NOW, 61));
    await RetentionRunModel.create({ _id: 'retention', leaseUntil: new Date(NOW.getTime() + 10 * 60_000), holder: 'another-process' });
    expect(await runRetention({ now: NOW, exportSettings: exportSettings() })).to.equal(null);
    expect(await IncidentReportModel.countDocuments({ personalDataErasedAt: { $ne: null } })).to.equal(0);
    // Its lease runs out (the other process died): the next run goes ahead, once that day.
    const later = new Date(NOW.getTime() + 31 * 60_000);
    expect((await runRetention({ now: later, exportSettings: exportSettings(), daily: true }))?.reports).to.equal(1);
    expect(await runRetention({ now: new Date(later.getTime() + 60_000), exportSettings: exportSettings(), daily: true })).to.equal(null);
    expect((await RetentionRunModel.findById('retention').lean())!.leaseUntil.getTime(), 'the lease was released').to.be.below(NOW.getTime());
    // The next day's run happens.
    expect(await runRetention({ now: new Date(later.getTime() + 86_400_000), exportSettings: exportSettings(), daily: true })).to.not.equal(null);
  });
});
