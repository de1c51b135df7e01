import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import type { ExportKind } from '../../src/exports/model.js';
import { StaffModel } from '../../src/staff/model.js';
import { UnitModel, type Unit } from '../../src/units/model.js';
import { vietnamYear } from '../../src/shared/dates.js';
import { clearDatabase } from '../helpers/db.js';
import { loadDemo } from '../helpers/demo.js';
import { firstPagePng, fontFor, LIBREOFFICE_TIMEOUT_MS, printedByLibreOffice, type PrintedPdf } from '../helpers/libreoffice.js';
import { drawnCells, partXml, readWorkbook, workbookBuffer, type DrawnCell } from './read.js';
import { exportWorld } from './world.js';

// The workbooks as a reader prints them: LibreOffice Calc lays each one out on paper with its own page setup, and
// poppler reads the PDF back (text, fonts, word sizes); the files themselves are read by SheetJS and their XML parts.

const NOW = new Date(Date.UTC(2027, 0, 5, 3));
const SCREENSHOTS = path.resolve('docs/screenshots');

interface Printed {
  buf: Buffer;
  wb: XLSX.WorkBook;
  printed: PrintedPdf;
}

async function print(kind: ExportKind, unit: Unit, year: number): Promise<Printed> {
  const buf = await workbookBuffer(kind, unit, year, { now: NOW });
  return { buf, wb: readWorkbook(buf), printed: await printedByLibreOffice(buf) };
}

/**
 * A table of a sheet: from its header row — the filtered row, or a row whose first cell reads "STT" — (and the group
 * row just above it, if any) to the last row before a blank one.
 */
interface Table {
  groupRow: number | null;
  headerRow: number;
  lastRow: number;
  width: number;
}

function tablesOf(ws: XLSX.WorkSheet): Table[] {
  const range = XLSX.utils.decode_range(ws['!ref']!);
  const value = (r: number, c: number) => {
    const v = ws[XLSX.utils.encode_cell({ r, c })]?.v;
    return v === undefined || v === null || v === '' ? null : v;
  };
  const tables: Table[] = [];
  const filtered = ws['!autofilter'] ? XLSX.utils.decode_range(ws['!autofilter'].ref).s.r : -1;
  for (let r = range.s.r; r <= range.e.r; r++) {
    if (value(r, 0) !== 'STT' && r !== filtered) continue;
    let width = 0;
    for (let c = 0; c <= range.e.c; c++) if (value(r, c) !== null) width = c + 1;
    let groupRow: number | null = null;
    if (r > 0) for (let c = 1; c < width; c++) if (value(r - 1, c) !== null && tables.every((t) => t.lastRow < r - 1)) groupRow = r - 1;
    let last = r;
    while (last + 1 <= range.e.r && [...Array(width).keys()].some((c) => value(last + 1, c) !== null)) last++;
    tables.push({ groupRow, headerRow: r, lastRow: last, width });
    r = last;
  }
  return tables;
}

/** Each column's name in a table: its group (carried across a merged group cell) and its own label. */
function columnNames(ws: XLSX.WorkSheet, t: Table): string[] {
  const groups: string[] = [];
  for (let c = 0; c < t.width; c++) {
    let group = t.groupRow === null ? '' : String(ws[XLSX.utils.encode_cell({ r: t.groupRow, c })]?.v ?? '');
    const merge = (ws['!merges'] ?? []).find((m) => m.s.r === t.groupRow && m.s.c <= c && c <= m.e.c);
    if (t.groupRow !== null && merge) group = String(ws[XLSX.utils.encode_cell({ r: t.groupRow, c: merge.s.c })]?.v ?? '');
    groups.push(group);
  }
  return groups.map((g, c) => `${g} › ${String(ws[XLSX.utils.encode_cell({ r: t.headerRow, c })]?.v ?? '')}`);
}

function sheetPart(wb: XLSX.WorkBook, name: string): string {
  return `xl/worksheets/sheet${wb.SheetNames.indexOf(name) + 1}.xml`;
}

/** The checks every printed workbook must pass, whatever its data. */
function printChecks(label: string, book: () => Printed, wholeWords: () => string[], maxPages: () => number): void {
  it(`then the ${label} workbook prints only in Times New Roman (or the metric-compatible face that stands in for it here)`, async () => {
    const serif = (await fontFor('Times New Roman')).replace(/\s+/g, '');
    const { fonts } = book().printed;
    expect(fonts).to.not.be.empty;
    expect(fonts.filter((f) => !f.startsWith(serif) && !f.startsWith('TimesNewRoman'))).to.deep.equal([]);
  });

  it(`then every page of the ${label} workbook is numbered "Trang i / n" and their number is sensible`, () => {
    const { pages } = book().printed;
    expect(pages.length).to.be.within(book().wb.SheetNames.length, maxPages());
    pages.forEach((text, i) => expect(text, `page ${i + 1}`).to.match(new RegExp(`Trang ${i + 1} / ${pages.length}\\s*$`)));
  });

  it(`then the ${label} workbook's text prints at 7.5 pt or larger on every page`, () => {
    const small = book().printed.textPoints.map((pt, i) => ({ page: i + 1, pt })).filter((p) => p.pt < 7.5);
    expect(small).to.deep.equal([]);
  });

  it(`then the ${label} workbook's headers and names print as whole words`, () => {
    // A header wrapped within its cell prints on several lines between its neighbours' lines: read the text in drawing
    // order, where the cell's lines follow one another.
    const flat = book().printed.raw.replace(/\s+/g, ' ');
    for (const words of wholeWords()) expect(flat, words).to.contain(words);
  });

  it(`then every sheet of the ${label} workbook is landscape A4 or A3, fitted to pages across, with the page number in the footer`, async () => {
    const { buf, wb } = book();
    for (const name of wb.SheetNames) {
      const xml = await partXml(buf, sheetPart(wb, name));
      expect(xml, name).to.match(/<pageSetup [^>]*paperSize="(9|8)"[^>]*orientation="landscape"/);
      expect(xml, name).to.match(/<pageSetUpPr fitToPage="1"\/>/);
      expect(xml, name).to.match(/<pageSetup [^>]*fitToWidth="\d+"[^>]*fitToHeight="0"/);
      expect(xml, name).to.match(/<oddFooter>[^<]*Times New Roman[^<]*Trang &amp;P \/ &amp;N<\/oddFooter>/);
    }
  });

  it(`then every written cell of the ${label} workbook is in Times New Roman and every table cell has a border on each side`, async () => {
    const { buf, wb } = book();
    for (const name of wb.SheetNames) {
      const drawn = await drawnCells(buf, sheetPart(wb, name));
      const ws = wb.Sheets[name]!;
      const notTimes = Object.keys(ws).filter((ref) => !ref.startsWith('!') && ws[ref]?.v !== undefined && ws[ref]?.v !== '' && drawn.get(ref)?.font !== 'Times New Roman');
      expect(notTimes, name).to.deep.equal([]);
      const tables = tablesOf(ws);
      expect(tables, name).to.not.be.empty;
      const open: string[] = [];
      for (const t of tables)
        for (let r = t.groupRow ?? t.headerRow; r <= t.lastRow; r++)
          for (let c = 0; c < t.width; c++) {
            const ref = XLSX.utils.encode_cell({ r, c });
            if (!drawn.get(ref)?.boxed) open.push(ref);
          }
      expect(open, name).to.deep.equal([]);
    }
  });

  it(`then the ${label} workbook's counts, rates and suppressed counts are right-aligned`, async () => {
    const { buf, wb } = book();
    let seen = 0;
    for (const name of wb.SheetNames) {
      const drawn = await drawnCells(buf, sheetPart(wb, name));
      const ws = wb.Sheets[name]!;
      const wrong: string[] = [];
      for (const t of tablesOf(ws))
        for (let r = t.headerRow + 1; r <= t.lastRow; r++)
          for (let c = 0; c < t.width; c++) {
            const ref = XLSX.utils.encode_cell({ r, c });
            const cell = ws[ref];
            const isCount = cell?.t === 'n' && (cell.z === '#,##0' || cell.z === '0.0%');
            const isSuppressed = cell?.t === 's' && /^<\d+$/.test(String(cell.v));
            if (!isCount && !isSuppressed) continue;
            seen++;
            if ((drawn.get(ref) as DrawnCell).horizontal !== 'right') wrong.push(`${ref}=${String(cell!.v)}`);
          }
      expect(wrong, name).to.deep.equal([]);
    }
    expect(seen).to.be.greaterThan(0);
  });

  it(`then no two columns of a table of the ${label} workbook carry the same name, and the summary's labels are unique on their own`, () => {
    const { wb } = book();
    for (const name of wb.SheetNames) {
      const ws = wb.Sheets[name]!;
      for (const t of tablesOf(ws)) {
        const names = columnNames(ws, t);
        // A label merged across columns names them all.
        const merged = (c: number) => (ws['!merges'] ?? []).some((m) => m.s.r === t.headerRow && m.s.c < c && c <= m.e.c);
        expect(names.filter((n, c) => n.endsWith('› ') && !merged(c)), `${name}: unnamed columns`).to.deep.equal([]);
        expect(names.filter((n, i) => !n.endsWith('› ') && names.indexOf(n) !== i), `${name}: repeated`).to.deep.equal([]);
      }
    }
    const summary = wb.Sheets['Tổng hợp']!;
    for (const t of tablesOf(summary)) {
      const labels = columnNames(summary, t).map((n) => n.split(' › ')[1]!).filter(Boolean);
      expect(labels.filter((n, i) => labels.indexOf(n) !== i)).to.deep.equal([]);
    }
  });
}

describe('exports: workbooks printed by LibreOffice', () => {
  describe('when the demo year is printed', () => {
    const books = {} as Record<ExportKind, Printed>;
    let communeStaff = 0;
    let criteria: string[] = [];

    before(async function () {
      this.timeout(LIBREOFFICE_TIMEOUT_MS * 2);
      await loadDemo();
      const year = vietnamYear(new Date());
      const province = (await UnitModel.findOne({ kind: 'province', parentId: null }).lean<Unit>())!;
      // The commune with the most staff: the widest staff sheet and the longest lists.
      const communes = await UnitModel.find({ kind: { $in: ['commune', 'ward', 'township'] } }).lean<Unit[]>();
      const counts = await Promise.all(communes.map((c) => StaffModel.countDocuments({ unitPath: c._id, active: true })));
      const busiest = communes[counts.indexOf(Math.max(...counts))]!;
      communeStaff = Math.max(...counts);
      books.COMMUNE = await print('COMMUNE', busiest, year);
      books.PROVINCE = await print('PROVINCE', province, year);
      criteria = (XLSX.utils.sheet_to_json<unknown[]>(books.COMMUNE.wb.Sheets['Tổng hợp']!, { header: 1 }) as unknown[][])
        .filter((r) => typeof r[1] === 'string' && /^[XLK]\d$/.test(r[1]) && typeof r[2] === 'string')
        .map((r) => r[2] as string);
      // The documentation's pictures, renewed on request only (a test run leaves the repository as it found it).
      if (process.env.SCREENSHOT_FINAL) {
        fs.mkdirSync(SCREENSHOTS, { recursive: true });
        fs.writeFileSync(path.join(SCREENSHOTS, 'workbook-commune-p1.png'), await firstPagePng(books.COMMUNE.printed.pdf));
        fs.writeFileSync(path.join(SCREENSHOTS, 'workbook-province-p1.png'), await firstPagePng(books.PROVINCE.printed.pdf));
      }
    });

    printChecks('demo commune', () => books.COMMUNE, () => ['Không tham nhũng, lãng phí', 'Phản ánh có cơ sở', 'Phản ánh nêu tiêu chí', ...criteria], () => 8 + Math.ceil(communeStaff / 20) * 6);
    printChecks(
      'demo province',
      () => books.PROVINCE,
      () => ['Số CBCCVC', 'Lượt đánh giá định kỳ', 'Lượt đánh giá hài lòng', 'Phản ánh: tiếp nhận và có cơ sở theo tiêu chí', 'Hài lòng tại bộ phận một cửa', 'Trễ hạn chưa có phiếu xin lỗi', 'Không hoàn thành nhiệm vụ'],
      () => books.PROVINCE.wb.SheetNames.length * 4,
    );

    it('when the demo commune is printed, then the criteria table names every criterion in full', () => {
      expect(criteria).to.include('Không tham nhũng, lãng phí');
      // A short name on one line of the laid-out page; a long one wraps within its cell, its lines drawn in turn.
      expect(books.COMMUNE.printed.pages.join('\n')).to.match(/ K3 +Không tham nhũng, lãng phí /);
      const flat = books.COMMUNE.printed.raw.replace(/\s+/g, ' ');
      for (const name of criteria) expect(flat).to.contain(name);
    });

    it('when the demo commune’s staff sheet is printed, then a row whose position or unit wraps is as tall as its lines', async () => {
      const { buf, wb } = books.COMMUNE;
      const xml = await partXml(buf, sheetPart(wb, 'Cán bộ'));
      const heights = new Map([...xml.matchAll(/<row r="(\d+)"[^>]*?ht="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]));
      const ws = wb.Sheets['Cán bộ']!;
      const widths = (ws['!cols'] ?? []).map((c) => c?.wch ?? c?.width ?? 0);
      let wrapped = 0;
      for (let r = 5; ws[`B${r}`]?.v !== 'Tổng cộng'; r++) {
        const longest = Math.max(...['C', 'D'].map((c, i) => String(ws[`${c}${r}`]?.v ?? '').length / Math.max(1, widths[2 + i]! - 1)));
        if (longest <= 1.2) continue;
        wrapped++;
        expect(heights.get(r) ?? 15, `row ${r}`).to.be.at.least(30);
      }
      expect(wrapped).to.be.greaterThan(0);
    });

    it('when the demo province summary is printed, then it fits one page across and the province total sits on its first page', () => {
      const first = books.PROVINCE.printed.raw.split('\f')[0]!.replace(/\s+/g, ' ');
      // The first and the last column's headers, and the province row.
      expect(first).to.contain('Xã, phường').and.to.contain('Chưa xếp loại').and.to.contain('Toàn tỉnh');
      // The second page is the next sheet's first.
      expect(books.PROVINCE.printed.pages[1]).to.contain('KẾT QUẢ ĐÁNH GIÁ THEO TỪNG TIÊU CHÍ');
    });
  });

  describe('when a commune with no staff, no reports and no ratings is printed', () => {
    const books = {} as Record<ExportKind, Printed>;
    before(async function () {
      this.timeout(LIBREOFFICE_TIMEOUT_MS * 2);
      await clearDatabase();
      const w = await exportWorld(2026);
      books.COMMUNE = await print('COMMUNE', w.communeA, 2026);
      books.PROVINCE = await print('PROVINCE', w.province, 2026);
    });

    printChecks('empty commune', () => books.COMMUNE, () => ['Không tham nhũng, lãng phí', 'Tổng phản ánh có cơ sở', 'Lượt đánh giá hài lòng'], () => 10);
    printChecks('empty province', () => books.PROVINCE, () => ['Lượt đánh giá định kỳ', 'Phản ánh tiếp nhận'], () => 8);
  });
});
