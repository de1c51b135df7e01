import { expect } from 'chai';
import mongoose from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, testApp, type Agent } from '../helpers/app.js';
import { serve } from '../helpers/browser.js';
import { logSink } from '../helpers/log-sink.js';
import { IncidentReportModel, ReporterIdentityModel } from '../../src/incidents/model.js';
import { hashOfTyped } from '../../src/incidents/tracking.js';
import { makeWorld, settings, type World } from './world.js';

const today = () => new Date().toISOString().slice(0, 10);

async function fileViaForm(agent: Agent, w: World, fields: Record<string, string | string[]> = {}) {
  const page = `/phan-anh?unit=${w.communeA._id}`;
  const _csrf = await csrfFrom(agent, page);
  return agent
    .post('/phan-anh')
    .type('form')
    .send({ _csrf, unitId: String(w.communeA._id), staffId: String(w.lan._id), deskId: String(w.deskA._id), criterionCodes: ['X1', 'L3'], occurredOn: today(), description: 'Chị cán bộ không chào và không nghe tôi trình bày.', ...fields });
}

/** The cookies a response sets, as a browser sends them back (or the ones it had, when it sets none). */
const cookieOf = (res: Response, before = '') => res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') || before;

/** The tracking code shown on the receipt page. */
async function receiptCode(agent: Agent): Promise<string> {
  const receipt = await agent.get('/phan-anh/bien-nhan');
  const m = /data-tracking-code>([0-9A-Z-]+)</.exec(receipt.text);
  if (!m) throw new Error('no tracking code on the receipt');
  return m[1]!;
}

/** Every document of every collection, as text. */
async function wholeDatabase(): Promise<string> {
  const parts: string[] = [];
  for (const c of await mongoose.connection.db!.collections()) parts.push(JSON.stringify(await c.find({}).toArray()));
  return parts.join('\n');
}

describe('citizen reports', () => {
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when a citizen reports anonymously, then no name, contact or address is stored or logged, and the code works', async () => {
    const agent = agentFor(testApp());
    const mark = logSink.mark();
    // Typed in, then "anonymous" chosen: refused with 422 naming the problem beside each field (never silently
    // dropped), and nothing of it kept; sent again without them, it is filed.
    const refused = await fileViaForm(agent, w, { identity: 'anonymous', name: 'Hoàng Văn Tỵ', phone: '0912 345 678', email: 'ty@example.vn' });
    expect(refused.status).to.equal(422);
    expect(refused.text.match(/Bạn đã chọn “Ẩn danh” nên thông tin này sẽ không được gửi/g) ?? []).to.have.length.of.at.least(3);
    expect(refused.text).to.contain('href="#f-phone"');
    expect(await IncidentReportModel.countDocuments()).to.equal(0);
    const res = await fileViaForm(agent, w, { identity: 'anonymous' });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/phan-anh/bien-nhan');
    const code = await receiptCode(agent);
    expect(code).to.match(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

    const report = (await IncidentReportModel.findOne({}).lean())!;
    expect(report.anonymous).to.equal(true);
    expect(report.source).to.equal('CITIZEN');
    expect(report.trackingHash).to.equal(hashOfTyped(code));
    expect(report.staffName).to.equal('Quàng Thị Lan');
    expect(report.criterionCodes).to.deep.equal(['X1', 'L3']);
    expect(report.periodKey).to.equal(today().slice(0, 7));
    expect(await ReporterIdentityModel.countDocuments()).to.equal(0);

    const stored = await wholeDatabase();
    const logged = logSink.since(mark);
    expect(logged).to.contain('"url":"/phan-anh"');
    for (const secret of ['Hoàng Văn Tỵ', '0912 345 678', 'ty@example.vn', '127.0.0.1', '::ffff', '::1', code, code.replace(/-/g, '')]) {
      expect(stored, `database holds ${secret}`).not.to.contain(secret === code || secret === code.replace(/-/g, '') ? `"${secret}"` : secret);
      expect(logged, `log holds ${secret}`).not.to.contain(secret);
    }
  });

  it('when the citizen reloads the receipt, then the code shows again while the database holds it nowhere readable; another browser never sees it; "I have saved the code" removes it', async () => {
    const agent = agentFor(testApp());
    const posted = await fileViaForm(agent, w);
    expect(posted.status).to.equal(302);
    const code = await receiptCode(agent);
    const reloaded = await agent.get('/phan-anh/bien-nhan');
    expect(reloaded.headers['cache-control']).to.contain('no-store');
    expect(await receiptCode(agent), 'after a reload').to.equal(code);
    const stored = await wholeDatabase();
    for (const form of [code, code.replace(/-/g, '')]) expect(stored, 'the database').not.to.contain(form);

    // Another browser with a copy of the session cookie, but not the key cookie, gets no receipt.
    const sent = String((posted as unknown as { req: { getHeader(n: string): unknown } }).req.getHeader('cookie') ?? '');
    const sessionCookie = sent.split(/;\s*/).find((c) => c.startsWith('congboc.sid='));
    expect(sessionCookie, 'the session cookie sent with the report').to.be.a('string');
    const thief = await agentFor(testApp()).get('/phan-anh/bien-nhan').set('Cookie', sessionCookie!);
    expect(thief.text).not.to.contain(code);
    expect(thief.text).to.contain('Không còn biên nhận để hiển thị');

    const _csrf = await csrfFrom(agent, '/phan-anh/bien-nhan');
    const forgotten = await agent.post('/phan-anh/bien-nhan/xoa').type('form').send({ _csrf });
    expect(forgotten.status).to.equal(302);
    const after = await agent.get('/phan-anh/bien-nhan');
    expect(after.text).not.to.contain(code);
    expect(after.text).to.contain('Không còn biên nhận để hiển thị');
  });

  it('when a citizen opens the form, then communes are listed and searchable without diacritics, and a QR link pre-fills the person', async () => {
    const agent = agentFor(testApp());
    const all = await agent.get('/phan-anh');
    expect(all.status).to.equal(200);
    expect(all.text).to.contain('Xã Thanh Nưa').and.to.contain('Xã Mường Nhé').and.not.to.contain('Bộ phận tiếp nhận');
    const found = await agent.get('/phan-anh?q=muong nhe');
    expect(found.text).to.contain('Xã Mường Nhé').and.not.to.contain('>Xã Thanh Nưa');
    const prefilled = await agent.get(`/phan-anh?unit=${w.communeA._id}&staff=${w.lan._id}`);
    expect(prefilled.text).to.contain(`<option value="${w.lan._id}" selected>`).and.to.contain('Cán bộ không chào hỏi');
  });

  it('when a citizen gives a name, then it is kept apart from the case, not in the case document', async () => {
    const agent = agentFor(testApp());
    const res = await fileViaForm(agent, w, { identity: 'named', name: 'Hoàng Văn Tỵ', phone: '0912345678' });
    expect(res.status).to.equal(302);
    const report = (await IncidentReportModel.findOne({}).lean())!;
    expect(report.anonymous).to.equal(false);
    expect(JSON.stringify(report)).not.to.contain('Hoàng Văn Tỵ');
    const identity = (await ReporterIdentityModel.findOne({ reportId: report._id }).lean())!;
    expect(identity.name).to.equal('Hoàng Văn Tỵ');
    expect(identity.phone).to.equal('0912345678');
  });

  it('when the form is incomplete, then 422 with messages beside the fields and the text kept', async () => {
    const agent = agentFor(testApp());
    const res = await fileViaForm(agent, w, { criterionCodes: [], identity: 'named', name: '', description: 'Chờ quá lâu', occurredOn: '31/02/2026', phone: 'abc' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Vui lòng chọn ít nhất một nội dung trong danh sách.');
    expect(res.text).to.contain('Ngày không hợp lệ');
    expect(res.text).to.contain('Số điện thoại không hợp lệ.');
    expect(res.text).to.contain('Chờ quá lâu');
    expect(await IncidentReportModel.countDocuments()).to.equal(0);
    const unnamed = await fileViaForm(agent, w, { identity: 'named', name: '' });
    expect(unnamed.status).to.equal(422);
    expect(unnamed.text).to.contain('Vui lòng nhập họ tên, hoặc chọn gửi ẩn danh.');
  });

  it('when a criterion is not in the code in force or the date is in the future, then 422', async () => {
    const agent = agentFor(testApp());
    const res = await fileViaForm(agent, w, { criterionCodes: ['Z9'], occurredOn: '2999-01-01' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Ngày xảy ra không thể sau hôm nay.');
    expect(await IncidentReportModel.countDocuments()).to.equal(0);
  });

  it('when the honeypot is filled, then the bot sees a thank-you and nothing is stored', async () => {
    const agent = agentFor(testApp());
    const res = await fileViaForm(agent, w, { website: 'http://spam.example' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Đã nhận phản ánh của bạn.');
    expect(await IncidentReportModel.countDocuments()).to.equal(0);
  });

  it('when one client sends more reports than the hourly limit, then 429', async () => {
    const limit = settings.REPORT_RATE_LIMIT_PER_HOUR;
    const agent = agentFor(testApp());
    const statuses = [];
    for (let i = 0; i <= limit; i++) statuses.push((await fileViaForm(agent, w)).status);
    expect(statuses).to.deep.equal([...Array<number>(limit).fill(302), 429]);
    expect(await IncidentReportModel.countDocuments()).to.equal(limit);
  });

  it('when one client sends more messages on a case than the hourly limit of public posts, then 429 and the extra is not stored', async () => {
    const limit = settings.REPORT_RATE_LIMIT_PER_HOUR;
    const agent = agentFor(testApp());
    expect((await fileViaForm(agent, w)).status).to.equal(302);
    const code = await receiptCode(agent);
    const lookupToken = await csrfFrom(agent, '/tra-cuu');
    const found = await agent.post('/tra-cuu').type('form').send({ _csrf: lookupToken, code });
    expect(found.status).to.equal(302);
    const _csrf = await csrfFrom(agent, '/tra-cuu/ho-so');
    const statuses = [];
    // The report used one post of the hour.
    for (let i = 1; i <= limit; i++) statuses.push((await agent.post('/tra-cuu/ho-so/tin-nhan').type('form').send({ _csrf, text: `Bổ sung ${i}` })).status);
    expect(statuses).to.deep.equal([...Array<number>(limit - 1).fill(302), 429]);
    expect((await IncidentReportModel.findOne({}).lean())!.messages).to.have.length(limit - 1);
  });

  it('when the text is too long, then 422 rather than a stored essay', async () => {
    const agent = agentFor(testApp());
    const res = await fileViaForm(agent, w, { description: 'a'.repeat(4001) });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Giá trị quá lớn hoặc quá dài.');
  });

  it('when the citizen looks the code up from another browser, then status and unit replies show, and messages go both ways', async () => {
    const filer = agentFor(testApp());
    await fileViaForm(filer, w);
    const code = await receiptCode(filer);
    const report = (await IncidentReportModel.findOne({}).lean())!;
    await IncidentReportModel.updateOne({ _id: report._id }, { $push: { messages: { at: new Date(), author: 'UNIT', byName: 'Lò Văn Phích', text: 'Đơn vị đã tiếp nhận và đang xác minh.' } } });

    const app = testApp();
    const other = agentFor(app);
    const mark = logSink.mark();
    const _csrf = await csrfFrom(other, '/tra-cuu');
    // Typed in lower case with spaces and an O for a zero: still found.
    const typed = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    const found = await other.post('/tra-cuu').type('form').send({ _csrf, code: typed });
    expect(found.status).to.equal(302);
    expect(found.headers.location).to.equal('/tra-cuu/ho-so');
    const page = await other.get('/tra-cuu/ho-so');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Đã tiếp nhận').and.to.contain('Đơn vị đã tiếp nhận và đang xác minh.').and.to.contain(report.caseNumber);
    expect(logSink.since(mark)).not.to.contain(code);

    const _csrf2 = await csrfFrom(other, '/tra-cuu/ho-so');
    const sent = await other.post('/tra-cuu/ho-so/tin-nhan').type('form').send({ _csrf: _csrf2, text: 'Tôi bổ sung: sự việc lúc 9 giờ sáng.' });
    expect(sent.status).to.equal(302);
    const after = (await IncidentReportModel.findById(report._id).lean())!;
    expect(after.messages.map((m) => [m.author, m.text])).to.deep.equal([
      ['UNIT', 'Đơn vị đã tiếp nhận và đang xác minh.'],
      ['REPORTER', 'Tôi bổ sung: sự việc lúc 9 giờ sáng.'],
    ]);
    expect((await other.get('/tra-cuu/ho-so')).text).to.contain('Tôi bổ sung: sự việc lúc 9 giờ sáng.');
  });

  it('when twenty citizens file at once and each browser opens the receipt as soon as the redirect’s headers arrive, then every receipt shows its own code, and twenty look-ups at once each open the case of their code', async () => {
    const app = testApp({ REPORT_RATE_LIMIT_PER_HOUR: '1000', REPORT_LOOKUP_RATE_LIMIT_PER_15_MIN: '1000' });
    const site = await serve(app);
    const base = site.url;
    let codes: string[];
    try {
      codes = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const form = await fetch(`${base}/phan-anh?unit=${w.communeA._id}`);
          let cookie = cookieOf(form);
          const _csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
          const body = new URLSearchParams({ _csrf, unitId: String(w.communeA._id), staffId: String(w.lan._id), occurredOn: today(), description: `Phản ánh số ${i}: cán bộ không chào hỏi người dân.` });
          body.append('criterionCodes', 'X1');
          // fetch resolves on the headers, as a browser follows a redirect before the body has ended.
          const posted = await fetch(`${base}/phan-anh`, { method: 'POST', body, headers: { cookie }, redirect: 'manual' });
          expect(posted.status, `report ${i}`).to.equal(302);
          cookie = cookieOf(posted, cookie);
          const receipt = await (await fetch(`${base}${posted.headers.get('location')}`, { headers: { cookie } })).text();
          await posted.arrayBuffer();
          const code = /data-tracking-code>([0-9A-Z-]+)</.exec(receipt)?.[1];
          expect(code, `receipt ${i}`).to.be.a('string');
          return code!;
        }),
      );
    } finally {
      await site.close();
    }
    expect(new Set(codes).size).to.equal(20);
    const pages = await Promise.all(
      codes.map(async (code) => {
        const agent = agentFor(app);
        const _csrf = await csrfFrom(agent, '/tra-cuu');
        const found = await agent.post('/tra-cuu').type('form').send({ _csrf, code });
        expect(found.headers.location).to.equal('/tra-cuu/ho-so');
        return (await agent.get('/tra-cuu/ho-so')).text;
      }),
    );
    for (const [i, code] of codes.entries()) {
      const report = (await IncidentReportModel.findOne({ trackingHash: hashOfTyped(code) }).lean())!;
      expect(pages[i], `look-up ${i}`).to.contain(report.caseNumber);
    }
  });

  it('when twenty browsers switch the language at once and open a page at once, then every page comes in the language chosen', async () => {
    const site = await serve(testApp());
    const base = site.url;
    try {
      const langs = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const lang = i % 2 ? 'vi' : 'en';
          const first = await fetch(`${base}/tra-cuu`);
          const cookie = cookieOf(first);
          await first.arrayBuffer();
          const switched = await fetch(`${base}/lang/${lang}?back=/tra-cuu`, { headers: { cookie }, redirect: 'manual' });
          const next = cookieOf(switched, cookie);
          const page = await (await fetch(`${base}${switched.headers.get('location')}`, { headers: { cookie: next } })).text();
          await switched.arrayBuffer();
          return [lang, /<html lang="([a-z]+)"/.exec(page)?.[1]];
        }),
      );
      expect(langs.filter(([want, got]) => want !== got)).to.deep.equal([]);
    } finally {
      await site.close();
    }
  });

  it('when the code is wrong, then a clear 404 message with the typed code kept in the box; when none is typed, then a 422 asking for it; when the case was settled long ago, then 410', async () => {
    const filer = agentFor(testApp());
    await fileViaForm(filer, w);
    const code = await receiptCode(filer);
    const agent = agentFor(testApp());
    let _csrf = await csrfFrom(agent, '/tra-cuu');
    const wrong = await agent.post('/tra-cuu').type('form').send({ _csrf, code: 'AAAA-BBBB-CCCC' });
    expect(wrong.status).to.equal(404);
    expect(wrong.text).to.contain('Mã tra cứu không đúng.');
    expect(wrong.text).to.match(/<input id="f-code" name="code" type="text" value="AAAA-BBBB-CCCC"/);
    expect((await agent.get('/tra-cuu/ho-so')).status).to.equal(302);
    _csrf = await csrfFrom(agent, '/tra-cuu');
    const empty = await agent.post('/tra-cuu').type('form').send({ _csrf, code: '  ' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Vui lòng nhập trường này.').and.not.to.contain('Mã tra cứu không đúng.');

    const longAgo = new Date(Date.now() - (settings.REPORT_TRACKING_DAYS_AFTER_CLOSE + 1) * 86_400_000);
    await IncidentReportModel.updateMany({}, { $set: { status: 'CLOSED', closedAt: longAgo } });
    _csrf = await csrfFrom(agent, '/tra-cuu');
    const expired = await agent.post('/tra-cuu').type('form').send({ _csrf, code });
    expect(expired.status).to.equal(410);
    expect(expired.text).to.contain('Mã tra cứu đã hết hạn');
  });

  it('when one client guesses codes past the limit, then 429 even for a right code; right look-ups do not count', async () => {
    const filer = agentFor(testApp());
    await fileViaForm(filer, w);
    const code = await receiptCode(filer);
    const limit = settings.REPORT_LOOKUP_RATE_LIMIT_PER_15_MIN;
    const agent = agentFor(testApp());
    const statuses: number[] = [];
    const post = async (c: string) => {
      const _csrf = await csrfFrom(agent, '/tra-cuu');
      statuses.push((await agent.post('/tra-cuu').type('form').send({ _csrf, code: c })).status);
    };
    await post(code);
    await post(code);
    for (let i = 0; i <= limit; i++) await post(`AAAA-AAAA-${String(1000 + i)}`);
    await post(code);
    expect(statuses).to.deep.equal([302, 302, ...Array<number>(limit).fill(404), 429, 429]);
  });
});
