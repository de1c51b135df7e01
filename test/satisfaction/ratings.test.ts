import { vietnamMonth } from '../../src/shared/dates.js';
import { expect } from 'chai';
import { Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, submitForm, testApp, type Agent } from '../helpers/app.js';
import { makeProvince, makeStaff, makeUnit, makeUser } from '../helpers/factories.js';
import { makeCodeVersion } from '../helpers/factories.js';
import { DeskSettingsModel, RatingModel, type RatingLevel } from '../../src/satisfaction/model.js';
import { satisfactionRate } from '../../src/satisfaction/service.js';
import { logSink } from '../helpers/log-sink.js';
import { AuditEntryModel } from '../../src/audit/model.js';
import mongoose from 'mongoose';

/** Ratings written as the kiosk writes them (derived fields computed by the model), at a given moment. */
async function storeRatings(desk: { _id: Types.ObjectId; path: Types.ObjectId[] }, levels: RatingLevel[], at: Date, scale: 3 | 5 = 3) {
  await RatingModel.insertMany(levels.map((level) => ({ unitId: desk._id, unitPath: desk.path, level, scale, ratedAt: at })));
}
const times = (n: number, level: RatingLevel): RatingLevel[] => Array.from({ length: n }, () => level);

describe('satisfaction ratings at the one-stop desk', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
    await makeCodeVersion(units.province);
  });

  const kioskPath = () => `/danh-gia/${encodeURIComponent(units.deskA.code)}`;
  const rate = (agent: Agent, fields: Record<string, string | string[]>) => submitForm(agent, kioskPath(), kioskPath(), fields);

  it('when 97 of 100 ratings are "Rất hài lòng" or "Hài lòng", then the rate is 97%, and other units and months are not counted', async () => {
    await storeRatings(units.deskA, [...times(60, 'VERY_SATISFIED'), ...times(37, 'SATISFIED'), ...times(3, 'DISSATISFIED')], new Date('2025-03-10T03:00:00Z'));
    const deskB = await makeUnit({ name: 'Bộ phận một cửa xã Mường Nhé', kind: 'desk', parent: units.communeB });
    await storeRatings(deskB, times(10, 'DISSATISFIED'), new Date('2025-03-10T03:00:00Z'));
    await storeRatings(units.deskA, times(5, 'DISSATISFIED'), new Date('2025-04-02T03:00:00Z'));

    expect(await satisfactionRate(units.communeA._id, '2025-03', '2025-03')).to.deep.equal({ total: 100, satisfied: 97, rate: 97 });
    expect(await satisfactionRate(units.deskA._id, '2025-01', '2025-06')).to.deep.equal({ total: 105, satisfied: 97, rate: 92.4 });
    expect(await satisfactionRate(units.province._id, '2025-03', '2025-03')).to.deep.equal({ total: 110, satisfied: 97, rate: 88.2 });
    expect(await satisfactionRate(units.communeB._id, '2025-05', '2025-06')).to.deep.equal({ total: 0, satisfied: 0, rate: null });
  });

  it('when a rating is made at 06:30 on 1 April in Vietnam, then it belongs to April although it is still March in UTC', async () => {
    await storeRatings(units.deskA, ['SATISFIED'], new Date('2025-03-31T23:30:00Z'));
    const stored = await RatingModel.findOne().lean();
    expect([stored!.periodKey, stored!.year, stored!.month, stored!.satisfied]).to.deep.equal(['2025-04', 2025, 4, 1]);
  });

  it('when a desk uses the 5-level scale, then only the top two answers count as satisfied and the kiosk offers all five', async () => {
    await DeskSettingsModel.create({ unitId: units.deskA._id, scale: 5 });
    const firstMonth = vietnamMonth(new Date()).key;
    const agent = agentFor(testApp());
    const page = await agent.get(kioskPath());
    expect(page.status).to.equal(200);
    for (const label of ['Rất hài lòng', 'Hài lòng', 'Bình thường', 'Không hài lòng', 'Rất không hài lòng']) expect(page.text).to.contain(`<span>${label}</span>`);
    for (const level of ['VERY_SATISFIED', 'SATISFIED', 'NEUTRAL', 'NEUTRAL', 'DISSATISFIED', 'VERY_DISSATISFIED']) {
      expect((await rate(agent, { level })).status).to.equal(303);
    }
    const result = await satisfactionRate(units.deskA._id, firstMonth, vietnamMonth(new Date()).key);
    expect(result).to.deep.equal({ total: 6, satisfied: 2, rate: 33.3 });
    expect(await RatingModel.countDocuments({ scale: 5 })).to.equal(6);
  });

  it('when the level is missing, not on the desk’s scale, or the comment is too long, then 422 in Vietnamese with the input kept', async () => {
    const agent = agentFor(testApp());
    const bad = await rate(agent, { level: 'TUYET_VOI', comment: 'Cán bộ nhiệt tình' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Vui lòng chọn một mức độ hài lòng.');
    expect(bad.text).to.contain('Cán bộ nhiệt tình');
    // Bình thường is only on the 5-level scale; this desk uses 3 levels.
    const offScale = await rate(agent, { level: 'NEUTRAL' });
    expect(offScale.status).to.equal(422);
    expect(offScale.text).to.contain('Vui lòng chọn một mức độ hài lòng.');
    const missing = await rate(agent, { comment: 'x' });
    expect(missing.status).to.equal(422);
    const long = await rate(agent, { level: 'SATISFIED', comment: 'a'.repeat(501) });
    expect(long.status).to.equal(422);
    expect(long.text).to.contain('Giá trị quá lớn hoặc quá dài.');
    const unknownCriterion = await rate(agent, { level: 'DISSATISFIED', criteria: ['X9'] });
    expect(unknownCriterion.status).to.equal(422);
    expect(await RatingModel.countDocuments()).to.equal(0);
  });

  it('when a citizen rates with criteria, a comment and the officer from the QR code, then the rating stores them and no device data, and thanks the citizen', async () => {
    const officer = await makeStaff({ fullName: 'Quàng Thị Lan', unit: units.deskA, position: 'Công chức một cửa' });
    const agent = agentFor(testApp());
    const page = await agent.get(`${kioskPath()}?officer=${officer._id}`);
    expect(page.text).to.contain('Cán bộ tiếp nhận: Quàng Thị Lan');
    expect(page.text).to.contain('value="X1"');
    const mark = logSink.mark();
    const _csrf = await csrfFrom(agent, `${kioskPath()}?officer=${officer._id}`);
    const res = await agent
      .post(kioskPath())
      .set('User-Agent', 'KioskTablet/1.0')
      .type('form')
      .send(`_csrf=${encodeURIComponent(_csrf)}&level=DISSATISFIED&criteria=X1&criteria=L1&comment=Ch%E1%BB%9D%20l%C3%A2u&officer=${officer._id}`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`${kioskPath()}/cam-on?officer=${officer._id}`);
    const thanks = await agent.get(res.headers.location!);
    expect(thanks.text).to.contain('Cảm ơn Ông/Bà');
    expect(thanks.text).to.match(/<meta http-equiv="refresh" content="8;url=\/danh-gia\/[^"]+\?officer=/);

    const stored = await RatingModel.findOne().lean();
    expect(stored!.officerId!.equals(officer._id)).to.equal(true);
    expect(stored!.criteria).to.deep.equal(['X1', 'L1']);
    expect(stored!.comment).to.equal('Chờ lâu');
    expect(stored!.satisfied).to.equal(0);
    const json = JSON.stringify(stored);
    expect(json).not.to.contain('127.0.0.1');
    expect(json).not.to.contain('KioskTablet');
    expect(Object.keys(stored!).sort()).to.deep.equal(['__v', '_id', 'codeVersionId', 'comment', 'criteria', 'level', 'month', 'officerId', 'periodKey', 'ratedAt', 'satisfied', 'scale', 'unitId', 'unitPath', 'year']);
    expect(logSink.since(mark)).not.to.contain('127.0.0.1');
  });

  it('when the officer in the link works in another commune or the honeypot is filled, then the officer is dropped or nothing is stored', async () => {
    const foreign = await makeStaff({ fullName: 'Vàng Thị Mai', unit: units.communeB });
    const agent = agentFor(testApp());
    expect((await agent.get(`${kioskPath()}?officer=${foreign._id}`)).text).not.to.contain('Vàng Thị Mai');
    expect((await rate(agent, { level: 'SATISFIED', officer: String(foreign._id) })).status).to.equal(303);
    expect((await RatingModel.findOne().lean())!.officerId).to.equal(null);
    expect((await rate(agent, { level: 'VERY_SATISFIED', website: 'http://spam.example' })).status).to.equal(303);
    expect(await RatingModel.countDocuments()).to.equal(1);
  });

  it('when one network address sends more ratings than the limit, then it gets 429 whatever browser it claims to be, nothing extra is stored, and another address still can rate', async () => {
    const agent = agentFor(testApp({ TRUST_PROXY: '1', KIOSK_RATINGS_PER_10_MIN: '12' }));
    const _csrf = await csrfFrom(agent, kioskPath());
    const rate = (address: string, browser: string) =>
      agent.post(kioskPath()).set('X-Forwarded-For', address).set('User-Agent', browser).type('form').send({ _csrf, level: 'VERY_SATISFIED' });
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await rate('203.0.113.7', `Phone-${i}`)).status);
    expect(statuses.slice(0, 12).every((s) => s === 303)).to.equal(true);
    expect(statuses[12]).to.equal(429);
    const limited = await rate('203.0.113.7', 'YetAnotherBrowser');
    expect(limited.status).to.equal(429);
    expect(limited.text).to.contain('Thiết bị hoặc mạng này đã gửi nhiều đánh giá');
    expect(await RatingModel.countDocuments()).to.equal(12);
    expect((await rate('198.51.100.20', 'Phone-0')).status).to.equal(303);
  });

  it('when the desk code is unknown or the desk has closed, then 404', async () => {
    const closed = await makeUnit({ name: 'Bộ phận cũ', kind: 'desk', parent: units.communeA, effectiveTo: new Date(Date.UTC(2025, 6, 1)) });
    const agent = agentFor(testApp());
    expect((await agent.get('/danh-gia/KHONG-CO')).status).to.equal(404);
    expect((await agent.get(`/danh-gia/${closed.code}`)).status).to.equal(404);
    expect((await agent.get(`/danh-gia/${units.communeA.code}`)).status).to.equal(404);
  });
});

describe('satisfaction pages for heads: the rate table, scales and QR codes', () => {
  let units: Awaited<ReturnType<typeof makeProvince>>;
  beforeEach(async () => {
    await clearDatabase();
    units = await makeProvince();
    await makeCodeVersion(units.province);
  });

  async function signedIn(role: 'head' | 'staff' | 'admin', unit = units.communeA): Promise<Agent> {
    const user = await makeUser({ roles: [{ role, unit }] });
    const agent = agentFor(testApp());
    await login(agent, user.username);
    return agent;
  }

  it('when a head opens the rate page, then each desk has one column per month and the period’s rate, computed in the database', async () => {
    const deskA2 = await makeUnit({ name: 'Quầy tiếp dân', kind: 'desk', parent: units.communeA });
    await storeRatings(units.deskA, [...times(48, 'SATISFIED'), ...times(2, 'DISSATISFIED')], new Date('2025-01-15T03:00:00Z'));
    await storeRatings(units.deskA, [...times(49, 'VERY_SATISFIED'), ...times(1, 'DISSATISFIED')], new Date('2025-02-15T03:00:00Z'));
    await storeRatings(deskA2, [...times(3, 'SATISFIED'), ...times(1, 'DISSATISFIED')], new Date('2025-02-15T03:00:00Z'));
    const agent = await signedIn('head');
    const page = await agent.get(`/satisfaction?unit=${units.communeA._id}&from=2025-01&to=2025-03`);
    expect(page.status).to.equal(200);
    const row = (name: string) => {
      const start = page.text.indexOf(`<th scope="row">${name}</th>`);
      return page.text.slice(start, page.text.indexOf('</tr>', start));
    };
    const deskRow = row('Bộ phận tiếp nhận và trả kết quả');
    expect(deskRow).to.contain('96% (48/50)').and.contain('98% (49/50)').and.contain('97% (97/100)');
    expect(row('Quầy tiếp dân')).to.contain('75% (3/4)');
    expect(page.text).to.contain('>01/2025<').and.contain('>03/2025<');
    expect(page.text).to.contain('data-rate="96.2"'); // 100 of 104
  });

  it('when a head of another commune asks for this commune’s rates or QR codes, then 403; staff without a head role get 403 too', async () => {
    const other = await signedIn('head', units.communeB);
    expect((await other.get(`/satisfaction?unit=${units.communeA._id}`)).status).to.equal(403);
    expect((await other.get(`/satisfaction/desks/${units.deskA._id}/qr`)).status).to.equal(403);
    const staff = await signedIn('staff');
    expect((await staff.get(`/satisfaction/desks/${units.deskA._id}/qr`)).status).to.equal(403);
    expect((await agentFor(testApp()).get(`/satisfaction/desks/${units.deskA._id}/qr`)).status).to.equal(302);
    const admin = await signedIn('admin', units.province);
    expect((await admin.get(`/satisfaction/desks/${units.deskA._id}/qr`)).status).to.equal(200);
    expect((await admin.get(`/satisfaction/desks/${new Types.ObjectId()}/qr`)).status).to.equal(404);
  });

  it('when the head prints QR codes, then there is one card for the desk and one per officer, leading to the kiosk and the pre-filled report form', async () => {
    const lan = await makeStaff({ fullName: 'Quàng Thị Lan', unit: units.deskA });
    const agent = await signedIn('head');
    const page = await agent.get(`/satisfaction/desks/${units.deskA._id}/qr`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('/public/css/print.css');
    expect((page.text.match(/<svg /g) ?? []).length).to.equal(4);
    expect(page.text).to.contain(`/danh-gia/${units.deskA.code}?officer=${lan._id}`);
    expect(page.text).to.contain('Quàng Thị Lan');
    expect(page.text).not.to.match(/<script(?![^>]*src="\/public\/js\/)/);
    // The officer's report card opens the citizen's form with the commune, the desk and the officer chosen.
    const reportPath = `/phan-anh?unit=${units.communeA._id}&amp;desk=${units.deskA._id}&amp;staff=${lan._id}`;
    expect(page.text).to.contain(reportPath);
    const form = await agentFor(testApp()).get(reportPath.replace(/&amp;/g, '&'));
    expect(form.status).to.equal(200);
    expect(form.text).to.contain(`value="${units.deskA._id}" selected`);
    expect(form.text).to.contain(`value="${lan._id}" selected`);
    expect(form.text).to.contain(`name="unitId" value="${units.communeA._id}"`);
  });

  it('when the public address is configured, then the QR codes lead there whatever Host header the request carried', async () => {
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const agent = agentFor(testApp({ PUBLIC_BASE_URL: 'https://congboc.dienbien.gov.vn/' }));
    await login(agent, head.username);
    const page = await agent.get(`/satisfaction/desks/${units.deskA._id}/qr`).set('Host', 'attacker.example');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`https://congboc.dienbien.gov.vn/danh-gia/${units.deskA.code}`);
    expect(page.text).to.not.contain('attacker.example');
  });

  it('when a citizen follows the kiosk’s report link, then the form opens with the commune and the desk chosen', async () => {
    const kiosk = await agentFor(testApp()).get(`/danh-gia/${units.deskA.code}`);
    const href = /<a href="([^"]*\/phan-anh\?[^"]*)"/.exec(kiosk.text)?.[1]?.replace(/&amp;/g, '&');
    expect(href).to.equal(`/phan-anh?unit=${units.communeA._id}&desk=${units.deskA._id}`);
    const form = await agentFor(testApp()).get(href!);
    expect(form.text).to.contain(`value="${units.deskA._id}" selected`);
    expect(form.text).to.contain(`name="unitId" value="${units.communeA._id}"`);
  });

  it('when citizens tick what went wrong and comment, then the head sees the ticks per desk and per officer (small numbers as "<3") and the latest comments, escaped', async () => {
    const lan = await makeStaff({ fullName: 'Quàng Thị Lan', unit: units.deskA });
    const binh = await makeStaff({ fullName: 'Lường Văn Bình', unit: units.deskA });
    const at = (day: number) => new Date(Date.UTC(2025, 1, day, 3));
    const rating = (over: Record<string, unknown>) => ({ unitId: units.deskA._id, unitPath: units.deskA.path, scale: 3, level: 'DISSATISFIED', ratedAt: at(10), ...over });
    await RatingModel.insertMany([
      ...Array.from({ length: 5 }, (_, i) => rating({ officerId: lan._id, criteria: ['X1'], comment: i === 4 ? 'Chờ lâu mới được tiếp.' : '', ratedAt: at(10 + i) })),
      rating({ criteria: ['L2', 'X1'], comment: 'Không chào hỏi <b>ai cả</b>.', ratedAt: at(20) }),
      rating({ officerId: binh._id, level: 'SATISFIED', ratedAt: at(21) }),
    ]);
    const page = await (await signedIn('head')).get(`/satisfaction?unit=${units.communeA._id}&from=2025-01&to=2025-03`);
    const section = page.text.slice(page.text.indexOf(`data-desk-feedback="${units.deskA._id}"`));
    expect(section).to.contain('7 lượt đánh giá');
    expect(section).to.match(/X1 — [^:]+: <strong>6<\/strong>/);
    expect(section).to.match(/L2 — [^:]+: <strong>&lt;3<\/strong>/);
    const officerRow = (name: string) => section.slice(section.indexOf(`<th scope="row">${name}</th>`), section.indexOf('</tr>', section.indexOf(`<th scope="row">${name}</th>`)));
    expect(officerRow('Quàng Thị Lan')).to.contain('<td class="num">5</td><td class="num">0</td><td class="num">5</td>');
    expect(officerRow('Lường Văn Bình')).to.contain('<td class="num">&lt;3</td><td class="num">&lt;3</td><td class="num">0</td>');
    expect(section.indexOf('Không chào hỏi &lt;b&gt;ai cả&lt;/b&gt;.'), 'newest comment first').to.be.greaterThan(-1).and.lessThan(section.indexOf('Chờ lâu mới được tiếp.'));
    expect(section).to.not.contain('<b>ai cả</b>');
  });

  it('when the head views the desks’ feedback again with no rating written, then no rating is read; a comment given at the kiosk shows on the next view', async () => {
    const lan = await makeStaff({ fullName: 'Quàng Thị Lan', unit: units.deskA });
    const month = vietnamMonth(new Date());
    const ratedAt = new Date(Date.now() - 60_000);
    await RatingModel.insertMany([
      { unitId: units.deskA._id, unitPath: units.deskA.path, scale: 3, level: 'DISSATISFIED', officerId: lan._id, criteria: ['X1'], comment: 'Chờ lâu mới được tiếp.', ratedAt },
      ...Array.from({ length: 3 }, () => ({ unitId: units.deskA._id, unitPath: units.deskA.path, scale: 3, level: 'SATISFIED', officerId: lan._id, ratedAt })),
    ]);
    const head = await signedIn('head');
    const view = async () => {
      const page = await head.get(`/satisfaction?unit=${units.communeA._id}&from=${month.key}&to=${month.key}`);
      expect(page.status).to.equal(200);
      return page.text.slice(page.text.indexOf(`data-desk-feedback="${units.deskA._id}"`));
    };
    expect(await view()).to.contain('Chờ lâu mới được tiếp.');

    const reads: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => reads.push(`${collection}.${method}`));
    let again: string;
    try {
      again = await view();
    } finally {
      mongoose.set('debug', false);
    }
    expect(again).to.contain('Chờ lâu mới được tiếp.');
    expect(again).to.contain('<td class="num">4</td><td class="num">3</td><td class="num">&lt;3</td>');
    expect(reads.filter((r) => r.startsWith('satisfactionratings.'))).to.deep.equal([]);

    const kioskPath = `/danh-gia/${encodeURIComponent(units.deskA.code)}`;
    const res = await submitForm(agentFor(testApp()), kioskPath, kioskPath, { level: 'DISSATISFIED', criteria: 'X1', comment: 'Cán bộ không hướng dẫn.' });
    expect(res.status).to.be.oneOf([200, 302, 303]);
    const after = await view();
    expect(after).to.contain('Cán bộ không hướng dẫn.');
    expect(after).to.contain('5 lượt đánh giá');
  });

  it('when citizens rate without a comment, then the kiosk reads its desk settings once, the desk’s comments are not read again, and the view counts the new ratings', async () => {
    const month = vietnamMonth(new Date());
    const head = await signedIn('head');
    const view = async () => {
      const page = await head.get(`/satisfaction?unit=${units.communeA._id}&from=${month.key}&to=${month.key}`);
      expect(page.status).to.equal(200);
      return page.text.slice(page.text.indexOf(`data-desk-feedback="${units.deskA._id}"`));
    };
    const kiosk = agentFor(testApp());
    const kioskPath = `/danh-gia/${encodeURIComponent(units.deskA.code)}`;
    const rate = (fields: Record<string, string>) => submitForm(kiosk, kioskPath, kioskPath, fields);
    expect((await rate({ level: 'SATISFIED', comment: 'Rất chu đáo.' })).status).to.equal(303);
    expect(await view()).to.contain('Rất chu đáo.');

    const recorded = async <T>(f: () => Promise<T>) => {
      const commands: { collection: string; method: string; query: unknown }[] = [];
      mongoose.set('debug', (collection: string, method: string, query: unknown) => commands.push({ collection, method, query }));
      try {
        return { result: await f(), commands };
      } finally {
        mongoose.set('debug', false);
      }
    };
    const rated = await recorded(async () => {
      for (const level of ['SATISFIED', 'DISSATISFIED']) expect((await rate({ level })).status).to.equal(303);
    });
    expect(rated.commands.filter((c) => c.collection === 'desksettings')).to.deep.equal([]);
    expect(rated.commands.filter((c) => c.collection === 'satisfactionratings').map((c) => c.method)).to.deep.equal(['insertOne', 'insertOne']);
    expect(rated.commands.filter((c) => c.collection === 'collectionrevisions' && JSON.stringify(c.query).includes('satisfactionRatings'))).to.deep.equal([]);
    const { result: after, commands } = await recorded(view);
    // The figures are recomputed from the year's ratings (the statistics); the desk's comments are not read again.
    const commentReads = commands.filter((c) => c.collection === 'satisfactionratings' && (c.query as Record<string, unknown>).unitId !== undefined);
    expect(commentReads).to.deep.equal([]);
    expect(after).to.contain('Rất chu đáo.');
    expect(after).to.contain('3 lượt đánh giá');
  });

  it('when the head switches a desk to the 5-level scale, then the kiosk offers five levels and the change is audited', async () => {
    const agent = await signedIn('head');
    const list = await agent.get('/satisfaction/desks');
    expect(list.text).to.contain('Bộ phận tiếp nhận và trả kết quả');
    const res = await submitForm(agent, '/satisfaction/desks', `/satisfaction/desks/${units.deskA._id}/scale`, { scale: '5' });
    expect(res.status).to.equal(302);
    expect((await DeskSettingsModel.findOne({ unitId: units.deskA._id }).lean())!.scale).to.equal(5);
    const audit = await AuditEntryModel.findOne({ objectType: 'deskSettings', objectId: units.deskA._id }).lean();
    expect(audit!.changes).to.deep.include({ field: 'scale', before: 3, after: 5 });
    const kiosk = await agentFor(testApp()).get(`/danh-gia/${units.deskA.code}`);
    expect(kiosk.text).to.contain('Rất không hài lòng');
    const other = await signedIn('head', units.communeB);
    expect((await submitForm(other, '/satisfaction/desks', `/satisfaction/desks/${units.deskA._id}/scale`, { scale: '3' })).status).to.equal(403);
  });
});
