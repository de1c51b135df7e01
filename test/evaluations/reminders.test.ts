import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, submitForm, testApp, testConfig } from '../helpers/app.js';
import { UserModel } from '../../src/auth/model.js';
import { createMailer } from '../../src/notifications/mailer.js';
import { overdueFor, sendReminders } from '../../src/evaluations/reminders.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import { allRated, asActor, evaluationOf, makeWorld, openPeriodVia, type World } from './world.js';

interface Received {
  to: string[];
  raw: string;
}

/** A real SMTP server on a free port that keeps what it receives. */
async function startSmtp(): Promise<{ port: number; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Quoted-printable (or RFC 2047 "Q") text to bytes, then UTF-8. */
function fromQuotedPrintable(text: string, underscoreIsSpace = false): string {
  const bytes: number[] = [];
  const input = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (ch === '=' && /^[0-9A-F]{2}$/i.test(input.slice(i + 1, i + 3))) {
      bytes.push(parseInt(input.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === '_' && underscoreIsSpace) bytes.push(0x20);
    else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The headers (encoded words decoded) and the body (transfer encoding undone) of a received message. */
function decoded(raw: string): string {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const words = headers.replace(/=\?utf-8\?(Q|B)\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : fromQuotedPrintable(text, true),
  );
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  const text = encoding === 'quoted-printable' ? fromQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return `${words}\n\n${text}`;
}

describe('evaluations: overdue lists and reminder e-mails', () => {
  let w: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let periodId: string;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    smtp = await startSmtp();
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    // The deadline of this period is long past.
    periodId = await openPeriodVia(admin, { unitId: String(w.communeA._id), kind: 'monthly', year: '2025', number: '11', deadline: '05/12/2025' });
    await UserModel.updateOne({ _id: w.headA._id }, { $set: { email: 'chutich@thanhnua.example.vn' } });
  });
  afterEach(async () => smtp.close());

  it('when the deadline has passed, then the missing self-assessments and unfinished evaluations are listed on the period page', async () => {
    const lan = agentFor(testApp());
    await login(lan, w.lanUser.username);
    const ev = await evaluationOf(w.binh._id);
    const head = agentFor(testApp());
    await login(head, w.headA.username);
    expect((await submitForm(head, `/evaluations/${String(ev._id)}`, `/evaluations/${String(ev._id)}/evaluate`, { version: '0', action: 'finalise', ...allRated('GOOD') })).status).to.equal(302);
    const overdue = await overdueFor(await asActor(w.headA._id), periodId);
    expect(overdue.selfAssessments.map((o) => o.staffName)).to.deep.equal(['Quàng Thị Lan', 'Lò Văn Phích']);
    expect(overdue.evaluations.map((o) => o.staffName)).to.deep.equal(['Quàng Thị Lan', 'Lò Văn Phích']);
    const page = await head.get(`/evaluations/periods/${periodId}`);
    expect(page.text).to.contain('Quá hạn tự đánh giá');
    expect(page.text).to.contain('Chưa cấu hình máy chủ thư');
  });

  it('when reminders are sent, then the real SMTP server receives one to the late person and one to the head listing the people', async () => {
    const mailer = createMailer(testConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_SECURE: 'false', MAIL_FROM: 'Công Bộc <congboc@dienbien.example.vn>' }));
    const result = await sendReminders(await asActor(w.admin._id), periodId, mailer);
    // Lan and the chairman (late with his own self-assessment) are reminded, then the chairman as head; Bình has no login.
    expect(result).to.deep.equal({ sent: 3, withoutAddress: 1, mailConfigured: true });
    expect(smtp.received.filter((m) => m.to.includes('chutich@thanhnua.example.vn'))).to.have.length(2);
    const toLan = smtp.received.find((m) => m.to.includes('lan@thanhnua.example.vn'))!;
    expect(decoded(toLan.raw)).to.contain('Nhắc tự đánh giá quy tắc ứng xử — kỳ 2025-11 — Xã Thanh Nưa');
    expect(decoded(toLan.raw)).to.contain('05/12/2025');
    const toHead = smtp.received.find((m) => m.to.includes('chutich@thanhnua.example.vn') && decoded(m.raw).includes('Nhắc hoàn tất đánh giá'))!;
    expect(decoded(toHead.raw)).to.contain('- Quàng Thị Lan (Bộ phận tiếp nhận và trả kết quả)');
    expect(decoded(toHead.raw)).to.contain('- Lường Văn Bình');
    expect(decoded(toHead.raw)).to.not.contain('- Lò Văn Phích'); // a head is not reminded to evaluate themself
    expect(await AuditEntryModel.countDocuments({ objectType: 'period', action: 'remind' })).to.equal(1);
  });

  it('when no SMTP server is configured, then nothing is sent and the lists remain', async () => {
    expect(createMailer(testConfig())).to.equal(null);
    const result = await sendReminders(await asActor(w.admin._id), periodId, null);
    expect(result).to.deep.equal({ sent: 0, withoutAddress: 0, mailConfigured: false });
    expect(smtp.received).to.have.length(0);
  });
});
