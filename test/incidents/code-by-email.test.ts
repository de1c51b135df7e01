import { expect } from 'chai';
import { decoded, startSmtp } from '../helpers/smtp.js';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, testApp, type Agent } from '../helpers/app.js';
import { logSink } from '../helpers/log-sink.js';
import { makeWorld, type World } from './world.js';

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
