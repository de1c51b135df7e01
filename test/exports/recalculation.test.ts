import { expect } from 'chai';
import ExcelJS from 'exceljs';
import * as XLSX from 'xlsx';
import type { ExportKind } from '../../src/exports/model.js';
import type { Unit } from '../../src/units/model.js';
import { clearDatabase } from '../helpers/db.js';
import { makeStaff, makeUnit } from '../helpers/factories.js';
import { LIBREOFFICE_TIMEOUT_MS, throwawayLibreOffice, type Grid, type Recalculator } from '../helpers/libreoffice.js';
import { partXml, readWorkbook, workbookBuffer } from './read.js';
import { evaluate, exportWorld, person, rate, report } from './world.js';

// The workbooks are opened by an independent engine, LibreOffice, which recalculates every formula on load:
// no cell may show an error and every cached result must be what the recalculation gives, whatever the data.

const NOW = new Date(Date.UTC(2027, 0, 5, 3));
const ERROR = /^(Err:\d+|#NULL!|#DIV\/0!|#VALUE!|#REF!|#NAME\?|#NUM!|#N\/A)$/;
const TOTAL = 'Tổng cộng';

interface Recalculated {
  /** The file as written (formulas with their cached results). */
  buf: Buffer;
  /** Its sheets as LibreOffice recalculated them. */
  sheets: Map<string, Grid>;
}

/** Builds a workbook of each kind for its unit and has LibreOffice recalculate them, in one run. */
async function buildAndRecalculate<K extends ExportKind>(calc: Recalculator, year: number, units: Record<K, Unit>): Promise<Record<K, Recalculated>> {
  const kinds = Object.keys(units) as K[];
  const bufs = {} as Record<K, Buffer>;
  for (const kind of kinds) bufs[kind] = await workbookBuffer(kind, units[kind], year, { now: NOW });
  const sheets = await calc.recalculate(bufs);
  const out = {} as Record<K, Recalculated>;
  for (const kind of kinds) out[kind] = { buf: bufs[kind], sheets: sheets[kind]! };
  return out;
}

/** Cells showing an error, as "sheet!A1: Err:522". */
function errorsIn(book: Recalculated): string[] {
  const out: string[] = [];
  for (const [name, grid] of book.sheets)
    grid.forEach((row, r) => row.forEach((text, c) => ERROR.test(text) && out.push(`${name}!${XLSX.utils.encode_cell({ r, c })}: ${text}`)));
  return out;
}

/** Every formula cell: where, its cached result (as SheetJS reads the file) and LibreOffice's recalculated text. */
function formulaCells(book: Recalculated): { at: string; cached: unknown; recalculated: string }[] {
  const wb = readWorkbook(book.buf);
  const out = [];
  for (const name of wb.SheetNames) {
    const ws = wb.Sheets[name]!;
    for (const ref of Object.keys(ws)) {
      const cell = ws[ref] as XLSX.CellObject;
      if (ref.startsWith('!') || !cell.f) continue;
      const { r, c } = XLSX.utils.decode_cell(ref);
      out.push({ at: `${name}!${ref} =${cell.f}`, cached: cell.v, recalculated: book.sheets.get(name)?.[r]?.[c] ?? '' });
    }
  }
  return out;
}

function agrees(cached: unknown, recalculated: string): boolean {
  if (typeof cached !== 'number') return String(cached ?? '') === recalculated;
  // Even as raw values, LibreOffice writes percent-formatted cells as "80%" (in full precision).
  const value = recalculated.endsWith('%') ? Number(recalculated.slice(0, -1)) / 100 : Number(recalculated);
  return recalculated !== '' && Math.abs(value - cached) < 1e-9;
}

function expectNoErrors(...books: Recalculated[]): void {
  for (const book of books) expect(errorsIn(book)).to.deep.equal([]);
}

function expectCachedResultsRecalculate(...books: Recalculated[]): void {
  for (const book of books) {
    const cells = formulaCells(book);
    expect(cells).to.not.be.empty;
    expect(cells.filter((x) => !agrees(x.cached, x.recalculated))).to.deep.equal([]);
  }
}

function sheet(book: Recalculated, name: string): Grid {
  const grid = book.sheets.get(name);
  if (!grid) throw new Error(`no sheet "${name}" in ${[...book.sheets.keys()].join(', ')}`);
  return grid;
}

/** The row whose cell in the 0-based column reads label. */
function rowLabelled(grid: Grid, column: number, label: string): string[] {
  const row = grid.find((r) => r[column] === label);
  if (!row) throw new Error(`no row with "${label}" in column ${column}`);
  return row;
}

/** A staff sheet's incident and breach columns (row 4 names them; the incidents' X1 is the last "X1"). */
function staffColumns(grid: Grid) {
  const header = grid[3]!;
  return { x1: header.lastIndexOf('X1'), incidents: header.indexOf('Tổng phản ánh có cơ sở'), breaches: header.indexOf('Số lần "Chưa thực hiện"') };
}

/** The commune summary's per-criterion totals: good, done, not done (columns D–F), below the table headed "Mã". */
function criterionTotals(grid: Grid): string[] {
  const header = grid.findIndex((r) => r[1] === 'Mã');
  return rowLabelled(grid.slice(header + 1), 2, TOTAL).slice(3, 6);
}

describe('exports: workbooks recalculated by LibreOffice', () => {
  let calc: Recalculator;
  before(() => {
    calc = throwawayLibreOffice();
  });
  after(() => calc.dispose());

  /**
   * Inside a describe: empties the database, lets `setup` write the year and name the unit of each workbook, builds
   * and recalculates them (on the returned object once built), and checks what must hold whatever the data.
   */
  function workbooksAfter<K extends ExportKind>(kinds: readonly K[], setup: () => Promise<Record<K, Unit>>): Record<K, Recalculated> {
    const built = {} as Record<K, Recalculated>;
    before(async function () {
      this.timeout(LIBREOFFICE_TIMEOUT_MS);
      await clearDatabase();
      Object.assign(built, await buildAndRecalculate(calc, 2026, await setup()));
    });
    const books = () => kinds.map((k) => built[k]);
    const named = kinds.map((k) => k.toLowerCase()).join(' or ');
    it(`then no cell of the ${named} workbook shows an error`, () => expectNoErrors(...books()));
    it('then every formula’s cached result is what LibreOffice recalculates', () => expectCachedResultsRecalculate(...books()));
    return built;
  }

  it('when a workbook’s cached results are wrong or circular, then the LibreOffice reader shows the recalculated values and the error', async function () {
    this.timeout(LIBREOFFICE_TIMEOUT_MS);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Thử');
    ws.getCell('A1').value = 1;
    ws.getCell('A2').value = 2;
    ws.getCell('A3').value = { formula: 'SUM(A1:A2)', result: 5 };
    ws.getCell('B1').value = { formula: 'SUM(B1:B1)', result: 0 };
    const out = await calc.recalculate({ probe: Buffer.from(await wb.xlsx.writeBuffer()) });
    const grid = out.probe!.get('Thử')!;
    expect(grid[2]![0]).to.equal('3');
    expect(grid[0]![1]).to.equal('Err:522');
  });

  describe('when a commune has no staff, no reports and no ratings in the year', () => {
    const books = workbooksAfter(['COMMUNE', 'PROVINCE'], async () => {
      const w = await exportWorld(2026);
      return { COMMUNE: w.communeA, PROVINCE: w.province };
    });

    it('then the staff, incidents and satisfaction totals of the commune are 0', () => {
      const staff = sheet(books.COMMUNE, 'Cán bộ');
      const cols = staffColumns(staff);
      const totals = staff[4]!;
      expect(totals[1]).to.equal(TOTAL);
      expect([totals[cols.x1], totals[cols.incidents], totals[cols.breaches]]).to.deep.equal(['0', '0', '0']);
      expect(sheet(books.COMMUNE, 'Phản ánh')[3]!.slice(1, 5)).to.deep.equal(['0', '', '', TOTAL]);
      expect(sheet(books.COMMUNE, 'Hài lòng')[3]!.slice(0, 5)).to.deep.equal([TOTAL, '', '0', '0', '']);
    });

    it('then the province row of the province summary is 0', () => {
      const summary = sheet(books.PROVINCE, 'Tổng hợp');
      const header = summary[8]!;
      const total = rowLabelled(summary, 1, 'Toàn tỉnh');
      expect(total[header.indexOf('Số CBCCVC')]).to.equal('0');
      expect(total[header.indexOf('Lượt đánh giá định kỳ')]).to.equal('0');
    });

    it('then the filters of the commune’s empty lists cover only their header row', async () => {
      expect(await partXml(books.COMMUNE.buf, 'xl/worksheets/sheet2.xml')).to.match(/<autoFilter ref="A4:[A-Z]+4"/);
      expect(await partXml(books.COMMUNE.buf, 'xl/worksheets/sheet3.xml')).to.match(/<autoFilter ref="A3:K3"/);
      expect(await partXml(books.COMMUNE.buf, 'xl/worksheets/sheet4.xml')).to.match(/<autoFilter ref="A3:E3"/);
    });
  });

  describe('when a commune has one person, one report and one desk-month of ratings in the year', () => {
    const books = workbooksAfter(['COMMUNE', 'PROVINCE'], async () => {
      const w = await exportWorld(2026);
      const an = await person('Nguyễn Văn An', w.communeA, 1980);
      await evaluate(w, an, 3, { L1: 'NOT_DONE' });
      await report(w, { staff: an, criteria: ['X1'], confirmed: ['X1'], status: 'SUBSTANTIATED' });
      await rate(w.deskA, 3, 2026, 4, 1);
      return { COMMUNE: w.communeA, PROVINCE: w.province };
    });

    it('then the commune’s staff totals equal the person’s row', () => {
      const staff = sheet(books.COMMUNE, 'Cán bộ');
      const cols = staffColumns(staff);
      const [an, totals] = [staff[4]!, staff[5]!];
      expect(an[1]).to.equal('Nguyễn Văn An');
      expect(totals[1]).to.equal(TOTAL);
      const figures = (row: string[]) => [row[cols.x1], row[cols.incidents], row[cols.breaches]];
      expect(figures(an)).to.deep.equal(['1', '1', '1']);
      expect(figures(totals)).to.deep.equal(figures(an));
    });

    it('then the commune’s incidents count is 1 and its satisfaction totals equal the desk-month’s row', () => {
      expect(sheet(books.COMMUNE, 'Phản ánh')[4]!.slice(1, 5)).to.deep.equal(['1', '', '', TOTAL]);
      const satisfaction = sheet(books.COMMUNE, 'Hài lòng');
      expect(satisfaction[3]!.slice(1, 5)).to.deep.equal(['03/2026', '5', '4', '80%']);
      expect(satisfaction[4]!.slice(0, 5)).to.deep.equal([TOTAL, '', '5', '4', '80%']);
    });

    it('then the province’s sheet of the commune totals its one person’s breaches', () => {
      const staff = sheet(books.PROVINCE, 'Xã Thanh Nưa');
      const cols = staffColumns(staff);
      expect(staff[4]![cols.breaches]).to.equal('1');
      expect(staff[5]![1]).to.equal(TOTAL);
      expect(staff[5]![cols.breaches]).to.equal('1');
    });
  });

  describe('when communes have several people, reports and desk-months of ratings in the year', () => {
    const books = workbooksAfter(['COMMUNE', 'PROVINCE'], async () => {
      const w = await exportWorld(2026);
      const an = await person('Nguyễn Văn An', w.communeA, 1980);
      const anh = await person('Trần Thị Ánh', w.deskA, 1992);
      const binh = await person('Lê Văn Bình', w.communeA, 1995);
      const chu = await person('Vàng A Chứ', w.communeB, 1990);
      const mai = await person('Giàng Thị Mai', w.communeB, 1975);
      for (const m of [1, 2]) await evaluate(w, an, m);
      await evaluate(w, anh, 1, { X3: 'DONE', L1: 'NOT_DONE' });
      await evaluate(w, binh, 2, { K1: 'NOT_DONE', K2: 'NOT_DONE' });
      for (const s of [chu, mai]) await evaluate(w, s, 1, { X1: 'NOT_DONE' }, { commune: w.communeB });
      await report(w, { staff: binh, criteria: ['X1', 'L1'], confirmed: ['X1', 'L1'], status: 'SUBSTANTIATED' });
      await report(w, { staff: anh, criteria: ['K1'], status: 'NOT_SUBSTANTIATED', month: 5 });
      await report(w, { commune: w.communeB, staff: chu, criteria: ['X1'], confirmed: ['X1'], status: 'RESOLVED' });
      await rate(w.deskA, 3, 2026, 7, 2);
      await rate(w.deskA, 4, 2026, 0, 3);
      return { COMMUNE: w.communeA, PROVINCE: w.province };
    });
  });

  describe('when the province has no code of conduct in force and a single commune with one person', () => {
    const books = workbooksAfter(['COMMUNE', 'PROVINCE'], async () => {
      const laiChau = await makeUnit({ name: 'Tỉnh Lai Châu', kind: 'province' });
      const namHang = await makeUnit({ name: 'Xã Nậm Hàng', kind: 'commune', parent: laiChau });
      await makeStaff({ fullName: 'Lò Văn Bình', unit: namHang });
      return { COMMUNE: namHang, PROVINCE: laiChau };
    });

    it('then the commune’s empty per-criterion table totals 0 and the person’s incident total is 0', () => {
      expect(criterionTotals(sheet(books.COMMUNE, 'Tổng hợp'))).to.deep.equal(['0', '0', '0']);
      const staff = sheet(books.COMMUNE, 'Cán bộ');
      const cols = staffColumns(staff);
      expect(cols.x1).to.equal(-1);
      expect(staff[4]![1]).to.equal('Lò Văn Bình');
      expect(staff[4]![cols.incidents]).to.equal('0');
      expect(staff[5]![cols.incidents]).to.equal('0');
    });

    it('then the province row equals the one commune’s row', () => {
      const summary = sheet(books.PROVINCE, 'Tổng hợp');
      const header = summary[8]!;
      const [namHang, total] = [summary[9]!, summary[10]!];
      expect([namHang[1], total[1]]).to.deep.equal(['Xã Nậm Hàng', 'Toàn tỉnh']);
      expect(namHang[header.indexOf('Số CBCCVC')]).to.equal('1');
      expect(total.slice(2)).to.deep.equal(namHang.slice(2));
    });
  });

  describe('when a province has no commune', () => {
    const books = workbooksAfter(['PROVINCE'], async () => {
      const lonely = await makeUnit({ name: 'Tỉnh Lai Châu', kind: 'province' });
      return { PROVINCE: lonely };
    });

    it('then the province row of the summary is 0', () => {
      const summary = sheet(books.PROVINCE, 'Tổng hợp');
      const total = summary[9]!;
      expect(total[1]).to.equal('Toàn tỉnh');
      expect(total[summary[8]!.indexOf('Số CBCCVC')]).to.equal('0');
    });

    it('then the summary’s filter covers only its header row', async () => {
      expect(await partXml(books.PROVINCE.buf, 'xl/worksheets/sheet1.xml')).to.match(/<autoFilter ref="A9:[A-Z]+9"/);
    });
  });
});
