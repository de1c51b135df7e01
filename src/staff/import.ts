import { vietnamYear } from '../shared/dates.js';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import type { TFunction } from 'i18next';
import type { Actor } from '../auth/index.js';
import { coversUnit, hasRole } from '../auth/index.js';
import { isAliveAt, unitsSnapshot } from '../units/index.js';
import { record } from '../audit/index.js';
import { Forbidden, ValidationFailed } from '../shared/errors.js';
import { foldForSearch, vietnameseSortKey } from '../shared/text.js';
import { EDUCATION_LEVELS, GENDERS, POLITICAL_THEORY_LEVELS, GENERAL_EDUCATION_LEVELS, STAFF_CATEGORIES, StaffModel, staffCodeKey } from './model.js';
import { IMPORT_COLUMNS, MIN_BIRTH_YEAR, importRow, type ImportField, type ImportRow } from './schemas.js';
import { recordsChanged } from '../shared/changes.js';
import { repackWithin, UnpackRefused } from './unpacked-upload.js';

export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 5000;
/** What an upload may unpack to (a sheet of 5,000 rows is a few megabytes), and how many parts it may have. */
const IMPORT_MAX_UNPACKED_BYTES = 40 * 1024 * 1024;
const IMPORT_MAX_PARTS = 500;

export interface ImportError {
  row: number;
  field: ImportField;
  column: string;
  messageKey: string;
}
export interface ImportResult {
  imported: number;
  errors: ImportError[];
}

const headerOf = new Map<ImportField, string>(IMPORT_COLUMNS.map((c) => [c.field, c.header]));
const fileError = (key: string, status = 422) => new ValidationFailed({ file: key }, 'errors.validation', status);

/** The first sheet of an .xlsx upload: every good row becomes one staff record, every bad row is reported. */
export async function importStaff(actor: Actor, buffer: Buffer): Promise<ImportResult> {
  if (!hasRole(actor, 'admin', 'head')) throw new Forbidden();
  const sheet = await firstSheet(buffer);
  const rows = readRows(sheet);
  const errors: ImportError[] = [];
  const fail = (row: number, field: ImportField, messageKey: string) => errors.push({ row, field, column: headerOf.get(field)!, messageKey });

  const parsed: { row: number; data: ImportRow }[] = [];
  for (const { row, cells } of rows) {
    const result = importRow.safeParse(cells);
    if (result.success) parsed.push({ row, data: result.data });
    else {
      const seen = new Set<string>();
      for (const issue of result.error.issues) {
        const field = String(issue.path[0]) as ImportField;
        if (seen.has(field)) continue;
        seen.add(field);
        fail(row, field, issue.message.startsWith('staff.') ? issue.message : 'staff.import.required');
      }
    }
  }

  const tree = await unitsSnapshot();
  const codes = parsed.map((p) => p.data.staffCode.toUpperCase()).filter(Boolean);
  const taken = new Set((await StaffModel.find({ codeKey: { $in: codes } }).select('codeKey').lean()).map((s) => s.codeKey));

  const batchId = new Types.ObjectId();
  const good: { row: number; doc: Record<string, unknown> }[] = [];
  const seenCodes = new Set<string>();
  for (const { row, data } of parsed) {
    const before = errors.length;
    const unit = tree.byCode(data.unitCode);
    if (!unit) fail(row, 'unitCode', 'staff.validation.unitUnknown');
    else if (!coversUnit(actor, unit.path, 'admin', 'head')) fail(row, 'unitCode', 'staff.validation.unitOutOfScope');
    else if (!isAliveAt(unit)) fail(row, 'unitCode', 'staff.validation.unitClosed');
    const code = data.staffCode.toUpperCase();
    if (code && taken.has(code)) fail(row, 'staffCode', 'staff.validation.staffCodeTaken');
    else if (code && seenCodes.has(code)) fail(row, 'staffCode', 'staff.import.duplicateInFile');
    if (code) seenCodes.add(code);
    if (errors.length > before || !unit) continue;
    const _id = new Types.ObjectId();
    good.push({
      row,
      doc: {
        _id,
        fullName: data.fullName,
        sortKey: vietnameseSortKey(data.fullName),
        searchName: foldForSearch(data.fullName),
        position: data.position,
        unitId: unit._id,
        unitPath: unit.path,
        birthYear: data.birthYear,
        gender: data.gender,
        category: data.category,
        educationLevel: data.educationLevel,
        politicalTheoryLevel: data.politicalTheoryLevel,
        generalEducation: data.generalEducation,
        staffCode: data.staffCode,
        codeKey: staffCodeKey(data.staffCode, _id),
        active: true,
        importBatchId: batchId,
      },
    });
  }

  const failedIndexes = await insertEach(good.map((g) => g.doc));
  for (const [index, code] of failedIndexes) fail(good[index]!.row, code === 11000 ? 'staffCode' : 'fullName', code === 11000 ? 'staff.validation.staffCodeTaken' : 'staff.import.rowFailed');
  const imported = good.length - failedIndexes.size;
  if (imported > 0) {
    const paths = good.filter((_, i) => !failedIndexes.has(i)).map((g) => g.doc.unitPath as Types.ObjectId[]);
    const year = vietnamYear();
    for (const path of new Map(paths.map((p) => [p.map(String).join('/'), p])).values()) await recordsChanged(path, year);
    await record({ actor, objectType: 'staff', objectId: batchId, action: 'import', after: { imported, rejectedRows: new Set(errors.map((e) => e.row)).size }, unitPath: commonPrefix(paths) });
  }
  errors.sort((a, b) => a.row - b.row);
  return { imported, errors };
}

async function firstSheet(buffer: Buffer): Promise<ExcelJS.Worksheet> {
  if (!buffer.length) throw fileError('staff.import.noFile');
  if (buffer.length > IMPORT_MAX_BYTES) throw fileError('staff.import.tooLarge', 413);
  // Every .xlsx is a zip archive; anything else (CSV, old .xls, images) is refused before parsing.
  if (buffer.subarray(0, 4).toString('binary') !== 'PK\x03\x04') throw fileError('staff.import.notXlsx', 415);
  let repacked: Uint8Array;
  try {
    repacked = repackWithin(buffer, { maxBytes: IMPORT_MAX_UNPACKED_BYTES, maxEntries: IMPORT_MAX_PARTS });
  } catch (err) {
    if (err instanceof UnpackRefused && err.reason !== 'unreadable') throw fileError('staff.import.tooMuchData', 413);
    throw fileError('staff.import.unreadable');
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(repacked.buffer, repacked.byteOffset, repacked.byteLength) as unknown as ExcelJS.Buffer);
  } catch {
    throw fileError('staff.import.unreadable');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw fileError('staff.import.unreadable');
  return sheet;
}

const cellText = (sheet: ExcelJS.Worksheet, row: number, col: number) => sheet.getRow(row).getCell(col).text.normalize('NFC').replace(/\s+/g, ' ').trim();

function readRows(sheet: ExcelJS.Worksheet): { row: number; cells: Record<ImportField, string> }[] {
  const columnOf = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, col) => columnOf.set(foldForSearch(cell.text.normalize('NFC')), col));
  const columns = IMPORT_COLUMNS.map((c) => ({ field: c.field, col: columnOf.get(foldForSearch(c.header)), required: c.required }));
  if (columns.some((c) => c.required && !c.col)) throw fileError('staff.import.badHeader');

  const rows: { row: number; cells: Record<ImportField, string> }[] = [];
  // Only the rows the sheet has: a single cell in row 1,048,576 must not make a million empty rows.
  sheet.eachRow({ includeEmpty: false }, (_row, r) => {
    if (r < 2) return;
    const cells = Object.fromEntries(columns.map((c) => [c.field, c.col ? cellText(sheet, r, c.col) : ''])) as Record<ImportField, string>;
    if (Object.values(cells).every((v) => v === '')) return;
    rows.push({ row: r, cells });
    if (rows.length > IMPORT_MAX_ROWS) throw fileError('staff.import.tooManyRows', 413);
  });
  if (!rows.length) throw fileError('staff.import.noRows');
  return rows;
}

/** Each document is one atomic insert; unordered, so one failure does not stop the rest. Returns index → error code. */
async function insertEach(docs: Record<string, unknown>[]): Promise<Map<number, number | undefined>> {
  const failed = new Map<number, number | undefined>();
  if (!docs.length) return failed;
  try {
    await StaffModel.insertMany(docs, { ordered: false });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { index: number; code?: number; err?: { index: number; code?: number } }[] }).writeErrors;
    if (!writeErrors) throw err;
    for (const w of writeErrors) failed.set(w.index ?? w.err?.index ?? -1, w.code ?? w.err?.code);
  }
  return failed;
}

function commonPrefix(paths: Types.ObjectId[][]): Types.ObjectId[] {
  const [first = [], ...rest] = paths;
  let n = first.length;
  for (const p of rest) {
    let i = 0;
    while (i < n && i < p.length && String(p[i]) === String(first[i])) i++;
    n = i;
  }
  return first.slice(0, n);
}

/** A blank workbook with the expected header row and a guide sheet listing the accepted values. */
export async function importTemplate(t: TFunction): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Danh sách');
  sheet.columns = IMPORT_COLUMNS.map((c) => ({ header: c.header, key: c.field, width: Math.max(14, c.header.length + 6) }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];

  const guide = workbook.addWorksheet(t('staff.import.guideSheet'));
  guide.columns = [
    { header: t('staff.import.guideColumn'), width: 24 },
    { header: t('staff.import.guideValues'), width: 90 },
  ];
  guide.getRow(1).font = { bold: true };
  const labels = (group: string, values: readonly string[]) => values.map((v) => t(`staff.${group}.${v}`)).join('; ');
  guide.addRows([
    ['Mã đơn vị', t('staff.import.guideUnitCode')],
    ['Năm sinh', `${t('staff.import.guideBirthYear')} (${MIN_BIRTH_YEAR}–)`],
    ['Giới tính', labels('genders', GENDERS)],
    ['Loại', labels('categories', STAFF_CATEGORIES)],
    ['Trình độ chuyên môn', labels('educationLevels', EDUCATION_LEVELS)],
    ['Lý luận chính trị', labels('politicalTheoryLevels', POLITICAL_THEORY_LEVELS)],
    ['Giáo dục phổ thông', `${labels('generalEducationLevels', GENERAL_EDUCATION_LEVELS)} (${t('staff.import.guideOptional')})`],
    ['Mã cán bộ', t('staff.import.guideOptional')],
  ]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
