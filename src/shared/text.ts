const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

export function splitName(fullName: string): { family: string; middle: string; given: string } {
  const parts = fullName.trim().split(/\s+/);
  const given = parts.pop() ?? '';
  const family = parts.shift() ?? '';
  return { family, middle: parts.join(' '), given };
}

/** Vietnamese lists sort by given name, then family name, then middle name. */
export function compareVietnameseNames(a: string, b: string): number {
  const x = splitName(a);
  const y = splitName(b);
  return collator.compare(x.given, y.given) || collator.compare(x.family, y.family) || collator.compare(x.middle, y.middle);
}

export function compareVietnamese(a: string, b: string): number {
  return collator.compare(a, b);
}

/** The text as a literal inside a regular expression. */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lower case, diacritics removed, đ → d: what search matches against. */
export function foldForSearch(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

// Sort keys compare byte-wise in the database, so each letter maps to a fixed-width rank that
// follows the Vietnamese alphabet (a ă â b c d đ e ê …, tones after the base letter).
const ALPHABET = 'aăâbcdđeêfghiklmnoôơpqrstuưvwxyz';
const TONES = ['', '\u0300', '\u0309', '\u0303', '\u0301', '\u0323']; // none, huyền, hỏi, ngã, sắc, nặng

function letterRank(ch: string): string {
  const decomposed = ch.normalize('NFD');
  const toneMark = [...decomposed].find((c) => TONES.includes(c) && c !== '') ?? '';
  const base = [...decomposed].filter((c) => !TONES.includes(c) || c === '').join('').normalize('NFC');
  const index = ALPHABET.indexOf(base);
  if (index < 0) return base.replace(/[^0-9a-z]/g, '') ? `~${base}` : '';
  return String.fromCharCode(0x41 + index) + TONES.indexOf(toneMark);
}

export function vietnameseSortKey(fullName: string): string {
  const { family, middle, given } = splitName(fullName);
  const word = (w: string) => [...w.toLowerCase()].map(letterRank).join('');
  return [given, family, middle].map(word).join(' ');
}

/** Orders two sort keys (vietnameseSortKey) as the database does: code unit by code unit, never by locale. */
const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * Numbers as the locale writes them, with one formatter per locale kept for the process: `toLocaleString` builds a
 * formatter on every call (~14 µs), which a province table of several hundred cells pays on every view.
 */
export function numberFormatter(locale: string): (n: number) => string {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale)));
  return (n) => format.format(n);
}

/** The locale of numbers and dates for a page language. */
export const localeOf = (lang: string) => (lang === 'vi' ? 'vi-VN' : 'en-GB');

export function compareSortKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
