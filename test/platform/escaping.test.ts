import { expect } from 'chai';
import * as XLSX from 'xlsx';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { vietnamYear } from '../../src/shared/dates.js';
import { agentFor, csrfFrom, login, testApp } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeStaff } from '../helpers/factories.js';
import { makeWorld, type World } from '../helpers/world.js';
import { readWorkbook, workbookBuffer } from '../exports/read.js';

// Markup and formulas typed by anyone (a citizen's description, a staff member's name as entered by a head) are shown
// as the text they are: escaped in every page, plain strings in workbooks.
const SCRIPT_NAME = '<script>alert("tên")</script> Lò Văn Độc';
const FORMULA_NAME = '=HYPERLINK("http://evil.example","Bấm vào đây")';
const DESCRIPTION = 'Cán bộ <img src=x onerror=alert(1)> không chào <b>tôi</b>.';

/** The page holds none of the markup raw, and shows it escaped. */
function expectEscaped(html: string, where: string): void {
  for (const raw of ['<script>alert', '<img src=x', '<b>tôi</b>']) expect(html, `${where}: ${raw}`).not.to.contain(raw);
}

describe('text that looks like markup or a formula is shown as text', function () {
  this.timeout(60_000);
  let w: World;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('when a citizen reports about a staff member named with markup, then the inbox, the case page, the tracking page and the staff list escape it', async () => {
    const subject = await makeStaff({ fullName: SCRIPT_NAME, unit: w.communeA });
    const citizen = agentFor(testApp());
    const _csrf = await csrfFrom(citizen, `/phan-anh?unit=${w.communeA._id}`);
    const filed = await citizen
      .post('/phan-anh')
      .type('form')
      .send({ _csrf, unitId: String(w.communeA._id), staffId: String(subject._id), criterionCodes: ['X1'], occurredOn: new Date().toISOString().slice(0, 10), description: DESCRIPTION, place: '<i>Bộ phận một cửa</i>' });
    expect(filed.status).to.equal(302);
    const code = /data-tracking-code>([0-9A-Z-]+)</.exec((await citizen.get('/phan-anh/bien-nhan')).text)![1]!;
    const report = (await IncidentReportModel.findOne({}).lean())!;
    expect(report.description, 'stored as typed').to.equal(DESCRIPTION);

    const head = agentFor(testApp());
    await login(head, w.headA.username);
    const inbox = await head.get('/reports');
    expect(inbox.text).to.contain('&lt;script&gt;');
    expectEscaped(inbox.text, 'inbox');
    const casePage = await head.get(`/reports/${report._id}`);
    expect(casePage.status).to.equal(200);
    expect(casePage.text).to.contain('&lt;img src=x onerror=alert(1)&gt;');
    expectEscaped(casePage.text, 'case page');
    const staffList = await head.get('/staff');
    expect(staffList.text).to.contain('&lt;script&gt;alert(&#34;tên&#34;)&lt;/script&gt; Lò Văn Độc');
    expectEscaped(staffList.text, 'staff list');

    const tracker = agentFor(testApp());
    const token = await csrfFrom(tracker, '/tra-cuu');
    const lookup = await tracker.post('/tra-cuu').type('form').send({ _csrf: token, code });
    expect(lookup.status).to.equal(302);
    const tracked = await tracker.get('/tra-cuu/ho-so');
    expect(tracked.text).to.contain('&lt;b&gt;tôi&lt;/b&gt;');
    expectEscaped(tracked.text, 'tracking page');
  });

  it('when staff names hold markup or start like a formula, then the commune workbook has them as plain text cells, never formulas', async () => {
    await makeStaff({ fullName: SCRIPT_NAME, unit: w.communeA });
    await makeStaff({ fullName: FORMULA_NAME, unit: w.communeA });
    const wb = readWorkbook(await workbookBuffer('COMMUNE', w.communeA, vietnamYear()));
    const cells = Object.values(wb.Sheets['Cán bộ']!).filter((c): c is XLSX.CellObject => typeof c === 'object' && c !== null && 'v' in c);
    const named = (text: string) => cells.filter((c) => c.v === text);
    for (const name of [SCRIPT_NAME, FORMULA_NAME]) {
      expect(named(name).length, name).to.be.above(0);
      for (const c of named(name)) expect({ type: c.t, formula: c.f ?? null }, name).to.deep.equal({ type: 's', formula: null });
    }
    expect(cells.filter((c) => c.f?.includes('HYPERLINK'))).to.deep.equal([]);
  });
});
