/** How a document addresses its recipient: chosen by the handler, one word, capitalised as Vietnamese letters write it. */
export const SALUTATIONS = ['Ông', 'Bà'] as const;
export type Salutation = (typeof SALUTATIONS)[number];

/** The national forms (and our first drafts) write "Ông/Bà" where the salutation goes; "Ông (Bà)" is its older spelling. */
const SALUTATION_PLACEHOLDER = /Ông\s*\/\s*Bà|Ông\s*\(\s*Bà\s*\)/gu;
const LEADING_SALUTATION = /^(?:Ông\s*\/\s*Bà|Ông\s*\(\s*Bà\s*\)|Ông|Bà)\s+/u;
/** Records made before the salutation was asked keep a neutral word that reads well in every sentence. */
const NEUTRAL = 'công dân';

const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);

/** The salutation to use: the one chosen, else the one a handler typed before the name ("Ông Lường Văn Tâm"). */
export function salutationOf(chosen: string | null | undefined, recipientName: string): Salutation | '' {
  if ((SALUTATIONS as readonly string[]).includes(chosen ?? '')) return chosen as Salutation;
  const typed = /^(Ông|Bà)\s/u.exec(recipientName.trim());
  return typed ? (typed[1] as Salutation) : '';
}

/** "Ông Lường Văn Tâm", or "Công dân Lường Văn Tâm" when no salutation is known: never "Ông/Bà …". */
export function addressee(salutation: Salutation | '', recipientName: string): string {
  const name = recipientName.trim().replace(LEADING_SALUTATION, '');
  return `${salutation || capitalise(NEUTRAL)} ${name}`;
}

/** Every "Ông/Bà" of a text replaced by the salutation (the neutral word, capitalised where a sentence starts). */
export function addressed(text: string, salutation: Salutation | ''): string {
  return text.replace(SALUTATION_PLACEHOLDER, (_match, offset: number) => {
    if (salutation) return salutation;
    const before = text.slice(0, offset).trimEnd();
    return before === '' || /[.!?:]$/u.test(before) ? capitalise(NEUTRAL) : NEUTRAL;
  });
}

/** Vietnamese quotation marks: each straight double quote becomes “ where a quotation opens and ” where it closes. */
export function curlyQuotes(text: string): string {
  return text.replace(/"/g, (_q, offset: number) => (offset === 0 || /[\s([{—–-]/u.test(text.charAt(offset - 1)) ? '“' : '”'));
}

/** Decree 30/2020 closes a document's text with "./.": the last paragraph's own full stop (or ;) gives way to it. */
export function withEndMark(paragraphs: string[]): string[] {
  if (!paragraphs.length) return paragraphs;
  const last = paragraphs[paragraphs.length - 1]!.trimEnd();
  const closed = last.endsWith('./.') ? last : `${last.replace(/[.;,:]+$/u, '')}./.`;
  return [...paragraphs.slice(0, -1), closed];
}
