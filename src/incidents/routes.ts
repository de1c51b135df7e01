import { foldForSearch } from '../shared/text.js';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { rateLimit } from 'express-rate-limit';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { hasRole } from '../auth/index.js';
import type { Config } from '../config.js';
import { LETTER_VIEW, PRINT_LAYOUT, SALUTATIONS, letterViewModel, sendDocx } from '../letters/index.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { pageNumber } from '../shared/pagination.js';
import { NotFound } from '../shared/errors.js';
import { Types } from 'mongoose';
import type { ZodType } from 'zod';
import * as reports from './service.js';
import * as handling from './handling.js';
import * as letters from './letter.js';
import * as dueProcess from './due-process.js';
import * as duplicates from './duplicates.js';
import { filterUnits, listCases } from './inbox.js';
import { templatesForCase } from './response-templates.js';
import { earlyWarnings, reportGroups, retaliationFlags } from './warnings.js';
import { RECORDED_INTAKE_CHANNELS, HANDED_OVER_CHANNELS, RECORDED_EXPLANATION_CHANNELS, REMEDY_KINDS, REPORT_KINDS, REPORT_STATUSES, ReporterIdentityModel } from './model.js';
import type { ReportSettings } from './settings.js';
import {
  citizenReportForm,
  explanationForm,
  extendForm,
  inboxQuery,
  letterForm,
  letterSentForm,
  messageForm,
  replyForm,
  peerReportForm,
  recordedExplanationForm,
  handOverForm,
  duplicateForm,
  unmarkDuplicateForm,
  intakeReportForm,
  reviewRequestForm,
  recordedReviewForm,
  remedyForm,
  trackForm,
  transitionForm,
} from './schemas.js';

import { reportSubmitLimiter, reporterUnnamedInLog, str } from './route-support.js';
import { keepReceipt, receiptPages } from './sealed-receipt.js';
import { myReports } from './reporter-case.js';
import { reporterCaseLocals, reporterCaseRoutes, type ReporterDoor } from './reporter-routes.js';
import { cleanedEvidence, evidenceProblem, evidenceUpload } from './evidence-upload.js';
import { isImage } from './evidence-cleaning.js';

/** Mounted at /reports: signed-in staff file peer reports; heads and administrators handle cases. */
export function reportsRouter(config: Config): Router {
  const settings: ReportSettings = config;
  const router = Router();
  router.use(requireLogin);
  // Opening the form too: the time someone opened it would point at the case filed a minute later.
  router.use(['/new', '/receipt', '/mine'], reporterUnnamedInLog);
  router.post('/', reporterUnnamedInLog);
  const submitLimiter = reportSubmitLimiter(settings);

  // ---------- staff: peer reports ----------

  async function peerFormLocals(req: Request, res: Response) {
    const unitId = str(req.body?.unitId) ?? str(req.query.unit);
    const form = await reports.reportFormFor(unitId);
    return { title: res.locals.t('reports.peer.title'), form, units: form ? [] : await reports.reportableUnits(), q: '', kinds: REPORT_KINDS };
  }

  // GET /reports/new — file a peer report
  router.get('/new', async (req, res) => {
    res.render('incidents/new', { ...(await peerFormLocals(req, res)), values: { kind: 'PHAN_ANH', staffId: str(req.query.staff) ?? '' } });
  });

  // POST /reports — file it (the identity goes to ReporterIdentity unless anonymous), with photos or documents (multipart)
  router.post(
    '/',
    submitLimiter,
    ...evidenceUpload,
    formPost({
      schema: peerReportForm,
      view: 'incidents/new',
      locals: peerFormLocals,
      preCheck: evidenceProblem,
      submit: async (req, res, input) => {
        const reporter: reports.Reporter = { source: 'PEER', actor: actor(req), kind: input.kind, anonymous: input.anonymous, phone: input.phone, address: input.address };
        const { report, trackingCode } = await reports.fileReport({ ...input, evidence: await cleanedEvidence(req) }, reporter, settings);
        keepReceipt(req, res, { code: trackingCode, caseNumber: report.caseNumber, receivedAt: report.receivedAt.toISOString() }, '/reports/receipt', config.cookieSecure);
        res.redirect('/reports/receipt');
      },
    }),
  );

  // GET /reports/receipt — the peer's receipt (the tracking code serves anonymous peers too); POST …/xoa to remove it
  receiptPages(router, '/receipt', '/reports/receipt');

  // ---------- handlers: reports received by phone, letter, hotline, suggestion box or in person ----------
  const recorders = [requireRole('head', 'admin')];
  router.use('/new-intake', reporterUnnamedInLog);

  async function intakeFormLocals(req: Request, res: Response) {
    const a = actor(req);
    const units = await reports.intakeUnits(a);
    const unitId = str(req.body?.unitId) ?? str(req.query.unit);
    // Only a unit this handler may record for opens the form (the service checks again on submit).
    const form = unitId && units.some((u) => u.id === unitId) ? await reports.reportFormFor(unitId) : null;
    return { title: res.locals.t('intake.title'), form, units: form ? [] : units, q: '', kinds: REPORT_KINDS, channels: RECORDED_INTAKE_CHANNELS };
  }

  // GET /reports/new-intake — record a report received by phone, letter, hotline, suggestion box or in person
  router.get('/new-intake', ...recorders, async (req, res) => {
    res.render('incidents/intake', { ...(await intakeFormLocals(req, res)), values: { kind: 'PHAN_ANH', identity: 'anonymous', channel: '' }, errors: {} });
  });

  // POST /reports/new-intake — file it through the same path as every report (multipart: the letter's scans)
  router.post(
    '/new-intake',
    ...recorders,
    ...evidenceUpload,
    formPost({
      schema: intakeReportForm,
      view: 'incidents/intake',
      locals: intakeFormLocals,
      preCheck: evidenceProblem,
      submit: async (req, res, input) => {
        const reporter: reports.Reporter =
          input.identity === 'named'
            ? { source: 'CITIZEN', anonymous: false, kind: input.kind, name: input.name!, phone: input.phone, email: input.email, address: input.address }
            : { source: 'CITIZEN', anonymous: true };
        const { report, trackingCode } = await reports.fileReport({ ...input, evidence: await cleanedEvidence(req) }, reporter, settings, undefined, { actor: actor(req), channel: input.channel });
        keepReceipt(req, res, { code: trackingCode, caseNumber: report.caseNumber, receivedAt: report.receivedAt.toISOString(), unitName: report.unitName }, '/reports/new-intake/receipt', config.cookieSecure);
        res.redirect('/reports/new-intake/receipt');
      },
    }),
  );

  // GET /reports/new-intake/receipt — the paper receipt to print and hand over or post (the code shown this once);
  // POST …/xoa once it is printed
  receiptPages(router, '/new-intake/receipt', '/reports/new-intake/receipt', { layout: PRINT_LAYOUT, backHref: '/reports/new-intake', baseUrl: config.PUBLIC_BASE_URL ?? '' }, { view: 'incidents/intake-receipt', gate: recorders });

  // GET /reports/mine — the named reports I filed
  router.get('/mine', async (req, res) => {
    res.render('incidents/mine', { title: res.locals.t('reports.peer.mine'), rows: await myReports(actor(req)) });
  });

  const mineDoor: ReporterDoor = {
    route: '/mine/:id',
    href: (req) => `/reports/mine/${String(req.params.id)}`,
    access: (req) => ({ actor: actor(req), id: String(req.params.id) }),
    slugs: { feedback: 'feedback', reopen: 'reopen', letter: 'letter' },
    messageHref: null,
    canForget: false,
    limiter: submitLimiter,
  };
  const mineLocals = reporterCaseLocals(mineDoor, settings);

  // GET /reports/mine/:id — one of them, as its reporter sees it
  router.get('/mine/:id', async (req, res) => {
    res.render('public/case', { ...(await mineLocals(req, res)), values: {}, errors: {} });
  });

  // POST /reports/mine/:id/feedback, …/reopen; GET …/letter and …/letter.docx
  reporterCaseRoutes(router, mineDoor, settings);

  // ---------- the person reported about ----------

  // GET /reports/notices — requests for explanations and escalations addressed to me
  router.get('/notices', async (req, res) => {
    const notices = await handling.noticesFor(actor(req));
    const cases = await reports.caseNumbers(notices.map((n) => n.reportId));
    res.render('incidents/notices', { title: res.locals.t('reports.notices.title'), notices: notices.map((n) => ({ ...n, caseNumber: cases.get(String(n.reportId)) ?? '' })) });
  });

  async function explanationLocals(req: Request, res: Response) {
    const view = await handling.subjectView(actor(req), String(req.params.id));
    const labels = await reports.criterionLabels(view);
    const named = (c: string) => labels.get(c)?.name ?? { vi: c, en: c };
    return { title: res.locals.t('reports.explanation.title', { number: view.caseNumber }), view, criteria: view.criterionCodes.map(named), confirmed: (view.conclusion?.confirmedCriterionCodes ?? []).map(named) };
  }

  // GET /reports/explanations/:id — the allegation and the explanation form (for the subject only)
  router.get('/explanations/:id', async (req, res) => {
    const locals = await explanationLocals(req, res);
    res.render('incidents/explanation', { ...locals, values: { text: locals.view.explanation?.text ?? '' } });
  });

  // POST /reports/explanations/:id — submit the explanation (giải trình)
  router.post(
    '/explanations/:id',
    formPost({
      schema: explanationForm,
      view: 'incidents/explanation',
      locals: explanationLocals,
      submit: async (req, res, input) => {
        await handling.submitExplanation(actor(req), String(req.params.id), input.text);
        flash(req, 'success', 'reports.flash.explanationSent');
        res.redirect(`/reports/explanations/${String(req.params.id)}`);
      },
    }),
  );

  // POST /reports/explanations/:id/review — the subject asks for a review of the finding they were told
  router.post(
    '/explanations/:id/review',
    formPost({
      schema: reviewRequestForm,
      view: 'incidents/explanation',
      locals: explanationLocals,
      submit: async (req, res, input) => {
        await dueProcess.requestReview(actor(req), String(req.params.id), input.reason, settings);
        flash(req, 'success', 'reports.flash.reviewRequested');
        res.redirect(`/reports/explanations/${String(req.params.id)}`);
      },
    }),
  );

  // ---------- handling (heads and the province) ----------
  const handlers = [requireRole('head', 'admin')];

  // GET /reports — the inbox with filters, early warnings, groups and (for the province) the retaliation watch
  router.get('/', ...handlers, async (req, res) => {
    const a = actor(req);
    const q = inboxQuery.parse(req.query);
    const filters = {
      status: q.status,
      criterion: q.criterion || undefined,
      unitId: q.unit ? new Types.ObjectId(q.unit) : undefined,
      olderThanDays: q.age ? Number(q.age) : undefined,
      overdue: q.overdue === '1',
      page: pageNumber(req.query.page),
    };
    const [list, units, warnings, groups, flags] = await Promise.all([listCases(a, filters), filterUnits(a), earlyWarnings(a, settings), reportGroups(a), retaliationFlags(a)]);
    const baseQuery = new URLSearchParams(Object.entries({ status: q.status ?? '', criterion: q.criterion ?? '', unit: q.unit ?? '', age: q.age ?? '', overdue: q.overdue ?? '' }).filter(([, v]) => v)).toString();
    res.render('incidents/index', {
      title: res.locals.t('reports.inbox.title'),
      ...list,
      units,
      warnings,
      groups,
      flags,
      settings: { threshold: settings.EARLY_WARNING_THRESHOLD, days: settings.EARLY_WARNING_WINDOW_DAYS },
      statuses: REPORT_STATUSES,
      query: q,
      baseQuery,
    });
  });

  async function caseLocals(req: Request, res: Response) {
    const a = actor(req);
    const report = await reports.caseFor(a, String(req.params.id));
    const labels = await reports.criterionLabels(report);
    const now = new Date();
    // A citizen's contact, for the reply they asked for; a denouncer's identity only through the audited identity view.
    const contact = report.source === 'CITIZEN' && !report.anonymous && report.kind !== 'TO_CAO' ? await ReporterIdentityModel.findOne({ reportId: report._id }).select('name phone email').lean() : null;
    return {
      title: res.locals.t('reports.case.title', { number: report.caseNumber }),
      report,
      labels: Object.fromEntries([...labels.entries()].map(([code, l]) => [code, l.name])),
      next: handling.TRANSITIONS[report.status as keyof typeof handling.TRANSITIONS],
      overdue: handling.isOverdue(report, now),
      // Due process: why the finding waits, what the handler may record for the subject.
      explanationAwaitedUntil: dueProcess.explanationAwaitedUntil(report, now),
      conclusionPending: dueProcess.conclusionPending(report),
      reviewOpenUntil: dueProcess.reviewOpenUntil(report, now),
      explanationChannels: RECORDED_EXPLANATION_CHANNELS,
      handOverChannels: HANDED_OVER_CHANNELS,
      contact,
      canSeeReporter: hasRole(a, 'admin') && !report.anonymous,
      remedyKinds: REMEDY_KINDS,
      // The reply and the internal note both post a `text`: the form sent back with an error is the one marked.
      postedTo: req.method === 'POST' ? req.path.split('/').pop() : '',
      ...(await replyLocals(req, report)),
    };
  }

  /**
   * The reply box and its template picker: the templates that suit the case (its criteria, its state and the next
   * ones), their texts filled from the case. Without scripts, `?template=<id>` shows the page with the chosen text in
   * the box; a reply sent back with an error keeps what was typed.
   */
  async function replyLocals(req: Request, report: Awaited<ReturnType<typeof reports.caseFor>>) {
    const choices = await templatesForCase(report, handling.TRANSITIONS[report.status as keyof typeof handling.TRANSITIONS]);
    const posted = req.method === 'POST' && req.path.endsWith('/replies') ? (req.body as Record<string, unknown> | undefined) : undefined;
    const wanted = str(posted?.template) ?? str(req.query.template) ?? '';
    const chosen = choices.find((c) => c.value === wanted);
    return { templates: choices, chosenTemplate: chosen?.value ?? '', replyText: str(posted?.text) ?? chosen?.text ?? '' };
  }

  // GET /reports/:id — the case
  router.get('/:id', ...handlers, async (req, res) => {
    res.render('incidents/show', await caseLocals(req, res));
  });

  const caseAction = <T>(schema: ZodType<T>, act: (req: Request, input: T) => Promise<void>, flashKey: string) =>
    formPost<T>({
      schema,
      view: 'incidents/show',
      locals: caseLocals,
      submit: async (req, res, input) => {
        await act(req, input);
        flash(req, 'success', flashKey);
        res.redirect(`/reports/${String(req.params.id)}`);
      },
    });

  // POST /reports/:id/transition — the next step, with a note
  router.post('/:id/transition', ...handlers, caseAction(transitionForm, (req, input) => handling.transition(actor(req), String(req.params.id), input, settings), 'reports.flash.transitioned'));
  // POST /reports/:id/replies — a reply the reporter reads
  router.post('/:id/replies', ...handlers, caseAction(replyForm, (req, input) => handling.addReply(actor(req), String(req.params.id), input.text, new Date(), { templateId: input.template }), 'reports.flash.replied'));
  // POST /reports/:id/notes — an internal note
  router.post('/:id/notes', ...handlers, caseAction(messageForm, (req, input) => handling.addNote(actor(req), String(req.params.id), input.text), 'reports.flash.noted'));
  // POST /reports/:id/duplicate — a duplicate of another case of the same handling unit: closed, linked both ways
  router.post('/:id/duplicate', ...handlers, caseAction(duplicateForm, (req, input) => duplicates.markDuplicate(actor(req), String(req.params.id), input, settings), 'duplicates.flash.marked'));
  // POST /reports/:id/duplicate/undo — "Bỏ đánh dấu trùng": back to the state it was in, unlinked, counted again
  router.post('/:id/duplicate/undo', ...handlers, caseAction(unmarkDuplicateForm, (req, input) => duplicates.unmarkDuplicate(actor(req), String(req.params.id), input, settings), 'duplicates.flash.unmarked'));
  // POST /reports/:id/extend — more working days for the current step
  router.post('/:id/extend', ...handlers, caseAction(extendForm, (req, input) => handling.extendDeadline(actor(req), String(req.params.id), input), 'reports.flash.extended'));
  // POST /reports/:id/remedies — record a remedy
  router.post('/:id/remedies', ...handlers, caseAction(remedyForm, (req, input) => handling.addRemedy(actor(req), String(req.params.id), { kind: input.kind, note: input.note ?? '' }), 'reports.flash.remedyAdded'));
  // POST /reports/:id/letter-sent — the apology letter went out
  router.post('/:id/letter-sent', ...handlers, caseAction(letterSentForm, (req, input) => handling.markLetterSent(actor(req), String(req.params.id), input.sentOn), 'reports.flash.letterSent'));

  // POST /reports/:id/explanation — an explanation received on paper or in person, or the refusal, recorded by the handler
  router.post('/:id/explanation', ...handlers, caseAction(recordedExplanationForm, (req, input) => dueProcess.recordExplanation(actor(req), String(req.params.id), input), 'reports.flash.explanationRecorded'));
  // POST /reports/:id/conclusion — the day and way the conclusion was handed to the subject
  router.post('/:id/conclusion', ...handlers, caseAction(handOverForm, (req, input) => dueProcess.recordHandOver(actor(req), String(req.params.id), input, settings), 'reports.flash.handedOver'));
  // POST /reports/:id/review — the subject's review request received on paper
  router.post('/:id/review', ...handlers, caseAction(recordedReviewForm, (req, input) => dueProcess.recordReviewRequest(actor(req), String(req.params.id), { receivedOn: input.requestReceivedOn, reason: input.requestText, version: input.version }, settings), 'reports.flash.reviewRecorded'));

  // GET /reports/:id/evidence/:fileId — a photo (shown in the page) or a document (downloaded) of the case, for those
  // who may handle it; served with the type read from its content when it was received, never guessed by the browser
  router.get('/:id/evidence/:fileId', ...handlers, async (req, res) => {
    const { entry, fileName, open } = await reports.evidenceFor(actor(req), String(req.params.id), String(req.params.fileId));
    // Photos open in the page; documents are always downloaded.
    res.attachment(fileName);
    if (isImage(entry.type)) res.set('Content-Disposition', res.get('Content-Disposition')!.replace(/^attachment/, 'inline'));
    res.set({
      'Content-Type': entry.type,
      'Content-Length': String(entry.size),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
      // Nothing in the file may run as this site, even opened on its own.
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
    await pipeline(open(), res);
  });

  // GET /reports/:id/reporter — who filed it: province administrator only, every look audited
  router.get('/:id/reporter', requireRole('admin'), async (req, res) => {
    const { report, identity } = await reports.reporterIdentity(actor(req), String(req.params.id));
    res.render('incidents/reporter', { title: res.locals.t('reports.reporterPage.title', { number: report.caseNumber }), report, identity });
  });

  // ---------- apology letter ----------

  async function letterLocals(req: Request, res: Response) {
    const { report, values, issuerName, signerTitles } = await letters.letterDraft(actor(req), String(req.params.id));
    return { title: res.locals.t('reports.letter.title', { number: report.caseNumber }), report, draft: values, issuerName, signerTitles, salutations: SALUTATIONS };
  }

  // GET /reports/:id/letter — the letter form (a first draft written from the case)
  router.get('/:id/letter', ...handlers, async (req, res) => {
    const locals = await letterLocals(req, res);
    res.render('incidents/letter', { ...locals, values: locals.draft });
  });

  // POST /reports/:id/letter — save the letter
  router.post(
    '/:id/letter',
    ...handlers,
    formPost({
      schema: letterForm,
      view: 'incidents/letter',
      locals: letterLocals,
      submit: async (req, res, input) => {
        await letters.saveLetter(actor(req), String(req.params.id), input);
        flash(req, 'success', 'reports.flash.letterSaved');
        res.redirect(`/reports/${String(req.params.id)}/letter`);
      },
    }),
  );

  // GET /reports/:id/letter/print — the printable letter (Decree 30/2020 layout)
  router.get('/:id/letter/print', ...handlers, async (req, res) => {
    const data = await letters.letterData(actor(req), String(req.params.id));
    const id = String(req.params.id);
    res.render(LETTER_VIEW, { layout: PRINT_LAYOUT, title: res.locals.t('reports.letter.printTitle', { number: data.documentNumber }), letter: letterViewModel(data), backHref: `/reports/${id}/letter`, docxHref: `/reports/${id}/letter.docx` });
  });

  // GET /reports/:id/letter.docx — the same letter as a Word file
  router.get('/:id/letter.docx', ...handlers, async (req, res) => {
    const { buffer, fileName } = await letters.letterDocx(actor(req), String(req.params.id));
    sendDocx(res, buffer, fileName);
  });

  return router;
}
