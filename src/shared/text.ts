const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

export function splitName(fullName: string): { family: string; middle: string; given: string } {
  const parts = fullName.trim().split(/\s+/);
  const given = parts.pop() ?? '';
  const family = parts.shift() ?? '';
  return { family, middle: parts.join(' '), given };
}

/** Vietnamese lists sort by given name, then family name, then middle name. */
export function compareVietnameseNames(a: string, b: string): number {
  return compareSplitNames(splitName(a), splitName(b));
}

/** The order of compareVietnameseNames over items, each name split once however often a sort compares it. */
export function vietnameseNameOrder<T extends object>(nameOf: (item: T) => string): (a: T, b: T) => number {
  const split = new WeakMap<T, ReturnType<typeof splitName>>();
  const partsOf = (item: T) => split.get(item) ?? split.set(item, splitName(nameOf(item))).get(item)!;
  return (a, b) => compareSplitNames(partsOf(a), partsOf(b));
}

function compareSplitNames(x: ReturnType<typeof splitName>, y: ReturnType<typeof splitName>): number {
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

/*
 * Sort keys compare code unit by code unit in the database and must order names as compareVietnameseNames does
 * (Intl.Collator 'vi': given name, family name, middle name; letters of the Vietnamese alphabet plus f j w z, each
 * with its own rank; tones only where everything else is equal). So a key holds first the letters of the three
 * parts without tones — one rank character per letter, parts apart by a space (a middle name keeps its own spaces) —
 * then, after a separator lower than any of them, the tones letter by letter: "Hà" comes before "Hai", which a key of
 * letters each followed by its tone put the other way round.
 */
const ALPHABET = 'aăâbcdđeêfghijklmnoôơpqrstuưvwxyz';
const TONES = ['\u0300', '\u0309', '\u0303', '\u0301', '\u0323']; // huyền, hỏi, ngã, sắc, nặng (none: 0)
const TONE_PART = '\u0001';

function letterOf(ch: string): { rank: string; tone: number } {
  const marks = [...ch.normalize('NFD')];
  const toneMark = marks.find((c) => TONES.includes(c));
  const base = marks.filter((c) => !TONES.includes(c)).join('').normalize('NFC');
  const tone = toneMark ? TONES.indexOf(toneMark) + 1 : 0;
  const index = ALPHABET.indexOf(base);
  if (index >= 0) return { rank: String.fromCharCode(0x41 + index), tone };
  if (/^[0-9]$/.test(base)) return { rank: base, tone };
  // Punctuation is left out; a letter from outside the alphabet sorts after every letter of it.
  return { rank: /^\p{L}/u.test(base) ? `~${base}` : '', tone };
}

export function vietnameseSortKey(fullName: string): string {
  const { family, middle, given } = splitName(fullName.normalize('NFC'));
  const parts = [given, family, middle].map((w) => [...w.toLowerCase()].map((ch) => (ch === ' ' ? { rank: ' ', tone: -1 } : letterOf(ch))));
  const letters = parts.map((p) => p.map((l) => l.rank).join(''));
  const tones = parts.map((p) => p.filter((l) => l.tone >= 0 && l.rank).map((l) => l.tone).join(''));
  return `${letters.join(' ')}${TONE_PART}${tones.join(' ')}`;
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

const percentFormats = new Map<string, Intl.NumberFormat>();
/** A share (0–1) as a percentage with at most one decimal, as the dashboard shows it ("26,7 %" in Vietnamese). */
export function percentFormatter(locale: string): (share: number) => string {
  let format = percentFormats.get(locale);
  if (!format) percentFormats.set(locale, (format = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })));
  return (share) => format.format(share);
}

/** The locale of numbers and dates for a page language. */
export const localeOf = (lang: string) => (lang === 'vi' ? 'vi-VN' : 'en-GB');

export function compareSortKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
