import { foldForSearch } from '../shared/text.js';
import { ReporterIdentityModel, type IncidentReport } from './model.js';

/**
 * Whether the reporter may read the apology letter of their case: only once it was sent, and only when it was
 * written to them. A named report's letter must name its reporter (the handler may have written to someone else,
 * e.g. the holder of the dossier). An anonymous reporter is unknown to the unit, so any letter naming a person or
 * an address was written to someone else; they read it only when it is addressed to no one in particular
 * ("Ông/Bà", "Người dân đã phản ánh số PA-…").
 */
export type ReporterLetter = 'NONE' | 'READABLE' | 'NOT_ADDRESSED';

export async function reporterLetter(report: IncidentReport): Promise<ReporterLetter> {
  const letter = report.letter;
  if (!report.letterSentAt || !letter?.documentNumber || !report.remedies.some((r) => r.kind === 'APOLOGY')) return 'NONE';
  if (report.anonymous) return !letter.recipientAddress && namesNoOne(letter.recipientName, report.caseNumber) ? 'READABLE' : 'NOT_ADDRESSED';
  const identity = await ReporterIdentityModel.findOne({ reportId: report._id }).select('name').lean();
  const name = foldForSearch(identity?.name ?? '');
  return name && foldForSearch(letter.recipientName).includes(name) ? 'READABLE' : 'NOT_ADDRESSED';
}

/** Words of a salutation that name nobody (with diacritics: "Ánh" or "Bình" alone would be names). */
const GENERIC_WORDS = new Set(
  ['ông', 'bà', 'anh', 'chị', 'người', 'dân', 'công', 'phản', 'ánh', 'gửi', 'đã', 'số', 'kính', 'quý', 'vị', 'các', 'bạn', 'tổ', 'chức', 'cá', 'nhân', 'và', 'về'].map((w) => w.normalize('NFC')),
);

function namesNoOne(recipient: string, caseNumber: string): boolean {
  const words = recipient
    .normalize('NFC')
    .toLowerCase()
    .replace(caseNumber.toLowerCase(), ' ')
    .split(/[\s,.;:()/–-]+/)
    .filter((w) => w && !/^\d+$/.test(w));
  return words.every((w) => GENERIC_WORDS.has(w));
}
