import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';

/**
 * What an apology letter (thư xin lỗi) or a late-dossier slip (phiếu xin lỗi) says. The optional
 * fields have defaults that suit a commune's letter; a slip sets its own title and signer authority.
 */
export type ApologyLetterData = {
  issuingUnitName: string;
  parentUnitName?: string;
  documentNumber: string;
  placeName: string;
  date: Date;
  recipientName: string;
  recipientAddress?: string;
  subject: string;
  bodyParagraphs: string[];
  signerTitle: string;
  signerName: string;
  /** The document type line, upper-cased on output. Default: "Thư xin lỗi". */
  documentTitle?: string;
  /** Above the signer's title, e.g. "TM. ỦY BAN NHÂN DÂN". Default: "TM. ỦY BAN NHÂN DÂN"; '' for none. */
  signerAuthority?: string;
  /** "Nơi nhận:" lines. Default: the recipient, then the archive ("Lưu: VT."). */
  copyTo?: string[];
};

export const DEFAULT_DOCUMENT_TITLE = 'Thư xin lỗi';
export const DEFAULT_SIGNER_AUTHORITY = 'TM. ỦY BAN NHÂN DÂN';
export const NATIONAL_TITLE = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const NATIONAL_MOTTO = 'Độc lập - Tự do - Hạnh phúc';

/** Rendered through express-ejs-layouts: res.render(LETTER_VIEW, { layout: PRINT_LAYOUT, letter: letterViewModel(data) }). */
export const LETTER_VIEW = 'letters/apology';
export const PRINT_LAYOUT = 'letters/print-layout';

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * "Thanh Nưa, ngày 05 tháng 02 năm 2026": Decree 30/2020 writes a zero before days under 10 and
 * before months 1 and 2 only (so "tháng 3", but "tháng 02"). Dates are calendar days stored as UTC midnight.
 */
export function formatAdministrativeDate(place: string, date: Date): string {
  const day = date.getUTCDate();
  const month = date.getUTCMonth() + 1;
  const monthText = month <= 2 ? pad2(month) : String(month);
  return `${place}, ngày ${pad2(day)} tháng ${monthText} năm ${date.getUTCFullYear()}`;
}

/** "Xã Thanh Nưa" → "Thanh Nưa": the place name (địa danh) of a commune-level unit. */
export function placeNameOf(unitName: string): string {
  return unitName.replace(/^(xã|phường|thị trấn|tỉnh|thành phố|huyện|quận|thị xã)\s+/iu, '').trim();
}

const upper = (s: string) => s.toLocaleUpperCase('vi');
const lowerFirst = (s: string) => s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);

/** The name a unit signs documents with: a commune or province acts as its People's Committee. */
export function issuingAuthorityName(unit: { name: string; kind: string }): string {
  return ['province', 'commune', 'ward', 'township', 'district'].includes(unit.kind) ? `Ủy ban nhân dân ${lowerFirst(unit.name)}` : unit.name;
}

function copyToLines(data: ApologyLetterData): string[] {
  if (data.copyTo?.length) return data.copyTo;
  return [`${data.recipientName};`, 'Lưu: VT.'];
}

/** Everything the printable page shows, already shaped (upper-casing, date line, defaults). */
export function letterViewModel(data: ApologyLetterData) {
  return {
    parentUnit: data.parentUnitName ? upper(data.parentUnitName) : '',
    issuingUnit: upper(data.issuingUnitName),
    numberLine: `Số: ${data.documentNumber}`,
    nationalTitle: NATIONAL_TITLE,
    nationalMotto: NATIONAL_MOTTO,
    dateLine: formatAdministrativeDate(data.placeName, data.date),
    title: upper(data.documentTitle ?? DEFAULT_DOCUMENT_TITLE),
    subject: data.subject,
    recipientLine: `Kính gửi: ${data.recipientName}`,
    recipientAddress: data.recipientAddress ?? '',
    bodyParagraphs: data.bodyParagraphs,
    signerAuthority: upper(data.signerAuthority ?? DEFAULT_SIGNER_AUTHORITY),
    signerTitle: upper(data.signerTitle),
    signerName: data.signerName,
    copyTo: copyToLines(data),
  };
}

// ---------- .docx ----------

const FONT = 'Times New Roman';
/** Millimetres to twips, rounded (docx's own helper truncates: A4 would come out a twip short). */
const mm = (n: number) => Math.round((n * 1440) / 25.4);
/** docx sizes are half-points. */
const pt = (n: number) => n * 2;
const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER, insideHorizontal: NO_BORDER, insideVertical: NO_BORDER };
// A4 less the margins below (210 − 30 − 15 mm), in twips, shared by the two-column tables.
const TEXT_WIDTH = mm(165);
const LEFT_COL = Math.round(TEXT_WIDTH * 0.42);
const RIGHT_COL = TEXT_WIDTH - LEFT_COL;

function line(text: string, opts: { size: number; bold?: boolean; italics?: boolean; underline?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; after?: number; before?: number }) {
  return new Paragraph({
    alignment: opts.align ?? AlignmentType.CENTER,
    spacing: { after: opts.after ?? 0, before: opts.before ?? 0 },
    children: [new TextRun({ text, font: FONT, size: pt(opts.size), bold: opts.bold, italics: opts.italics, underline: opts.underline ? {} : undefined })],
  });
}

/** The short rule under the issuing unit's name (Decree 30, Appendix I: a line a third to a half as long). */
const rule = (chars: number) => line('─'.repeat(chars), { size: 8 });

function cell(width: number, children: Paragraph[]) {
  return new TableCell({ width: { size: width, type: WidthType.DXA }, borders: NO_BORDERS, children });
}

function twoColumns(left: Paragraph[], right: Paragraph[]) {
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [LEFT_COL, RIGHT_COL],
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [new TableRow({ children: [cell(LEFT_COL, left), cell(RIGHT_COL, right)] })],
  });
}

function heading(v: ReturnType<typeof letterViewModel>) {
  const left = [
    ...(v.parentUnit ? [line(v.parentUnit, { size: 13 })] : []),
    line(v.issuingUnit, { size: 13, bold: true }),
    rule(12),
    line(v.numberLine, { size: 13, before: 80 }),
  ];
  const right = [
    line(v.nationalTitle, { size: 13, bold: true }),
    line(v.nationalMotto, { size: 14, bold: true, underline: true }),
    line(v.dateLine, { size: 14, italics: true, before: 240 }),
  ];
  return twoColumns(left, right);
}

function signature(v: ReturnType<typeof letterViewModel>) {
  const left = [
    new Paragraph({ children: [new TextRun({ text: 'Nơi nhận:', font: FONT, size: pt(12), bold: true, italics: true })] }),
    ...v.copyTo.map((c) => line(`- ${c}`, { size: 11, align: AlignmentType.LEFT })),
  ];
  const right = [
    ...(v.signerAuthority ? [line(v.signerAuthority, { size: 14, bold: true })] : []),
    line(v.signerTitle, { size: 14, bold: true }),
    // Room for the signature and the seal.
    line('', { size: 14, after: 1400 }),
    line(v.signerName, { size: 14, bold: true }),
  ];
  return twoColumns(left, right);
}

function body(v: ReturnType<typeof letterViewModel>) {
  const paragraph = (text: string) =>
    new Paragraph({
      alignment: AlignmentType.JUSTIFIED,
      indent: { firstLine: mm(10) },
      spacing: { after: 120, line: 312 },
      children: [new TextRun({ text, font: FONT, size: pt(14) })],
    });
  return [
    line(v.title, { size: 14, bold: true, before: 240 }),
    line(v.subject, { size: 14, bold: true, after: 240 }),
    line(v.recipientLine, { size: 14, after: v.recipientAddress ? 0 : 240 }),
    ...(v.recipientAddress ? [line(v.recipientAddress, { size: 14, after: 240 })] : []),
    ...v.bodyParagraphs.map(paragraph),
  ];
}

/** The letter as a Word document in the Decree 30/2020/NĐ-CP layout (A4, Times New Roman, page numbers from page 2). */
export async function apologyLetterDocx(data: ApologyLetterData): Promise<Buffer> {
  const v = letterViewModel(data);
  const pageNumber = new Header({
    children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: pt(13) })] })],
  });
  const doc = new Document({
    creator: v.issuingUnit,
    title: `${v.title} ${v.numberLine}`,
    styles: { default: { document: { run: { font: FONT, size: pt(14) } } } },
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: { width: mm(210), height: mm(297) },
            margin: {
              top: mm(20),
              bottom: mm(20),
              left: mm(30),
              right: mm(15),
            },
          },
        },
        // The first page has an empty header: numbering starts on page 2.
        headers: { default: pageNumber, first: new Header({ children: [] }) },
        children: [
          heading(v),
          ...body(v),
          line('', { size: 14, after: 120 }),
          signature(v),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
