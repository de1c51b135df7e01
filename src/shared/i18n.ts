import i18next, { type TFunction } from 'i18next';
import { commonMessages } from './messages.js';
import { authMessages } from '../auth/messages.js';
import { unitMessages } from '../units/messages.js';
import { staffMessages } from '../staff/messages.js';
import { codeMessages } from '../code/messages.js';
import { auditMessages } from '../audit/messages.js';
import { evaluationMessages } from '../evaluations/messages.js';
import { userMessages } from '../users/messages.js';
import { reportMessages } from '../reports/messages.js';
import { satisfactionMessages } from '../satisfaction/messages.js';
import { dossierMessages } from '../dossiers/messages.js';
import { holidayMessages } from '../holidays/messages.js';
import { exportMessages } from '../exports/messages.js';
import { dashboardMessages } from '../dashboard/messages.js';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export type Catalogue = { vi: Record<string, unknown>; en: Record<string, unknown> };

const catalogues: Catalogue[] = [commonMessages, authMessages, unitMessages, staffMessages, codeMessages, auditMessages, evaluationMessages, userMessages, reportMessages, satisfactionMessages, dossierMessages, holidayMessages, exportMessages, dashboardMessages];

export function mergedResources(): { vi: Record<string, unknown>; en: Record<string, unknown> } {
  const vi: Record<string, unknown> = {};
  const en: Record<string, unknown> = {};
  for (const c of catalogues) {
    // Each feature owns its top-level keys; a clash would silently drop texts.
    for (const key of Object.keys(c.vi)) if (key in vi) throw new Error(`i18n: "${key}" is defined by two catalogues`);
    Object.assign(vi, c.vi);
    Object.assign(en, c.en);
  }
  return { vi, en };
}

const instance = i18next.createInstance();
const resources = mergedResources();
// Resources are inline and initAsync is off, so init completes synchronously (no top-level await).
void instance.init({
  lng: 'vi',
  fallbackLng: 'vi',
  supportedLngs: [...LANGUAGES],
  resources: { vi: { translation: resources.vi }, en: { translation: resources.en } },
  interpolation: { escapeValue: false }, // EJS escapes on output
  returnNull: false,
  initAsync: false,
} as Parameters<typeof instance.init>[0]);

export function translator(lang: Language): TFunction {
  return instance.getFixedT(lang);
}

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}
