import type { NextFunction, Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ReportSettings } from './settings.js';

declare module 'express-session' {
  interface SessionData {
    /** The receipt of the report just filed in this session, sealed (sealed-receipt.ts: the key is in a cookie). */
    sealedReceipt?: string;
    /** The case opened by a tracking code in this session: follow-up pages need no code in the URL. */
    trackedReportId?: string;
  }
}

export const PUBLIC_LAYOUT = 'layouts/public';


export const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * A reporter's requests leave no user id in the request log: who filed, followed or looked up a case is known only
 * from the protected identity record (and an anonymous reporter from nothing at all).
 */
export function reporterUnnamedInLog(_req: Request, res: Response, next: NextFunction): void {
  res.locals.omitUserFromLog = true;
  next();
}

/** Reports filed per client and hour (the address is used in memory only; nothing stores or logs it). */
export function reportSubmitLimiter(settings: ReportSettings) {
  return rateLimit({
    windowMs: 60 * 60_000,
    limit: settings.REPORT_RATE_LIMIT_PER_HOUR,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) =>
      res.status(429).render('errors/error', { layout: req.user ? 'layouts/main' : PUBLIC_LAYOUT, title: res.locals.t('errors.badRequest'), message: res.locals.t('errors.tooMany'), status: 429, requestId: '', stack: undefined }),
  });
}
