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
import { headingLines, signatureLines, type IssuingBody } from './issuers.js';
import { addressed, addressee, curlyQuotes, withEndMark, type Salutation } from './wording.js';

/**
 * What an apology letter (thư xin lỗi) or a late-dossier slip (phiếu xin lỗi) says. Its texts may write "Ông/Bà"
 * where the salutation goes: the output puts the chosen one there (or a neutral word for records made before it
 * was asked), Vietnamese quotation marks, and the end mark "./.".
 */
export type ApologyLetterData = {
  issuer: IssuingBody;
  /** The managing body (cơ quan chủ quản), its proper name; not printed above a People's Committee. */
  parentName?: string;
  documentNumber: string;
  placeName: string;
  date: Date;
  salutation: Salutation | '';
  recipientName: string;
  recipientAddress?: string;
  bodyParagraphs: string[];
  /** One of signingTitles(issuer): the lines above the signature follow from it and the issuer. */
  signerTitle: string;
  signerName: string;
  /** The document type line, upper-cased on output. Default: "Thư xin lỗi". A titled document has no "V/v" line. */
  documentTitle?: string;
  /** After the recipient in "Nơi nhận", e.g. how the document reaches them: "(gửi qua tin nhắn SMS)". */
  recipientCopyNote?: string;
};

export const DEFAULT_DOCUMENT_TITLE = 'Thư xin lỗi';
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

const upper = (s: string) => s.toLocaleUpperCase('vi');

/** Everything the printable page and the .docx show, already shaped (upper-casing, salutation, date line, end mark). */
export function letterViewModel(data: ApologyLetterData) {
  const recipient = addressee(data.salutation, data.recipientName);
  const paragraphs = data.bodyParagraphs.map((p) => curlyQuotes(addressed(p, data.salutation)));
  return {
    // A People's Committee is the state body of its place: its documents name no managing body above it.
    parentLines: data.parentName && data.issuer.kind !== 'committee' ? headingLines(data.parentName) : [],
    issuerLines: headingLines(data.issuer.name),
    numberLine: `Số: ${data.documentNumber}`,
    nationalTitle: NATIONAL_TITLE,
    nationalMotto: NATIONAL_MOTTO,
    dateLine: formatAdministrativeDate(data.placeName, data.date),
    title: upper(data.documentTitle ?? DEFAULT_DOCUMENT_TITLE),
    recipientLine: `Kính gửi: ${recipient}`,
    recipientAddress: data.recipientAddress ?? '',
    bodyParagraphs: withEndMark(paragraphs),
    signatureLines: signatureLines(data.issuer, data.signerTitle),
    signerName: data.signerName,
    copyTo: [`${recipient}${data.recipientCopyNote ? ` ${data.recipientCopyNote}` : ''};`, 'Lưu: VT.'],
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
/**
 * The heading's columns. The national title, bold 13 pt, is about 96 mm of Times New Roman: its column leaves
 * 101 mm of text so it stays on one line in Word and LibreOffice alike; 2 mm each side of the split is the gutter.
 */
const HEADING_LEFT = mm(62);
const HEADING_RIGHT = TEXT_WIDTH - HEADING_LEFT;
const GUTTER_HALF = mm(2);
const SIGNATURE_LEFT = Math.round(TEXT_WIDTH * 0.45);
const SIGNATURE_RIGHT = TEXT_WIDTH - SIGNATURE_LEFT;

function line(text: string, opts: { size: number; bold?: boolean; italics?: boolean; underline?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; after?: number; before?: number }) {
  return new Paragraph({
    alignment: opts.align ?? AlignmentType.CENTER,
    spacing: { after: opts.after ?? 0, before: opts.before ?? 0 },
    children: [new TextRun({ text, font: FONT, size: pt(opts.size), bold: opts.bold, italics: opts.italics, underline: opts.underline ? {} : undefined })],
  });
}

/** The short rule under the issuing unit's name (Decree 30, Appendix I: a line a third to a half as long). */
const rule = (chars: number) => line('─'.repeat(chars), { size: 8 });

function cell(width: number, children: Paragraph[], margins: { left: number; right: number }) {
  return new TableCell({ width: { size: width, type: WidthType.DXA }, borders: NO_BORDERS, margins: { ...margins, top: 0, bottom: 0 }, children });
}

/** Two borderless columns filling the text width, a gutter between them and none on the outer edges. */
function twoColumns(widths: [number, number], left: Paragraph[], right: Paragraph[]) {
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [new TableRow({ children: [cell(widths[0], left, { left: 0, right: GUTTER_HALF }), cell(widths[1], right, { left: GUTTER_HALF, right: 0 })] })],
  });
}

type HeadingView = Pick<ReturnType<typeof letterViewModel>, 'parentLines' | 'issuerLines' | 'numberLine' | 'nationalTitle' | 'nationalMotto' | 'dateLine'>;
type SignatureView = Pick<ReturnType<typeof letterViewModel>, 'copyTo' | 'signatureLines' | 'signerName'>;

function heading(v: HeadingView) {
  const left = [
    ...v.parentLines.map((l) => line(l, { size: 13 })),
    ...v.issuerLines.map((l) => line(l, { size: 13, bold: true })),
    rule(12),
    line(v.numberLine, { size: 13, before: 80 }),
  ];
  const right = [
    line(v.nationalTitle, { size: 13, bold: true }),
    line(v.nationalMotto, { size: 14, bold: true, underline: true }),
    line(v.dateLine, { size: 14, italics: true, before: 240 }),
  ];
  return twoColumns([HEADING_LEFT, HEADING_RIGHT], left, right);
}

function signature(v: SignatureView) {
  const left = [
    new Paragraph({ children: [new TextRun({ text: 'Nơi nhận:', font: FONT, size: pt(12), bold: true, italics: true })] }),
    ...v.copyTo.map((c) => line(`- ${c}`, { size: 11, align: AlignmentType.LEFT })),
  ];
  const right = [
    ...v.signatureLines.map((l) => line(l, { size: 14, bold: true })),
    // Room for the signature and the seal.
    line('', { size: 14, after: 1400 }),
    line(v.signerName, { size: 14, bold: true }),
  ];
  return twoColumns([SIGNATURE_LEFT, SIGNATURE_RIGHT], left, right);
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
    line(v.title, { size: 14, bold: true, before: 360, after: 240 }),
    line(v.recipientLine, { size: 14, after: v.recipientAddress ? 0 : 240 }),
    ...(v.recipientAddress ? [line(v.recipientAddress, { size: 14, after: 240 })] : []),
    ...v.bodyParagraphs.map(paragraph),
  ];
}

const PAGE = {
  titlePage: true,
  page: { size: { width: mm(210), height: mm(297) }, margin: { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) } },
};

/** Page numbers at the top centre from page 2 (the first page's header is empty). */
function pageNumberHeaders() {
  const pageNumber = new Header({
    children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: pt(13) })] })],
  });
  return { default: pageNumber, first: new Header({ children: [] }) };
}

/**
 * A document in the Decree 30/2020/NĐ-CP layout (A4, Times New Roman 14, page numbers from page 2): the heading,
 * the content, then the signature block.
 */
function decree30Docx(v: HeadingView & SignatureView & { title: string }, content: (Paragraph | Table)[]): Promise<Buffer> {
  const doc = new Document({
    creator: v.issuerLines.join(' '),
    title: `${v.title} ${v.numberLine}`,
    styles: { default: { document: { run: { font: FONT, size: pt(14) } } } },
    sections: [
      {
        properties: PAGE,
        // The first page has an empty header: numbering starts on page 2.
        headers: pageNumberHeaders(),
        children: [heading(v), ...content, line('', { size: 14, after: 120 }), signature(v)],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** The letter as a Word document in the Decree 30/2020/NĐ-CP layout. */
export async function apologyLetterDocx(data: ApologyLetterData): Promise<Buffer> {
  const v = letterViewModel(data);
  return decree30Docx(v, body(v));
}

// ---------- a report (báo cáo) ----------

/** A piece of a report's text: a section heading, a paragraph, or a table of figures (first column left, others right). */
export type ReportBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'table'; header: string[]; rows: string[][]; widths?: number[]; /** Columns of words, aligned left (default: the first only; the others are figures, aligned right). */ textColumns?: number[] };

/** What a report in the Decree 30/2020 layout says: the letter's heading and signature around titled sections. */
export type OfficialReportData = {
  issuer: IssuingBody;
  /** The managing body, printed above the issuer unless the issuer is a People's Committee. */
  parentName?: string;
  documentNumber: string;
  placeName: string;
  date: Date;
  /** "Báo cáo", upper-cased on output. */
  documentType: string;
  /** The summary under it ("Kết quả thực hiện … năm 2026"), bold, on its own lines. */
  summary: string[];
  blocks: ReportBlock[];
  copyTo: string[];
  signerTitle: string;
  signerName: string;
};

/** The report's pages as the printed document reads them, shaped like a letter's (the same heading and signature). */
export function reportViewModel(data: OfficialReportData) {
  const lastParagraph = data.blocks.map((b) => b.kind).lastIndexOf('paragraph');
  const blocks = data.blocks.map((b, i): ReportBlock => (b.kind === 'paragraph' ? { kind: 'paragraph', text: curlyQuotes(i === lastParagraph ? withEndMark([b.text])[0]! : b.text) } : b));
  return {
    parentLines: data.parentName && data.issuer.kind !== 'committee' ? headingLines(data.parentName) : [],
    issuerLines: headingLines(data.issuer.name),
    numberLine: `Số: ${data.documentNumber}`,
    nationalTitle: NATIONAL_TITLE,
    nationalMotto: NATIONAL_MOTTO,
    dateLine: formatAdministrativeDate(data.placeName, data.date),
    title: upper(data.documentType),
    summary: data.summary,
    blocks,
    signatureLines: signatureLines(data.issuer, data.signerTitle),
    signerName: data.signerName,
    copyTo: data.copyTo,
  };
}

const thin = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const GRID = { top: thin, bottom: thin, left: thin, right: thin, insideHorizontal: thin, insideVertical: thin };

function figuresTable(block: Extract<ReportBlock, { kind: 'table' }>) {
  const n = block.header.length;
  const weights = block.widths && block.widths.length === n ? block.widths : [3, ...Array(n - 1).fill(1)];
  const sum = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => Math.floor((TEXT_WIDTH * w) / sum));
  const cellOf = (text: string, col: number, head: boolean) =>
    new TableCell({
      width: { size: widths[col]!, type: WidthType.DXA },
      margins: { left: mm(1), right: mm(1), top: 0, bottom: 0 },
      children: [
        new Paragraph({
          alignment: head ? AlignmentType.CENTER : (block.textColumns ?? [0]).includes(col) ? AlignmentType.LEFT : AlignmentType.RIGHT,
          children: [new TextRun({ text, font: FONT, size: pt(12), bold: head })],
        }),
      ],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: GRID,
    rows: [
      new TableRow({ tableHeader: true, children: block.header.map((h, i) => cellOf(h, i, true)) }),
      ...block.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cellOf(c, i, false)) })),
    ],
  });
}

/** A report (báo cáo) as a Word document in the Decree 30/2020/NĐ-CP layout: A4, Times New Roman, pages numbered from 2. */
export async function officialReportDocx(data: OfficialReportData): Promise<Buffer> {
  const v = reportViewModel(data);
  const paragraph = (text: string) =>
    new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: mm(10) }, spacing: { after: 120, line: 312 }, children: [new TextRun({ text, font: FONT, size: pt(14) })] });
  const sectionHeading = (text: string) =>
    new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: mm(10) }, spacing: { before: 120, after: 120 }, keepNext: true, children: [new TextRun({ text, font: FONT, size: pt(14), bold: true })] });
  const body = v.blocks.flatMap((b) => {
    if (b.kind === 'heading') return [sectionHeading(b.text)];
    if (b.kind === 'paragraph') return [paragraph(b.text)];
    return [figuresTable(b), line('', { size: 6, after: 120 })];
  });
  return decree30Docx(v, [
    line(v.title, { size: 14, bold: true, before: 360 }),
    ...v.summary.map((s) => line(s, { size: 14, bold: true, after: 0 })),
    rule(10),
    line('', { size: 8, after: 120 }),
    ...body,
  ]);
}
