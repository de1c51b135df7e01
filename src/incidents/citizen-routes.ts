import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { NotFound, type FieldErrors } from '../shared/errors.js';
import { fieldErrorsOf } from '../shared/validation.js';
import { foldForSearch } from '../shared/text.js';
import * as reports from './service.js';
import type { ReportSettings } from './settings.js';
import { citizenReportForm, messageForm, trackForm } from './schemas.js';
import { PUBLIC_LAYOUT, reportSubmitLimiter, reporterUnnamedInLog, str } from './route-support.js';
import { reporterCaseLocals, reporterCaseRoutes, type ReporterDoor } from './reporter-routes.js';
import { forgetReceipt, keepReceipt, receiptPages, type ReceiptMail } from './sealed-receipt.js';
import { createMailer } from '../notifications/index.js';
import { formatDateTime } from '../shared/dates.js';
import { isLanguage, translatorNotRemembering } from '../shared/i18n.js';
import { cleanedEvidence, evidenceProblem, evidenceUpload } from './evidence-upload.js';

/** The honeypot: hidden from people, filled in by bots. */
const HONEYPOT = 'website';

/** The citizen's side, no login: the report form (/phan-anh) and following a case with its code (/tra-cuu). */
export function citizenReportsRouter(config: Config): Router {
  const settings: ReportSettings = config;
  const router = Router();
  router.use(['/phan-anh', '/tra-cuu'], reporterUnnamedInLog);
  const submitLimiter = reportSubmitLimiter(settings);
  const lookupLimiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: settings.REPORT_LOOKUP_RATE_LIMIT_PER_15_MIN,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => res.status(429).render('public/track', { layout: PUBLIC_LAYOUT, title: res.locals.t('reports.track.title'), values: {}, errors: {}, formError: 'reports.track.tooMany' }),
  });


  async function citizenFormLocals(req: Request, res: Response) {
    const unitId = str(req.body?.unitId) ?? str(req.query.unit);
    const form = await reports.reportFormFor(unitId);
    const q = (str(req.query.q) ?? '').trim();
    const units = form ? [] : await reports.reportableUnits();
    const folded = foldForSearch(q);
    return {
      layout: PUBLIC_LAYOUT,
      title: res.locals.t('reports.public.title'),
      form,
      q,
      units: folded ? units.filter((u) => foldForSearch(u.name).includes(folded)) : units,
    };
  }

  // GET /phan-anh — choose the unit, then the report form (?unit= and ?staff= may come from a QR code)
  router.get('/phan-anh', async (req, res) => {
    const locals = await citizenFormLocals(req, res);
    res.render('public/report', { ...locals, values: { identity: 'anonymous', staffId: str(req.query.staff) ?? '', deskId: str(req.query.desk) ?? '' } });
  });

  // POST /phan-anh — file a citizen report, with photos or documents (multipart)
  router.post('/phan-anh', submitLimiter, ...evidenceUpload, async (req, res, next) => {
    if (typeof req.body?.[HONEYPOT] === 'string' && req.body[HONEYPOT].trim() !== '') {
      // Answer a bot as if it had worked, and keep nothing.
      return res.render('public/received', { layout: PUBLIC_LAYOUT, title: res.locals.t('reports.public.received') });
    }
    return citizenSubmit(req, res, next);
  });
  const citizenSubmit = formPost({
    schema: citizenReportForm,
    view: 'public/report',
    locals: citizenFormLocals,
    preCheck: evidenceProblem,
    submit: async (req, res, input) => {
      const reporter: reports.Reporter =
        input.identity === 'named'
          ? // The language of the page it was written on: the reporter's e-mails use it.
            { source: 'CITIZEN', anonymous: false, name: input.name!, phone: input.phone, email: input.email, language: isLanguage(res.locals.lang) ? res.locals.lang : 'vi' }
          : { source: 'CITIZEN', anonymous: true };
      const { report, trackingCode } = await reports.fileReport({ ...input, evidence: await cleanedEvidence(req) }, reporter, settings);
      const email = input.identity === 'named' ? input.email : undefined;
      keepReceipt(req, res, { code: trackingCode, caseNumber: report.caseNumber, receivedAt: report.receivedAt.toISOString(), ...(email ? { email } : {}) }, '/phan-anh/bien-nhan', config.cookieSecure);
      req.session.trackedReportId = String(report._id);
      res.redirect('/phan-anh/bien-nhan');
    },
  });

  // GET /phan-anh/bien-nhan — the receipt with the tracking code, to print or save (again after a reload, in this
  // browser); POST /phan-anh/bien-nhan/xoa — "I have saved the code"
  // POST /phan-anh/bien-nhan/gui-thu — a named reporter who gave an e-mail address has the code sent there
  receiptPages(router, '/phan-anh/bien-nhan', '/phan-anh/bien-nhan', { layout: PUBLIC_LAYOUT }, { mail: codeByEmail(config) });

  // GET /tra-cuu — the look-up form
  router.get('/tra-cuu', (_req, res) => {
    res.render('public/track', { layout: PUBLIC_LAYOUT, title: res.locals.t('reports.track.title'), values: {}, errors: {} });
  });

  // POST /tra-cuu — open a case by its code (POST, so the code never appears in a logged URL)
  router.post('/tra-cuu', lookupLimiter, async (req, res) => {
    // The typed code stays in the box (this answer goes to the browser that typed it, never into a URL or a log).
    const typed = (str((req.body as Record<string, unknown> | undefined)?.code) ?? '').slice(0, 40);
    const render = (status: number, formError: string, errors: FieldErrors = {}) =>
      res.status(status).render('public/track', { layout: PUBLIC_LAYOUT, title: res.locals.t('reports.track.title'), values: { code: typed }, errors, formError });
    const parsed = trackForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      const errors = fieldErrorsOf(parsed.error);
      return errors.code === 'validation.required' ? render(422, '', errors) : render(404, 'reports.track.notFound');
    }
    try {
      const report = await reports.findByTrackingCode(parsed.data.code, settings);
      req.session.trackedReportId = String(report._id);
      res.redirect('/tra-cuu/ho-so');
    } catch (err) {
      if (err instanceof reports.TrackingExpired) return render(410, 'reports.track.expired');
      if (err instanceof NotFound) return render(404, 'reports.track.notFound');
      throw err;
    }
  });

  const trackedDoor: ReporterDoor = {
    route: '/tra-cuu/ho-so',
    href: () => '/tra-cuu/ho-so',
    access: (req) => ({ trackedId: req.session.trackedReportId }),
    slugs: { feedback: 'danh-gia', reopen: 'chua-giai-quyet', letter: 'thu-xin-loi' },
    layout: PUBLIC_LAYOUT,
    messageHref: () => '/tra-cuu/ho-so/tin-nhan',
    canForget: true,
    limiter: reportSubmitLimiter(settings),
  };
  const trackedLocals = reporterCaseLocals(trackedDoor, settings);

  // GET /tra-cuu/ho-so — the case opened in this session: its timeline, replies, finding, remedies, letter, questionnaire
  router.get('/tra-cuu/ho-so', async (req, res) => {
    if (!req.session.trackedReportId) return res.redirect('/tra-cuu');
    res.render('public/case', { ...(await trackedLocals(req, res)), values: {}, errors: {} });
  });

  // POST /tra-cuu/ho-so/danh-gia, …/chua-giai-quyet; GET …/thu-xin-loi and …/thu-xin-loi.docx
  reporterCaseRoutes(router, trackedDoor, settings);

  // POST /tra-cuu/ho-so/tin-nhan — the reporter adds a message or details, with photos or documents (multipart)
  router.post(
    '/tra-cuu/ho-so/tin-nhan',
    submitLimiter,
    ...evidenceUpload,
    formPost({
      schema: messageForm,
      view: 'public/case',
      locals: trackedLocals,
      preCheck: evidenceProblem,
      submit: async (req, res, input) => {
        const id = req.session.trackedReportId;
        if (!id) throw new NotFound('reports.track.notFound');
        await reports.addReporterMessage(id, input.text, settings, new Date(), await cleanedEvidence(req));
        flash(req, 'success', 'reports.track.sent');
        res.redirect('/tra-cuu/ho-so');
      },
    }),
  );

  // POST /tra-cuu/thoat — forget the case in this session
  router.post('/tra-cuu/thoat', (req, res) => {
    delete req.session.trackedReportId;
    forgetReceipt(req, res, '/phan-anh/bien-nhan');
    res.redirect('/tra-cuu');
  });

  return router;
}

/** How many code e-mails one network address may ask for in an hour. */
const CODE_MAILS_PER_HOUR = 3;

/**
 * "E-mail me the code" on the citizen's receipt (offered only when SMTP is configured): the message in the reporter's language,
 * at most CODE_MAILS_PER_HOUR per address and hour; a failure is logged without the code, the address or the case.
 */
function codeByEmail(config: Config): ReceiptMail {
  const mailer = createMailer(config);
  return {
    available: mailer !== null,
    limiter: rateLimit({
      windowMs: 60 * 60_000,
      limit: CODE_MAILS_PER_HOUR,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (req, res) => {
        flash(req, 'error', 'reports.codeByEmail.tooMany');
        res.redirect(303, '/phan-anh/bien-nhan');
      },
    }),
    send: async (req, res, receipt) => {
      // The body carries the tracking code: not a text to keep in memory.
      const t = translatorNotRemembering(isLanguage(res.locals.lang) ? res.locals.lang : 'vi') as unknown as (key: string, vars?: Record<string, string>) => string;
      const trackUrl = `${(config.PUBLIC_BASE_URL ?? '').replace(/\/$/, '')}/tra-cuu`;
      if (!mailer) return;
      try {
        await mailer.send({
          to: receipt.email,
          subject: t('reports.codeByEmail.subject', { caseNumber: receipt.caseNumber }),
          text: t('reports.codeByEmail.body', { caseNumber: receipt.caseNumber, receivedAt: formatDateTime(new Date(receipt.receivedAt)), code: receipt.code, trackUrl }),
        });
        flash(req, 'success', 'reports.codeByEmail.sent');
      } catch {
        req.log?.warn('tracking code e-mail failed');
        flash(req, 'error', 'reports.codeByEmail.failed');
      }
    },
  };
}
