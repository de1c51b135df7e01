import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, testApp, type Agent } from '../helpers/app.js';
import { logSink } from '../helpers/log-sink.js';
import { makeWorld, type World } from './world.js';

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

/** Quoted-printable (or RFC 2047 "Q") text to UTF-8. */
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

const today = () => new Date().toISOString().slice(0, 10);

async function file(agent: Agent, w: World, fields: Record<string, string>) {
  const _csrf = await csrfFrom(agent, `/phan-anh?unit=${w.communeA._id}`);
  const res = await agent
    .post('/phan-anh')
    .type('form')
    .send({ _csrf, unitId: String(w.communeA._id), criterionCodes: ['X1'], occurredOn: today(), description: 'Cán bộ không chào và bắt tôi chờ lâu.', ...fields });
  expect(res.status).to.equal(302);
  const receipt = await agent.get('/phan-anh/bien-nhan');
  return { receipt, code: /data-tracking-code>([0-9A-Z-]+)</.exec(receipt.text)![1]! };
}

async function askForCode(agent: Agent) {
  const _csrf = await csrfFrom(agent, '/phan-anh/bien-nhan');
  return agent.post('/phan-anh/bien-nhan/gui-thu').type('form').send({ _csrf });
}

describe('citizen reports: the tracking code by e-mail', function () {
  this.timeout(60_000);
  let w: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    smtp = await startSmtp();
  });
  afterEach(async () => smtp.close());

  const app = () => testApp({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), MAIL_FROM: 'congboc@dienbien.example.vn', PUBLIC_BASE_URL: 'https://congboc.dienbien.example.vn' });

  it('when a named reporter who gave an e-mail asks on the receipt page, then the real SMTP server gets one message in English (their language) with the code, the code is in no log line, and a fourth request within the hour is refused', async () => {
    const agent = agentFor(app());
    await agent.get('/lang/en?back=/phan-anh');
    const mark = logSink.mark();
    const { receipt, code } = await file(agent, w, { identity: 'named', name: 'Hoàng Văn Tỵ', email: 'ty@example.vn' });
    expect(receipt.text).to.contain('E-mail me the code');

    const sent = await askForCode(agent);
    expect(sent.status).to.equal(303);
    expect(sent.headers.location).to.equal('/phan-anh/bien-nhan');
    expect((await agent.get('/phan-anh/bien-nhan')).text).to.contain('The tracking code was sent to the e-mail address you gave.');
    expect(smtp.received).to.have.length(1);
    expect(smtp.received[0]!.to).to.deep.equal(['ty@example.vn']);
    const message = decoded(smtp.received[0]!.raw);
    expect(message).to.contain('Subject: Tracking code of report PA-').and.to.contain(`Tracking code: ${code}`).and.to.contain('https://congboc.dienbien.example.vn/tra-cuu');

    await askForCode(agent);
    await askForCode(agent);
    const fourth = await askForCode(agent);
    expect(fourth.status).to.equal(303);
    expect((await agent.get('/phan-anh/bien-nhan')).text).to.contain('You have asked for the code too many times.');
    expect(smtp.received).to.have.length(3);

    const logged = logSink.since(mark);
    for (const secret of [code, code.replace(/-/g, ''), 'ty@example.vn']) expect(logged, `log holds ${secret}`).not.to.contain(secret);
  });

  it('when the reporter was anonymous, then the receipt offers no e-mail and asking anyway sends nothing', async () => {
    const agent = agentFor(app());
    const { receipt } = await file(agent, w, { identity: 'anonymous' });
    expect(receipt.text).not.to.contain('data-code-by-email');
    const res = await askForCode(agent);
    expect(res.status).to.equal(303);
    expect(smtp.received).to.have.length(0);
  });

  it('when no mail server is configured, then the named reporter’s receipt offers no e-mail', async () => {
    const agent = agentFor(testApp());
    const { receipt } = await file(agent, w, { identity: 'named', name: 'Hoàng Văn Tỵ', email: 'ty@example.vn' });
    expect(receipt.text).not.to.contain('data-code-by-email');
  });
});
