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
  for (const texts of rememberedTexts.values()) texts.clear();
}

/**
 * Texts remembered per language, by key and the values put into them: a large page asks for hundreds (labels, and rows
 * such as an inbox's early warnings that read the same on every view), and i18next resolves and interpolates each again
 * on every call (about 40 µs with values).
 */
const rememberedTexts = new Map<string, Map<string, string>>();
const MAX_REMEMBERED_TEXTS = 20_000;

export function translator(lang: Language): TFunction {
  const t = instance.getFixedT(lang) as unknown as (...args: unknown[]) => unknown;
  const texts = rememberedTexts.get(lang) ?? rememberedTexts.set(lang, new Map()).get(lang)!;
  const remembering = (...args: unknown[]) => {
    const id = args.length === 1 && typeof args[0] === 'string' ? args[0] : textId(args);
    if (id === null) return t(...args);
    let text = texts.get(id);
    if (text === undefined) {
      const made = t(...args);
      if (typeof made !== 'string') return made;
      // Values come from stored data (names): the list is bounded all the same.
      if (texts.size >= MAX_REMEMBERED_TEXTS) texts.clear();
      texts.set(id, (text = made));
    }
    return text;
  };
  return Object.assign(remembering, t) as unknown as TFunction;
}

/** For a text that carries a secret (a tracking code in an e-mail): made each time, never kept in the process's memory. */
export function translatorNotRemembering(lang: Language): TFunction {
  return instance.getFixedT(lang);
}

/** What a text is remembered by: its key, and its values when they are plain strings, numbers or booleans; else null. */
function textId([key, options, ...more]: unknown[]): string | null {
  if (typeof key !== 'string' || more.length > 0) return null;
  if (options === undefined) return key;
  if (typeof options !== 'object' || options === null || Object.getPrototypeOf(options) !== Object.prototype) return null;
  for (const value of Object.values(options)) if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return null;
  return `${key}\u0000${JSON.stringify(options)}`;
}

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}
