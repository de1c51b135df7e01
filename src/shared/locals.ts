import type { NextFunction, Request, Response } from 'express';
import { translator, isLanguage, type Language } from './i18n.js';
import { takeFlash } from './flash.js';
import { formatDate, formatDateTime, formatMomentDay, isoDate } from './dates.js';
import { csrfToken } from './csrf.js';
import { localeOf, numberFormatter, percentFormatter } from './text.js';

/** Vietnamese unless the visitor switched: browsers' Accept-Language is deliberately not followed. */
export function languageOf(req: Request, fallback: Language): Language {
  const fromSession = req.session?.lang;
  return isLanguage(fromSession) ? fromSession : fallback;
}

/**
 * Where the language links return to: this page, or — for a page answering a form (a 422, a 413), whose address takes
 * no GET — the page the form was on, as the browser names it (same origin only), else the home page.
 */
function returnPath(req: Request): string {
  if (req.method === 'GET') return req.originalUrl;
  const from = req.get('referer');
  if (!from) return '/';
  try {
    const url = new URL(from);
    return url.host === req.get('host') ? url.pathname + url.search : '/';
  } catch {
    return '/';
  }
}

/** What every view may use: the translator, flash messages, the CSRF token, formatters (the signed-in user: auth's userLocals). */
export function viewLocals(defaultLanguage: Language) {
  return (req: Request, res: Response, next: NextFunction) => {
    const lang = languageOf(req, defaultLanguage);
    res.locals.lang = lang;
    res.locals.t = translator(lang);
    res.locals.currentPath = req.originalUrl;
    res.locals.returnPath = returnPath(req);
    res.locals.flash = takeFlash(req, res);
    res.locals.csrfToken = req.session ? csrfToken(req) : '';
    res.locals.formatNumber = numberFormatter(localeOf(lang));
    res.locals.formatPercent = percentFormatter(localeOf(lang));
    res.locals.formatDate = formatDate;
    res.locals.formatDateTime = formatDateTime;
    res.locals.formatMomentDay = formatMomentDay;
    res.locals.isoDate = isoDate;
    res.locals.errors = {};
    res.locals.values = {};
    next();
  };
}
