import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const SOFFICE = process.env.SOFFICE_BIN ?? '/usr/bin/soffice';

/** LibreOffice's first start on a fresh profile can take 30+ s on a busy machine; later ones a few seconds. */
export const LIBREOFFICE_TIMEOUT_MS = 180_000;

// By default LibreOffice shows an .xlsx's cached formula results; this makes it recalculate every formula on load.
const RECALCULATE_ON_LOAD = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`;

// Comma-separated, double-quoted, UTF-8, from line 1; raw values (not as formatted), results (not formulas);
// the last token (-1) writes every sheet to its own file, "<file>-<sheet>.csv".
const CSV_EVERY_SHEET = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1';

/** A sheet as LibreOffice computed it: rows of cell texts, row 1 first (errors read "Err:522", "#REF!", …). */
export type Grid = string[][];

export interface Recalculator {
  /** Opens each workbook in LibreOffice, recalculates every formula, and returns each one's sheets by name. */
  recalculate(workbooks: Record<string, Buffer>): Promise<Record<string, Map<string, Grid>>>;
  /** Removes the profile and files of this run. */
  dispose(): void;
}

/** Headless LibreOffice with a throw-away user profile of its own, so parallel runs do not share one. */
export function throwawayLibreOffice(): Recalculator {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-soffice-'));
  fs.mkdirSync(path.join(root, 'profile', 'user'), { recursive: true });
  fs.writeFileSync(path.join(root, 'profile', 'user', 'registrymodifications.xcu'), RECALCULATE_ON_LOAD);
  let runs = 0;
  return {
    async recalculate(workbooks) {
      const dir = path.join(root, `run-${++runs}`);
      const outDir = path.join(dir, 'out');
      fs.mkdirSync(outDir, { recursive: true });
      const names = Object.keys(workbooks);
      const inputs = names.map((name) => {
        const file = path.join(dir, `${name}.xlsx`);
        fs.writeFileSync(file, workbooks[name]!);
        return file;
      });
      const args = [`-env:UserInstallation=file://${path.join(root, 'profile')}`, '--headless', '--norestore', '--nolockcheck', '--convert-to', CSV_EVERY_SHEET, '--outdir', outDir, ...inputs];
      await promisify(execFile)(SOFFICE, args, { timeout: LIBREOFFICE_TIMEOUT_MS - 10_000 });
      const written = fs.readdirSync(outDir);
      const out: Record<string, Map<string, Grid>> = {};
      for (const name of names) {
        const prefix = `${name}-`;
        const sheets = written.filter((f) => f.startsWith(prefix) && f.endsWith('.csv'));
        if (!sheets.length) throw new Error(`LibreOffice wrote no sheet of ${name}.xlsx (files: ${written.join(', ')})`);
        out[name] = new Map(sheets.map((f) => [f.slice(prefix.length, -'.csv'.length), parseCsv(fs.readFileSync(path.join(outDir, f), 'utf8'))]));
      }
      return out;
    },
    dispose() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** RFC 4180: fields split on commas; a quoted field may hold commas, line breaks and doubled quotes. */
export function parseCsv(text: string): Grid {
  const rows: Grid = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * A Word document as LibreOffice Writer lays it out, read back by poppler: its PDF, and the PDF's text with the
 * layout kept (`pdftotext -layout`), so a line that wraps in the document wraps here too.
 */
export async function laidOutByLibreOffice(docx: Buffer): Promise<{ pdf: Buffer; text: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-writer-'));
  try {
    const input = path.join(dir, 'document.docx');
    fs.writeFileSync(input, docx);
    const args = [`-env:UserInstallation=file://${path.join(dir, 'profile')}`, '--headless', '--norestore', '--nolockcheck', '--convert-to', 'pdf', '--outdir', dir, input];
    await promisify(execFile)(SOFFICE, args, { timeout: LIBREOFFICE_TIMEOUT_MS - 10_000 });
    const pdfFile = path.join(dir, 'document.pdf');
    const { stdout } = await promisify(execFile)('pdftotext', ['-layout', pdfFile, '-'], { maxBuffer: 10_000_000 });
    return { pdf: fs.readFileSync(pdfFile), text: stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A printed document as poppler reads it: the text of each page with the layout kept, and the fonts embedded. */
export interface PrintedPdf {
  pdf: Buffer;
  /** `pdftotext -layout`, one entry per page. */
  pages: string[];
  /** Base names of the fonts `pdffonts` lists, without the subset prefix ("LiberationSerif-Bold"). */
  fonts: string[];
  /** `pdftotext -raw`: the text in the order it is drawn, so a header wrapped in its cell reads as one run of words. */
  raw: string;
  /** Per page, the median printed size of its words in points (word box height ÷ 1.3, poppler's `-bbox`). */
  textPoints: number[];
}

/** A workbook printed by LibreOffice Calc (its page setup: paper, orientation, fit, print titles, footer) to PDF. */
export async function printedByLibreOffice(xlsx: Buffer): Promise<PrintedPdf> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-calc-pdf-'));
  try {
    const input = path.join(dir, 'workbook.xlsx');
    fs.writeFileSync(input, xlsx);
    const args = [`-env:UserInstallation=file://${path.join(dir, 'profile')}`, '--headless', '--norestore', '--nolockcheck', '--convert-to', 'pdf', '--outdir', dir, input];
    await promisify(execFile)(SOFFICE, args, { timeout: LIBREOFFICE_TIMEOUT_MS - 10_000 });
    const pdfFile = path.join(dir, 'workbook.pdf');
    const { stdout: text } = await promisify(execFile)('pdftotext', ['-layout', pdfFile, '-'], { maxBuffer: 50_000_000 });
    const { stdout: fontTable } = await promisify(execFile)('pdffonts', [pdfFile]);
    // pdffonts: two header lines, then one font a line, its name first ("ABCDEF+LiberationSerif-Bold TrueType …").
    const fonts = [...new Set(fontTable.split('\n').slice(2).map((l) => l.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, '')).filter(Boolean))];
    const pages = text.split('\f');
    if (pages.at(-1)!.trim() === '') pages.pop();
    const { stdout: boxes } = await promisify(execFile)('pdftotext', ['-bbox', pdfFile, '-'], { maxBuffer: 200_000_000 });
    const textPoints = boxes
      .split('<page ')
      .slice(1)
      .map((page) => {
        const heights = [...page.matchAll(/<word [^>]*yMin="([\d.]+)"[^>]*yMax="([\d.]+)"/g)].map((m) => Number(m[2]) - Number(m[1])).sort((a, b) => a - b);
        return heights.length ? heights[Math.floor(heights.length / 2)]! / 1.3 : 0;
      });
    const { stdout: raw } = await promisify(execFile)('pdftotext', ['-raw', pdfFile, '-'], { maxBuffer: 50_000_000 });
    return { pdf: fs.readFileSync(pdfFile), pages, fonts, raw, textPoints };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The font family fontconfig substitutes for a name ("Times New Roman" → "Liberation Serif" when it is not installed). */
export async function fontFor(name: string): Promise<string> {
  const { stdout } = await promisify(execFile)('fc-match', ['-f', '%{family[0]}', name]);
  return stdout.trim();
}

/** The first page of a PDF as a PNG (poppler's pdftoppm), for a person to look at. */
export async function firstPagePng(pdf: Buffer, dpi = 80): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-png-'));
  fs.writeFileSync(path.join(dir, 'page.pdf'), pdf);
  await promisify(execFile)('pdftoppm', ['-png', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', path.join(dir, 'page.pdf'), path.join(dir, 'page')]);
  const png = fs.readFileSync(path.join(dir, 'page.png'));
  fs.rmSync(dir, { recursive: true, force: true });
  return png;
}
