import { fileTypeFromBuffer } from 'file-type';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, PDFStream, type PDFObject } from 'pdf-lib';
import sharp from 'sharp';
import { ValidationFailed } from '../shared/errors.js';

/**
 * Evidence files (photos and documents attached to a case): what is accepted, and how each file is made safe to keep
 * before anything is stored. No database and no HTTP here, so any intake (the public form, a reporter's message, a
 * colleague's report, a handler entering a report) uses the same rules.
 */

/** The kinds of file a case takes, by the type read from their content (never from their name). */
export const EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];
export const EXTENSION_OF: Readonly<Record<EvidenceType, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' };
export const isImage = (type: string) => type === 'image/jpeg' || type === 'image/png';

const MiB = 1024 * 1024;
export const EVIDENCE_LIMITS = {
  /** One file as sent. */
  fileBytes: 5 * MiB,
  /** Files sent with one report or message. */
  filesPerPost: 3,
  /** All the files of one report or message together. */
  postBytes: 10 * MiB,
  /** Files one case may hold, all intakes together. */
  filesPerCase: 20,
  /** One file as stored, after re-encoding (a re-encoded PNG may grow a little); well under a 16 MB document. */
  storedFileBytes: 8 * MiB,
  /** Photos larger than this on their long side are scaled down (a phone's 12–50 MP photo stays readable). */
  imageMaxSide: 4096,
  /** Decoding stops above this many pixels: a small file that would unpack into gigabytes is refused. */
  imageMaxPixels: 60_000_000,
} as const;

/** A file as received: its bytes, and the type its content shows (checked, not yet cleaned). */
export interface ReceivedEvidence {
  bytes: Buffer;
  type: EvidenceType;
}

/** A file ready to store: re-encoded, with no metadata left. */
export interface CleanEvidence {
  bytes: Buffer;
  type: EvidenceType;
}

/** Why a set of files was refused: a message for the form's file field, and the answer's status. */
export type EvidenceProblem = 'tooBig' | 'tooBigTogether' | 'tooMany' | 'wrongType' | 'unreadable' | 'caseFull';
const STATUS: Record<EvidenceProblem, number> = { tooBig: 413, tooBigTogether: 413, tooMany: 422, wrongType: 415, unreadable: 422, caseFull: 422 };

/** The form's file field. */
export const EVIDENCE_FIELD = 'evidence';

export function evidenceRefused(problem: EvidenceProblem): ValidationFailed {
  return new ValidationFailed({ [EVIDENCE_FIELD]: `reports.evidence.errors.${problem}` }, 'errors.validation', STATUS[problem]);
}

/**
 * Checks a set of files as sent: their number, sizes and types by content (a PDF named .jpg is a PDF; a text file
 * named .png is refused). Throws the refusal for the form, or returns each file with its type.
 */
export async function receivedEvidence(files: readonly Buffer[]): Promise<ReceivedEvidence[]> {
  if (files.length > EVIDENCE_LIMITS.filesPerPost) throw evidenceRefused('tooMany');
  if (files.some((f) => f.length > EVIDENCE_LIMITS.fileBytes)) throw evidenceRefused('tooBig');
  if (files.reduce((sum, f) => sum + f.length, 0) > EVIDENCE_LIMITS.postBytes) throw evidenceRefused('tooBigTogether');
  const received: ReceivedEvidence[] = [];
  for (const bytes of files) {
    const sniffed = bytes.length ? await fileTypeFromBuffer(bytes) : undefined;
    const type = EVIDENCE_TYPES.find((t) => t === sniffed?.mime);
    if (!type) throw evidenceRefused('wrongType');
    received.push({ bytes, type });
  }
  return received;
}

/**
 * Makes each file safe to keep. Photos are decoded and encoded again in their own format, turned upright first, and
 * written with no metadata at all (sharp keeps none unless asked): no EXIF (GPS position, time, phone make and serial),
 * no XMP, IPTC or ICC profile, no PNG text chunks. PDFs lose their Info dictionary (author, creator, producer,
 * dates), every XMP metadata stream, their file identifier, document-level scripts and automatic actions, embedded
 * files, and every object no page reaches (earlier revisions kept by incremental saves); the pages themselves,
 * and so anything written on them, are kept as they are. A file that cannot be read that way is refused.
 */
export async function cleanEvidence(files: readonly ReceivedEvidence[]): Promise<CleanEvidence[]> {
  const clean: CleanEvidence[] = [];
  for (const file of files) {
    const bytes = isImage(file.type) ? await reencodeImage(file) : await cleanPdf(file.bytes);
    if (bytes.length > EVIDENCE_LIMITS.storedFileBytes) throw evidenceRefused('tooBig');
    clean.push({ bytes, type: file.type });
  }
  return clean;
}

async function reencodeImage(file: ReceivedEvidence): Promise<Buffer> {
  try {
    const image = sharp(file.bytes, { limitInputPixels: EVIDENCE_LIMITS.imageMaxPixels, failOn: 'error' })
      .autoOrient()
      .resize({ width: EVIDENCE_LIMITS.imageMaxSide, height: EVIDENCE_LIMITS.imageMaxSide, fit: 'inside', withoutEnlargement: true });
    const { format } = await sharp(file.bytes, { limitInputPixels: EVIDENCE_LIMITS.imageMaxPixels }).metadata();
    if (format !== (file.type === 'image/png' ? 'png' : 'jpeg')) throw new Error(`content is ${format}`);
    return file.type === 'image/png' ? await image.png().toBuffer() : await image.jpeg({ quality: 85 }).toBuffer();
  } catch {
    throw evidenceRefused('unreadable');
  }
}

const name = (n: string) => PDFName.of(n);

async function cleanPdf(bytes: Buffer): Promise<Buffer> {
  let doc: PDFDocument;
  try {
    // updateMetadata: false — pdf-lib would otherwise write its own producer and dates into a new Info dictionary.
    doc = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: true });
    if (doc.getPageCount() === 0) throw new Error('no pages');
  } catch {
    // Encrypted (password-protected) PDFs land here too: they cannot be cleaned.
    throw evidenceRefused('unreadable');
  }
  const context = doc.context;
  context.trailerInfo.Info = undefined;
  context.trailerInfo.ID = undefined;
  const catalog = doc.catalog;
  for (const key of ['OpenAction', 'AA', 'Metadata', 'PieceInfo']) catalog.delete(name(key));
  const names = catalog.lookupMaybe(name('Names'), PDFDict);
  for (const key of ['JavaScript', 'EmbeddedFiles']) names?.delete(name(key));
  // XMP may also hang on pages, images and fonts.
  for (const [, object] of context.enumerateIndirectObjects()) {
    const dict = object instanceof PDFStream ? object.dict : object instanceof PDFDict ? object : null;
    dict?.delete(name('Metadata'));
    dict?.delete(name('PieceInfo'));
  }
  // Keep only what the document still reaches from its catalogue: the old Info dictionaries, XMP streams and
  // objects of earlier revisions go.
  const reached = new Set<string>();
  // A stack, not recursion: an outline's items are a chain of thousands of /Next links in a long document.
  const stack: (PDFObject | undefined)[] = [context.trailerInfo.Root];
  while (stack.length) {
    const object = stack.pop();
    if (object instanceof PDFRef) {
      const key = object.toString();
      if (reached.has(key)) continue;
      reached.add(key);
      stack.push(context.lookup(object));
    } else if (object instanceof PDFDict) {
      for (const [, value] of object.entries()) stack.push(value);
    } else if (object instanceof PDFStream) {
      stack.push(object.dict);
    } else if (object instanceof PDFArray) {
      for (const value of object.asArray()) stack.push(value);
    }
  }
  for (const [ref] of context.enumerateIndirectObjects()) if (!reached.has(ref.toString())) context.delete(ref);
  try {
    return Buffer.from(await doc.save({ useObjectStreams: false, updateFieldAppearances: false }));
  } catch {
    throw evidenceRefused('unreadable');
  }
}
