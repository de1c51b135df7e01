import type { NextFunction, Request, Response } from 'express';
import { retentionSettings } from './settings.js';

/** What the privacy notice on the public pages states, from the periods in force (so it stays true when they change). */
export interface PrivacyNotice {
  reportMonths: number;
  ratingCommentMonths: number;
  contact: string;
}

/** For the public pages (report form, look-up, reporter's case page, desk rating): the notice's figures. */
export async function privacyNoticeLocals(_req: Request, res: Response, next: NextFunction): Promise<void> {
  const s = await retentionSettings();
  const notice: PrivacyNotice = { reportMonths: s.reportMonths, ratingCommentMonths: s.ratingCommentMonths, contact: s.contact };
  res.locals.privacyNotice = notice;
  next();
}
