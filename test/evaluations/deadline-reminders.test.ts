import { expect } from 'chai';
import mongoose from 'mongoose';
import { decoded, startSmtp, smtpFields } from '../helpers/smtp.js';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp, testConfig } from '../helpers/app.js';
import { UserModel } from '../../src/auth/model.js';
import { loadVietnamYear } from '../../src/holidays/service.js';
import { createMailer } from '../../src/notifications/mailer.js';
import { remindEvaluationDeadlines, type EvaluationReminderSettings } from '../../src/evaluations/deadline-reminders.js';
import { translator } from '../../src/shared/i18n.js';
import { allRated, evaluationOf, makeWorld, openPeriodVia, type World } from './world.js';

/** 10:00 in Việt Nam on a day. */
const vn = (isoDay: string) => new Date(`${isoDay}T03:00:00Z`);

describe('evaluations: scheduled reminders before a period’s deadline', function () {
  this.timeout(180_000);
  let w: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let settings: EvaluationReminderSettings;
  let periodId: string;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    await loadVietnamYear(null, 2026);
    smtp = await startSmtp();
    settings = { ...testConfig({ ...smtpFields(smtp) }), REMINDER_DAYS_BEFORE: 1 };
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    // Due on Tuesday 10/3/2026; Mường Nhé's period is due a month later.
    periodId = await openPeriodVia(admin, { unitId: String(w.communeA._id), kind: 'monthly', year: '2026', number: '2', deadline: '10/03/2026' });
    await openPeriodVia(admin, { unitId: String(w.communeB._id), kind: 'monthly', year: '2026', number: '2', deadline: '10/04/2026' });
    await UserModel.updateOne({ _id: w.headA._id }, { $set: { email: 'chutich@thanhnua.example.vn', language: 'en' } });
    await UserModel.updateOne({ _id: w.headB._id }, { $set: { email: 'chutich@muongnhe.example.vn' } });
    await UserModel.updateOne({ _id: w.maiUser._id }, { $set: { email: 'mai@muongnhe.example.vn' } });
  });
  afterEach(async () => smtp.close());

  it('when the deadline comes near, then each person with a login who has not submitted is reminded once, in their language, and the head gets one digest of their unit; not before, not again, not after the deadline', async () => {
    // Lan submits her self-assessment; the chairman (who has a login) and Bình (who has none) do not.
    const lan = agentFor(testApp());
    await login(lan, w.lanUser.username);
    const ev = `/evaluations/${String((await evaluationOf(w.lan._id))._id)}`;
    expect((await submitForm(lan, ev, `${ev}/self`, { version: '0', action: 'submit', ...allRated('GOOD') })).status).to.equal(302);
    const mailer = createMailer(settings);

    // Friday 6/3: the next working day is Monday 9/3, before the deadline.
    expect(await remindEvaluationDeadlines(vn('2026-03-06'), { settings, mailer })).to.deep.equal({ selfAssessment: 0, heads: 0, mailed: 0 });
    // Monday 9/3: one working day before.
    expect(await remindEvaluationDeadlines(vn('2026-03-09'), { settings, mailer })).to.deep.equal({ selfAssessment: 1, heads: 1, mailed: 2 });
    expect(smtp.received.map((m) => m.to)).to.deep.equal([['chutich@thanhnua.example.vn'], ['chutich@thanhnua.example.vn']]);
    const [toSelf, digest] = smtp.received.map((m) => decoded(m.raw).replace(/\r\n/g, '\n'));
    expect(toSelf).to.contain('Self-assessment due soon — period 2026-02 — Xã Thanh Nưa');
    expect(toSelf).to.contain('10/03/2026');
    expect(digest).to.contain('Evaluations due soon — period 2026-02 — Xã Thanh Nưa (2 people)');
    expect(digest).to.contain('- Quàng Thị Lan (Bộ phận tiếp nhận và trả kết quả)\n');
    expect(digest).to.contain('- Lường Văn Bình (Xã Thanh Nưa) — not self-assessed yet');
    expect(digest, 'a head is not reminded to evaluate themself').not.to.contain('Lò Văn Phích');
    expect(smtp.received.some((m) => m.to.includes('lan@thanhnua.example.vn')), 'Lan has submitted').to.equal(false);

    // The next hour, a restart: nothing again; the day after the deadline: nothing (the overdue reminder is manual).
    expect(await remindEvaluationDeadlines(vn('2026-03-10'), { settings, mailer })).to.deep.equal({ selfAssessment: 0, heads: 0, mailed: 0 });
    expect(await remindEvaluationDeadlines(vn('2026-03-11'), { settings, mailer })).to.deep.equal({ selfAssessment: 0, heads: 0, mailed: 0 });
    expect(smtp.received).to.have.length(2);
  });

  it('when the head finalises everyone and the people submit, then nobody is reminded', async () => {
    // The pages run after the deadline (today), so the head may finalise without waiting for the self-assessments.
    const head = agentFor(testApp());
    await login(head, w.headA.username);
    for (const staffId of [w.lan._id, w.binh._id]) {
      const ev = `/evaluations/${String((await evaluationOf(staffId))._id)}`;
      expect((await submitForm(head, ev, `${ev}/evaluate`, { version: '0', action: 'finalise', ...allRated('GOOD') })).status).to.equal(302);
    }
    // The chairman's own evaluation is left to the level above (no head there): he only self-assesses.
    const own = `/evaluations/${String((await evaluationOf(w.chairA._id))._id)}`;
    expect((await submitForm(head, own, `${own}/self`, { version: '0', action: 'submit', ...allRated('GOOD') })).status).to.equal(302);

    expect(await remindEvaluationDeadlines(vn('2026-03-09'), { settings, mailer: createMailer(settings) })).to.deep.equal({ selfAssessment: 0, heads: 0, mailed: 0 });
    expect(smtp.received).to.have.length(0);
  });

  it('the reminders read only the unfinished result records of the period whose deadline is near, by equality, and never the evaluations', async () => {
    const queries: { collection: string; filter: unknown }[] = [];
    mongoose.set('debug', (collection: string, _method: string, filter: unknown) => void queries.push({ collection, filter }));
    try {
      await remindEvaluationDeadlines(vn('2026-03-09'), { settings, mailer: createMailer(settings) });
    } finally {
      mongoose.set('debug', false);
    }
    expect(queries.filter((q) => q.collection === 'evaluations')).to.deep.equal([]);
    const records = queries.filter((q) => q.collection === 'evaluationresults').map((q) => JSON.parse(JSON.stringify(q.filter)));
    expect(records).to.deep.equal([{ periodId, finalised: 0 }]);
    // Mường Nhé's period is not near: its people and head got nothing.
    expect(smtp.received.flatMap((m) => m.to).filter((to) => to.endsWith('muongnhe.example.vn'))).to.deep.equal([]);
  });

  it('each reminder text renders in Vietnamese and in English with the period and the deadline filled in', () => {
    const keys = ['selfDueSoonSubject', 'selfDueSoonBody', 'headDueSoonSubject', 'headDueSoonBody'].map((k) => `evaluations.mail.${k}`);
    for (const key of keys) {
      const vars = { period: '2026-02 — Xã Thanh Nưa', deadline: '10/03/2026', count: 2 };
      const vi = translator('vi')(key, vars);
      const en = translator('en')(key, vars);
      expect(vi, key).to.contain('2026-02 — Xã Thanh Nưa').and.not.to.contain('{{');
      expect(en, key).to.contain('2026-02 — Xã Thanh Nưa').and.not.to.contain('{{');
      expect(en, key).not.to.equal(vi);
    }
  });
});
