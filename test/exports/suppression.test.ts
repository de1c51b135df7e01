import { expect } from 'chai';
import * as XLSX from 'xlsx';
import { AuditEntryModel } from '../../src/audit/model.js';
import * as jobs from '../../src/exports/jobs.js';
import { ExportJobModel } from '../../src/exports/model.js';
import { agentFor, login, submitForm, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeUser } from '../helpers/factories.js';
import { LIBREOFFICE_TIMEOUT_MS, throwawayLibreOffice, type Grid, type Recalculator } from '../helpers/libreoffice.js';
import { workbookBuffer } from './read.js';
import { CODES, evaluate, exportWorld, person, report, type ExportWorld } from './world.js';
import { givenAway, type Line } from './printed-lines.js';

// The province workbook as LibreOffice recalculates it, read by a reader that knows only what is printed: a number,
// "<3" (1 or 2) or "x" (hidden, not zero). A line (a column with its province row, a person's incidents with their
// total, a sheet's column with its totals row, a commune sheet's totals beside the summary's cells of that commune)
// must never let it work out a hidden count.

const NOW = new Date(Date.UTC(2027, 0, 5, 3));
const PROVINCE_TOTAL = 'Toàn tỉnh';
const TOTAL = 'Tổng cộng';

/** The summary's commune rows and province row, by name, and its report columns (reports received, X1…K5). */
function summaryOf(grid: Grid) {
  const header = grid[8]!;
  const end = grid.findIndex((r) => r[1] === PROVINCE_TOTAL);
  const communes = new Map(grid.slice(9, end).map((r) => [r[1]!, r]));
  const columns = ['Phản ánh tiếp nhận', ...CODES].map((label) => header.indexOf(label));
  return { communes, total: grid[end]!, columns };
}

/** A commune sheet's incidents table: a row per person, the totals row; columns X1…K5 then the person's total. */
function incidentsOf(grid: Grid) {
  const header = grid[3]!;
  // The scores' columns repeat the codes per period; the incidents' X1 is the last one.
  const first = header.lastIndexOf('X1');
  expect(header[first + CODES.length]).to.equal('Tổng phản ánh có cơ sở');
  const columns = [...CODES.map((_, k) => first + k), first + CODES.length];
  const end = grid.findIndex((r, i) => i > 3 && r[1] === TOTAL);
  return { people: grid.slice(4, end), totals: grid[end]!, columns };
}

function linesOf(sheets: Map<string, Grid>): Line[] {
  const summary = summaryOf(sheets.get('Tổng hợp')!);
  const lines: Line[] = summary.columns.map((c, j) => ({ name: `summary column ${j}`, parts: [...summary.communes.values()].map((r) => r[c]!), total: summary.total[c]! }));
  for (const [name, row] of summary.communes) {
    const grid = sheets.get(name);
    if (!grid) continue;
    const t = incidentsOf(grid);
    const C = CODES.length;
    t.people.forEach((p, n) => lines.push({ name: `${name} person ${n}`, parts: t.columns.slice(0, C).map((c) => p[c]!), total: p[t.columns[C]!]! }));
    t.columns.forEach((c, k) => lines.push({ name: `${name} column ${k}`, parts: t.people.map((p) => p[c]!), total: t.totals[c]! }));
    lines.push({ name: `${name} totals row`, parts: t.columns.slice(0, C).map((c) => t.totals[c]!), total: t.totals[t.columns[C]!]! });
    // The sheet's totals row counts the summary's substantiated reports of the commune.
    CODES.forEach((_, k) => lines.push({ name: `${name} ${CODES[k]} beside the summary`, parts: [t.totals[t.columns[k]!]!], total: row[summary.columns[1 + k]!]! }));
  }
  return lines;
}

describe('exports: suppression that holds, in the province workbook as LibreOffice reads it', () => {
  let calc: Recalculator;
  before(() => {
    calc = throwawayLibreOffice();
  });
  after(() => calc.dispose());

  describe('when each commune has one substantiated report and the province two (the province total "<3" beside communes each "<3")', () => {
    let publication: Map<string, Grid>;
    let internal: Map<string, Grid>;
    before(async function () {
      this.timeout(LIBREOFFICE_TIMEOUT_MS);
      await clearDatabase();
      const w = await exportWorld(2026);
      const an = await person('Nguyễn Văn An', w.communeA, 1980);
      const chu = await person('Vàng A Chứ', w.communeB, 1990);
      await evaluate(w, an, 1);
      await evaluate(w, chu, 1, {}, { commune: w.communeB });
      await report(w, { staff: an, criteria: ['X1'], confirmed: ['X1'], status: 'SUBSTANTIATED' });
      await report(w, { commune: w.communeB, staff: chu, criteria: ['X1'], confirmed: ['X1'], status: 'RESOLVED' });
      const out = await calc.recalculate({
        publication: await workbookBuffer('PROVINCE', w.province, 2026, { now: NOW, audience: 'PUBLICATION' }),
        internal: await workbookBuffer('PROVINCE', w.province, 2026, { now: NOW, audience: 'INTERNAL' }),
      });
      publication = out.publication!;
      internal = out.internal!;
    });

    it('then the copy for publication hides the province total too ("x"), and no line of any sheet gives a hidden count away', () => {
      const s = summaryOf(publication.get('Tổng hợp')!);
      const x1 = s.columns[1]!;
      expect([...s.communes.values()].map((r) => r[x1])).to.deep.equal(['<3', '<3']);
      expect(s.total[x1]).to.equal('x');
      expect(s.total[s.columns[0]!]).to.equal('x');
      expect(linesOf(publication).flatMap(givenAway)).to.deep.equal([]);
    });

    it('then the copy for publication says so in its heading note', () => {
      expect(publication.get('Tổng hợp')![5]![0]).to.match(/^Bản công bố — /);
    });

    it('then the internal copy shows the exact counts, its province row recalculated to 2, and says it is not for publication', () => {
      const grid = internal.get('Tổng hợp')!;
      expect(grid[5]![0]).to.match(/^Bản nội bộ — số liệu chính xác, không công bố/);
      const s = summaryOf(grid);
      const [reports, x1] = [s.columns[0]!, s.columns[1]!];
      expect([...s.communes.values()].map((r) => [r[reports], r[x1]])).to.deep.equal([
        ['1', '1'],
        ['1', '1'],
      ]);
      expect([s.total[reports], s.total[x1]]).to.deep.equal(['2', '2']);
      const sheet = incidentsOf(internal.get('Xã Thanh Nưa')!);
      expect([sheet.people[0]![sheet.columns[0]!], sheet.totals[sheet.columns[0]!]]).to.deep.equal(['1', '1']);
    });
  });

  describe('when one commune has two reports and another three, several people each with one', () => {
    let publication: Map<string, Grid>;
    before(async function () {
      this.timeout(LIBREOFFICE_TIMEOUT_MS);
      await clearDatabase();
      const w = await exportWorld(2026);
      const an = await person('Nguyễn Văn An', w.communeA, 1980);
      await evaluate(w, an, 1);
      await report(w, { staff: an, criteria: ['X1'], confirmed: ['X1'], status: 'SUBSTANTIATED' });
      await report(w, { criteria: ['L2'], status: 'RECEIVED' });
      for (const name of ['Vàng A Chứ', 'Lò Văn Dũng', 'Giàng Thị Mai']) {
        const s = await person(name, w.communeB, 1990);
        await evaluate(w, s, 1, {}, { commune: w.communeB });
        await report(w, { commune: w.communeB, staff: s, criteria: ['X1', 'L1'], confirmed: ['X1', 'L1'], status: 'RESOLVED' });
      }
      const out = await calc.recalculate({ publication: await workbookBuffer('PROVINCE', w.province, 2026, { now: NOW }) });
      publication = out.publication!;
    });

    it('then the commune of three is hidden beside the one of two ("x"), the province total stays printed, and no line gives a hidden count away', () => {
      const s = summaryOf(publication.get('Tổng hợp')!);
      const reports = s.columns[0]!;
      expect([s.communes.get('Xã Thanh Nưa')![reports], s.communes.get('Xã Mường Nhé')![reports], s.total[reports]]).to.deep.equal(['<3', 'x', '5']);
      expect(linesOf(publication).flatMap(givenAway)).to.deep.equal([]);
    });
  });
});

/** Keeps the downloaded workbook as bytes. */
function binaryParser(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('exports: the administrator chooses an internal or a published copy of the province workbook', () => {
  let app: ReturnType<typeof testApp>;
  let w: ExportWorld;
  let admin: Agent;
  let head: Agent;

  beforeEach(async function () {
    this.timeout(20_000);
    await clearDatabase();
    app ??= testApp();
    w = await exportWorld(2026);
    const an = await person('Nguyễn Văn An', w.communeA);
    await evaluate(w, an, 1);
    await report(w, { staff: an, criteria: ['X1'], confirmed: ['X1'], status: 'SUBSTANTIATED' });
    admin = agentFor(app);
    head = agentFor(app);
    await login(admin, (await makeUser({ roles: [{ role: 'admin', unit: w.province }] })).username);
    await login(head, (await makeUser({ roles: [{ role: 'head', unit: w.communeA }] })).username);
  });

  async function download(agent: Agent, location: string) {
    await jobs.idle();
    const status = (await agent.get(`${location}/status`)).body as { status: string; downloadUrl: string };
    expect(status.status).to.equal('DONE');
    return agent.get(status.downloadUrl).buffer(true).parse(binaryParser as never);
  }

  it('when the administrator opens the export page, then the choice is offered, for publication first', async () => {
    const page = await admin.get('/exports');
    expect(page.text).to.match(/<select id="f-audience" name="audience"[^>]*>\s*<option value="PUBLICATION" selected>Công bố \(ẩn số nhỏ\)<\/option><option value="INTERNAL" >Nội bộ \(số chính xác\)<\/option>/);
  });

  it('when the administrator asks for the internal copy, then the file is named and headed so, shows the exact count, and the choice is in the audit log', async () => {
    const res = await submitForm(admin, '/exports', '/exports', { unit: String(w.province._id), year: '2026', audience: 'INTERNAL' });
    expect(res.status).to.equal(303);
    const file = await download(admin, res.headers.location!);
    expect(file.headers['content-disposition']).to.contain('Tuan-thu-quy-tac-ung-xu_Tinh-Dien-Bien_2026_noi-bo.xlsx');
    const rows = XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(file.body as Buffer, { type: 'buffer' }).Sheets['Tổng hợp']!, { header: 1, defval: null });
    expect(String(rows[5]![0])).to.match(/^Bản nội bộ — số liệu chính xác, không công bố/);
    const thanhNua = rows.find((r) => r[1] === 'Xã Thanh Nưa')!;
    expect(thanhNua[(rows[8] as unknown[]).indexOf('Phản ánh tiếp nhận')]).to.equal(1);
    const job = (await ExportJobModel.findOne().lean())!;
    const entries = await AuditEntryModel.find({ objectId: job._id }).lean();
    expect(entries.map((e) => [e.objectType, e.action, e.changes.find((c) => c.field === 'audience')?.after])).to.deep.equal([['exportJob', 'export', 'INTERNAL']]);
  });

  it('when the administrator does not choose, then the copy is for publication: named so, small counts hidden, audited as such', async () => {
    const res = await submitForm(admin, '/exports', '/exports', { unit: String(w.province._id), year: '2026' });
    const file = await download(admin, res.headers.location!);
    expect(file.headers['content-disposition']).to.contain('_2026_cong-bo.xlsx');
    const rows = XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(file.body as Buffer, { type: 'buffer' }).Sheets['Tổng hợp']!, { header: 1, defval: null });
    expect(rows.find((r) => r[1] === 'Xã Thanh Nưa')![(rows[8] as unknown[]).indexOf('Phản ánh tiếp nhận')]).to.equal('<3');
    const entry = (await AuditEntryModel.findOne({ objectType: 'exportJob' }).lean())!;
    expect(entry.changes.find((c) => c.field === 'audience')?.after).to.equal('PUBLICATION');
  });

  it('when the choice is not one of the two, then 422 with the message beside the field and the values kept, and no job', async () => {
    const res = await submitForm(admin, '/exports', '/exports', { unit: String(w.province._id), year: '2026', audience: 'EVERYONE' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Hãy chọn bản công bố hoặc bản nội bộ.');
    expect(res.text).to.match(new RegExp(`<option value="${String(w.province._id)}" selected`));
    expect(await ExportJobModel.countDocuments()).to.equal(0);
  });

  it('when a head asks for the province’s internal copy, then 403, no job and nothing audited', async () => {
    const res = await submitForm(head, '/exports', '/exports', { unit: String(w.province._id), year: '2026', audience: 'INTERNAL' });
    expect(res.status).to.equal(403);
    expect(await ExportJobModel.countDocuments()).to.equal(0);
    expect(await AuditEntryModel.countDocuments({ objectType: 'exportJob' })).to.equal(0);
  });

  it('when a head exports their commune, then no choice is offered and the file is the commune’s internal copy, so headed and named', async () => {
    expect((await head.get('/exports')).text).not.to.contain('name="audience"');
    const res = await submitForm(head, '/exports', '/exports', { unit: String(w.communeA._id), year: '2026' });
    const file = await download(head, res.headers.location!);
    expect(file.headers['content-disposition']).to.contain('Tuan-thu-quy-tac-ung-xu_Xa-Thanh-Nua_2026_noi-bo.xlsx');
    const rows = XLSX.utils.sheet_to_json<unknown[]>(XLSX.read(file.body as Buffer, { type: 'buffer' }).Sheets['Tổng hợp']!, { header: 1, defval: null, blankrows: true });
    expect(rows[5]![0]).to.equal('Bản nội bộ — số liệu chính xác, không công bố.');
  });
});
