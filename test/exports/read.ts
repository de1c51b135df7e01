import { PassThrough } from 'node:stream';
import JSZip from 'jszip';
import * as XLSX from 'xlsx';
import { buildWorkbook, type BuildOptions } from '../../src/exports/build.js';
import type { ExportKind } from '../../src/exports/model.js';
import type { Unit } from '../../src/units/model.js';

/** Builds a workbook into memory; counts below 3 are suppressed unless the options say otherwise. */
export async function workbookBuffer(kind: ExportKind, unit: Unit, year: number, options: Partial<BuildOptions> = {}): Promise<Buffer> {
  const opts: BuildOptions = { settings: { suppressBelow: 3 }, ...options };
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => out.on('end', resolve));
  await buildWorkbook(kind, unit, year, out, opts);
  await ended;
  return Buffer.concat(chunks);
}

/** Parsed with SheetJS, an independent reader (not ExcelJS, which wrote it). */
export function readWorkbook(buf: Buffer): XLSX.WorkBook {
  return XLSX.read(buf, { type: 'buffer', cellDates: true, cellFormula: true, cellNF: true, cellStyles: true });
}

export function cell(wb: XLSX.WorkBook, sheet: string, ref: string): XLSX.CellObject | undefined {
  return wb.Sheets[sheet]?.[ref];
}

/** Rows of a sheet as arrays of displayed raw values (v), from a 1-based row on. */
export function rows(wb: XLSX.WorkBook, sheet: string, fromRow = 1): unknown[][] {
  const ws = wb.Sheets[sheet]!;
  const all = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, raw: true, defval: null, blankrows: true });
  return all.slice(fromRow - 1);
}

/** The raw XML of a part (e.g. "xl/worksheets/sheet2.xml"), for panes, filters and print setup. */
export async function partXml(buf: Buffer, name: string): Promise<string> {
  const zip = await JSZip.loadAsync(buf);
  const file = zip.file(name);
  if (!file) throw new Error(`no ${name} in the workbook`);
  return file.async('string');
}

export function colOf(headerRow: unknown[], label: string, from = 0): number {
  const i = headerRow.indexOf(label, from);
  if (i < 0) throw new Error(`no column "${label}" in ${JSON.stringify(headerRow)}`);
  return i;
}

/** How a cell is drawn, read from the file's own styles part (SheetJS does not expose fonts, borders or alignment). */
export interface DrawnCell {
  font: string;
  /** Thin (or thicker) border on all four sides. */
  boxed: boolean;
  horizontal: string | null;
}

/** Every written cell of a worksheet part (by A1 reference) with its font, borders and horizontal alignment. */
export async function drawnCells(buf: Buffer, sheetPart: string): Promise<Map<string, DrawnCell>> {
  const styles = await partXml(buf, 'xl/styles.xml');
  const section = (name: string) => new RegExp(`<${name}[^>]*>([\\s\\S]*?)</${name}>`).exec(styles)?.[1] ?? '';
  const fonts = [...section('fonts').matchAll(/<font>([\s\S]*?)<\/font>|<font\/>/g)].map((m) => /<name val="([^"]+)"/.exec(m[1] ?? '')?.[1] ?? '');
  const borders = [...section('borders').matchAll(/<border>([\s\S]*?)<\/border>|<border\/>/g)].map((m) =>
    ['left', 'right', 'top', 'bottom'].every((side) => new RegExp(`<${side} style="[a-z]+"`).test(m[1] ?? '')),
  );
  const xfs = [...section('cellXfs').matchAll(/<xf ([^>]*?)(?:\/>|>([\s\S]*?)<\/xf>)/g)].map((m) => ({
    font: fonts[Number(/fontId="(\d+)"/.exec(m[1]!)?.[1] ?? 0)] ?? '',
    boxed: borders[Number(/borderId="(\d+)"/.exec(m[1]!)?.[1] ?? 0)] ?? false,
    horizontal: /<alignment [^>]*horizontal="([a-z]+)"/.exec(m[2] ?? '')?.[1] ?? null,
  }));
  const sheet = await partXml(buf, sheetPart);
  const out = new Map<string, DrawnCell>();
  for (const m of sheet.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>)/g)) out.set(m[1]!, xfs[Number(/ s="(\d+)"/.exec(m[2]!)?.[1] ?? 0)]!);
  return out;
}
