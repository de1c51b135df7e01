import i18next, { type TFunction } from 'i18next';
import { commonMessages } from './messages.js';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export type Catalogue = { vi: Record<string, unknown>; en: Record<string, unknown> };

/** The English texts have exactly the Vietnamese keys: a missing or extra key fails the type check. */
type SameKeys<T> = { [K in keyof T]: T[K] extends string ? string : SameKeys<T[K]> };

/** A feature's message catalogue, Vietnamese first. */
export function catalogue<V extends Record<string, unknown>>(texts: { vi: V; en: NoInfer<SameKeys<V>> }): { vi: V; en: SameKeys<V> } {
  return texts;
}

const registered: Catalogue[] = [commonMessages];

/** Every registered catalogue merged; each owns its top-level keys, and a clash would silently drop texts. */
export function mergedResources(): { vi: Record<string, unknown>; en: Record<string, unknown> } {
  const vi: Record<string, unknown> = {};
  const en: Record<string, unknown> = {};
  for (const c of registered) {
    for (const key of Object.keys(c.vi)) if (key in vi) throw new Error(`i18n: "${key}" is defined by two catalogues`);
    Object.assign(vi, c.vi);
    Object.assign(en, c.en);
  }
  return { vi, en };
}

const instance = i18next.createInstance();
// Resources are inline and initAsync is off, so init completes synchronously (no top-level await).
void instance.init({
  lng: 'vi',
  fallbackLng: 'vi',
  supportedLngs: [...LANGUAGES],
  // Copies: i18next merges later bundles into the objects it was given.
  resources: { vi: { translation: structuredClone(commonMessages.vi) }, en: { translation: structuredClone(commonMessages.en) } },
  interpolation: { escapeValue: false }, // EJS escapes on output
  returnNull: false,
  initAsync: false,
} as Parameters<typeof instance.init>[0]);

/** Adds the features' catalogues (the app registers them at start; registering one twice does nothing). */
export function registerCatalogues(catalogues: readonly Catalogue[]): void {
  const fresh = catalogues.filter((c) => !registered.includes(c));
  if (fresh.length === 0) return;
  registered.push(...fresh);
  const { vi, en } = mergedResources();
  instance.addResourceBundle('vi', 'translation', structuredClone(vi), true, true);
  instance.addResourceBundle('en', 'translation', structuredClone(en), true, true);
  for (const texts of plainTexts.values()) texts.clear();
}

/**
 * Texts asked for without options (labels, headings: most of a page's calls), remembered per language: a large page
 * asks for hundreds, and i18next resolves each key again on every call.
 */
const plainTexts = new Map<string, Map<string, string>>();
const MAX_PLAIN_TEXTS = 10_000;

export function translator(lang: Language): TFunction {
  const t = instance.getFixedT(lang);
  const texts = plainTexts.get(lang) ?? plainTexts.set(lang, new Map()).get(lang)!;
  const remembering = (key: unknown, ...rest: unknown[]) => {
    if (rest.length > 0 || typeof key !== 'string') return (t as unknown as (...args: unknown[]) => unknown)(key, ...rest);
    let text = texts.get(key);
    if (text === undefined) {
      // Keys can be built from stored values (a field's label): the list is bounded all the same.
      if (texts.size >= MAX_PLAIN_TEXTS) texts.clear();
      texts.set(key, (text = t(key)));
    }
    return text;
  };
  return Object.assign(remembering, t) as unknown as TFunction;
}

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}
