import type { Request, RequestHandler, Response, Router } from 'express';
import { LETTER_VIEW, PRINT_LAYOUT, letterViewModel, sendDocx } from '../letters/index.js';
import { Conflict, Forbidden, NotFound } from '../shared/errors.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { letterDataOf, letterDocxOf } from './letter.js';
import { reporterCase, reporterCaseView, type ReporterAccess } from './reporter-case.js';
import { answerQuestionnaire, reopenByReporter } from './reporter-feedback.js';
import { reporterLetter } from './reporter-letter.js';
import { feedbackForm, reopenForm } from './schemas.js';
import type { ReportSettings } from './settings.js';

/**
 * The reporter's case page and what they may do there, for the citizen who opened the case by its code
 * (/tra-cuu/ho-so) and for the colleague who filed it (/reports/mine/:id): one page, two doors.
 */
export interface ReporterDoor {
  /** The page's route pattern in its router, e.g. '/tra-cuu/ho-so' or '/mine/:id'. */
  route: string;
  /** The page's address as the browser sees it. */
  href: (req: Request) => string;
  access: (req: Request) => ReporterAccess;
  /** The last part of each action's address, in the door's language. */
  slugs: { feedback: string; reopen: string; letter: string };
  layout?: string;
  /** Where the reporter's messages are posted (null: the door has no message form). */
  messageHref: ((req: Request) => string) | null;
  /** The tracking session can be left ("Thoát tra cứu"); a signed-in colleague's page has nothing to leave. */
  canForget: boolean;
  limiter: RequestHandler;
}

export function reporterCaseLocals(door: ReporterDoor, settings: ReportSettings) {
  return async (req: Request, res: Response) => {
    const report = await reporterCase(door.access(req), settings);
    const base = door.href(req);
    return {
      ...(door.layout ? { layout: door.layout } : {}),
      title: res.locals.t('reports.track.title'),
      view: await reporterCaseView(report),
      links: {
        message: door.messageHref?.(req) ?? null,
        feedback: `${base}/${door.slugs.feedback}`,
        reopen: `${base}/${door.slugs.reopen}`,
        letter: `${base}/${door.slugs.letter}`,
        letterDocx: `${base}/${door.slugs.letter}.docx`,
        forget: door.canForget,
      },
    };
  };
}

export function reporterCaseRoutes(router: Router, door: ReporterDoor, settings: ReportSettings): void {
  const locals = reporterCaseLocals(door, settings);
  const answered = (req: Request, res: Response, messageKey: string) => {
    flash(req, 'success', messageKey);
    res.redirect(door.href(req));
  };
  /** A second answer (or a case that is no longer settled) re-shows the page with 409 and why. */
  const orConflictPage = async (req: Request, res: Response, act: () => Promise<void>, messageKey: string) => {
    try {
      await act();
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      return res.status(409).render('public/case', { ...(await locals(req, res)), values: {}, errors: {}, feedbackError: err.messageKey });
    }
    answered(req, res, messageKey);
  };

  // POST …/danh-gia — "Bạn có hài lòng với kết quả xử lý?"
  router.post(
    `${door.route}/${door.slugs.feedback}`,
    door.limiter,
    formPost({
      schema: feedbackForm,
      view: 'public/case',
      locals,
      submit: (req, res, input) => orConflictPage(req, res, () => answerQuestionnaire(door.access(req), input, settings), 'reports.caseView.thanks'),
    }),
  );

  // POST …/chua-giai-quyet — "not resolved": back to the handler with the reason
  router.post(
    `${door.route}/${door.slugs.reopen}`,
    door.limiter,
    formPost({
      schema: reopenForm,
      view: 'public/case',
      locals,
      submit: (req, res, input) => orConflictPage(req, res, () => reopenByReporter(door.access(req), input.reason, settings), 'reports.caseView.reopened'),
    }),
  );

  async function readableLetter(req: Request) {
    const report = await reporterCase(door.access(req), settings);
    const state = await reporterLetter(report);
    if (state === 'NONE') throw new NotFound('reports.caseView.noLetter');
    if (state === 'NOT_ADDRESSED') throw new Forbidden('reports.caseView.letterNotYours');
    return report;
  }

  // GET …/thu-xin-loi — the apology letter as printed (only when it was sent and written to this reporter)
  router.get(`${door.route}/${door.slugs.letter}`, async (req, res) => {
    const data = await letterDataOf(await readableLetter(req));
    const base = door.href(req);
    res.render(LETTER_VIEW, { layout: PRINT_LAYOUT, title: res.locals.t('reports.letter.printTitle', { number: data.documentNumber }), letter: letterViewModel(data), backHref: base, docxHref: `${base}/${door.slugs.letter}.docx` });
  });

  // GET …/thu-xin-loi.docx — the same letter as a Word file
  router.get(`${door.route}/${door.slugs.letter}.docx`, async (req, res) => {
    const { buffer, fileName } = await letterDocxOf(await readableLetter(req));
    sendDocx(res, buffer, fileName);
  });
}
