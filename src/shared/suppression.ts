import { numberFormatter } from './text.js';

/** A count as shown: below the threshold (but not zero) it is hidden, so the people behind it cannot be identified. */
export type Shown = number | { below: number };

export function suppress(n: number, threshold: number): Shown {
  return n > 0 && n < threshold ? { below: threshold } : n;
}

/** How a shown count reads on a page: the number in the reader's locale, or "<n". */
export const shownText = (locale: string) => {
  const format = numberFormatter(locale);
  return (v: Shown) => (typeof v === 'number' ? format(v) : `<${v.below}`);
};
