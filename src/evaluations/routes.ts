import { Router, type Request, type Response } from 'express';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { NotFound } from '../shared/errors.js';
import { flash } from '../shared/flash.js';
import { formPost, versionedPost } from '../shared/forms.js';
import { CLASSIFICATION_LEVELS, LEVELS, PERIOD_KINDS } from './model.js';
import { amendmentSchema, classificationSchema, headEvaluationSchema, newPeriodSchema, reopenSchema, selfAssessmentSchema } from './schemas.js';
import * as evaluations from './service.js';
import { completionByUnit, rosterFor } from './roster.js';
import { sendReminders } from './reminders.js';
import { classificationList, classificationPage, classificationUnits, decideClassification, myClassifications } from './classification.js';
import { createMailer, type MailSettings } from '../notifications/index.js';
import { evaluationView } from './presenters.js';
import { canReopenPeriod } from './periods.js';
import { catalogueOf } from './lookups.js';

/** `?year=` when given (404 when not a year), else undefined. */
function optionalYear(raw: unknown): number | undefined {
  return raw === undefined || raw === '' ? undefined : yearParam(raw);
}

function yearParam(raw: unknown): number {
  const year = Number(raw);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new NotFound();
  return year;
}

/** SMTP settings come from the app's config; without them reminders are listed but not sent. */
export function evaluationsRouter(mail: MailSettings): Router {
  const router = Router();
  const mailer = createMailer(mail);
  router.use(requireLogin);
  const manage = requireRole('admin', 'head');

  // GET /evaluations — the signed-in person's own evaluations and classifications
  router.get('/', async (req, res) => {
    const a = actor(req);
    const year = optionalYear(req.query.year);
    const [{ rows: mine, years }, classifications] = await Promise.all([evaluations.myEvaluationsPage(a, year), myClassifications(a)]);
    res.render('evaluations/mine', { title: res.locals.t('evaluations.mine.title'), hasStaffRecord: !!a.staffId, mine, classifications, years, thisYear: evaluations.vietnamYear() });
  });

  // GET /evaluations/periods — periods in scope
  router.get('/periods', manage, async (req, res) => {
    const year = optionalYear(req.query.year) ?? evaluations.vietnamYear();
    res.render('evaluations/periods', { title: res.locals.t('evaluations.periods.title'), periods: await evaluations.listPeriods(actor(req), year), year, thisYear: evaluations.vietnamYear() });
  });

  const newPeriodLocals = async (req: Request, res: Response) => ({
    title: res.locals.t('evaluations.periods.newTitle'),
    units: (await evaluations.unitsForNewPeriod(actor(req))).map((u) => ({ value: u.id, label: `${'· '.repeat(u.depth)}${u.name}` })),
    kinds: PERIOD_KINDS.map((k) => ({ value: k, label: res.locals.t(`evaluations.kinds.${k}`) })),
  });

  // GET /evaluations/periods/new
  router.get('/periods/new', manage, async (req, res) => {
    res.render('evaluations/period-new', { ...(await newPeriodLocals(req, res)), values: { year: String(evaluations.vietnamYear()), kind: 'quarterly' } });
  });

  // POST /evaluations/periods — create a draft period
  router.post(
    '/periods',
    manage,
    formPost({
      schema: newPeriodSchema,
      view: 'evaluations/period-new',
      locals: newPeriodLocals,
      submit: async (req, res, input) => {
        const period = await evaluations.createPeriod(actor(req), input);
        flash(req, 'success', 'evaluations.periods.created');
        res.redirect(`/evaluations/periods/${String(period._id)}`);
      },
    }),
  );

  const periodLocals = async (req: Request, res: Response) => {
    const a = actor(req);
    const unitId = typeof req.query.unit === 'string' && req.query.unit ? req.query.unit : undefined;
    const roster = await rosterFor(a, String(req.params.id), { unitId });
    // Overdue lists of the people shown (a unit's roster); the e-mails cover the whole period.
    const overdue = roster.canManage ? roster.overdue : null;
    return {
      title: `${res.locals.t('evaluations.periods.key')} ${roster.period.periodKey} — ${roster.period.unitName}`,
      roster,
      overdue,
      criteria: (await catalogueOf(roster.period.codeVersionId)).criteria,
      canReopen: canReopenPeriod(a, roster.period),
      mailConfigured: !!mailer,
    };
  };

  // GET /evaluations/periods/:id — the roster with status, flags, per-criterion results and overdue lists
  router.get('/periods/:id', manage, async (req, res) => {
    res.render('evaluations/period', await periodLocals(req, res));
  });

  // GET /evaluations/periods/:id/completion — completion per commune: which are late
  router.get('/periods/:id/completion', manage, async (req, res) => {
    const { period, units } = await completionByUnit(actor(req), String(req.params.id));
    res.render('evaluations/completion', { title: res.locals.t('evaluations.completion.title'), period, units });
  });

  // POST /evaluations/periods/:id/open — the period opens now; its evaluations are created by a background job
  router.post('/periods/:id/open', manage, async (req, res) => {
    const job = await evaluations.startOpening(actor(req), String(req.params.id));
    res.redirect(303, `/evaluations/periods/${String(req.params.id)}/jobs/${job.id}`);
  });

  // POST /evaluations/periods/:id/sync — add evaluations for people who joined since opening (a background job)
  router.post('/periods/:id/sync', manage, async (req, res) => {
    const job = await evaluations.startSync(actor(req), String(req.params.id));
    res.redirect(303, `/evaluations/periods/${String(req.params.id)}/jobs/${job.id}`);
  });

  // GET /evaluations/periods/:id/jobs/:jobId — progress of an opening; once done, back to the roster with the count
  router.get('/periods/:id/jobs/:jobId', manage, async (req, res) => {
    const { period, job } = await evaluations.periodJob(actor(req), String(req.params.id), String(req.params.jobId));
    if (job.status === 'DONE') {
      flash(req, 'success', job.kind === 'open' ? 'evaluations.periods.opened' : 'evaluations.periods.synced', { count: job.created });
      res.redirect(303, `/evaluations/periods/${String(period._id)}`);
      return;
    }
    const key = job.kind === 'open' ? 'evaluations.jobs.titleOpen' : 'evaluations.jobs.titleSync';
    res.render('evaluations/job', { title: res.locals.t(key, { period: `${period.periodKey} — ${period.unitName}` }), period, job });
  });

  // POST /evaluations/periods/:id/close
  router.post('/periods/:id/close', manage, async (req, res) => {
    await evaluations.closePeriod(actor(req), String(req.params.id));
    flash(req, 'success', 'evaluations.periods.closed');
    res.redirect(`/evaluations/periods/${String(req.params.id)}`);
  });

  // POST /evaluations/periods/:id/reopen — a higher level, with a reason
  router.post(
    '/periods/:id/reopen',
    manage,
    formPost({
      schema: reopenSchema,
      view: 'evaluations/period',
      locals: periodLocals,
      authorize: (req) => evaluations.assertMayReopen(actor(req), String(req.params.id)),
      submit: async (req, res, input) => {
        await evaluations.reopenPeriod(actor(req), String(req.params.id), input.reason);
        flash(req, 'success', 'evaluations.periods.reopened');
        res.redirect(`/evaluations/periods/${String(req.params.id)}`);
      },
    }),
  );

  // POST /evaluations/periods/:id/remind — e-mail the overdue
  router.post('/periods/:id/remind', manage, async (req, res) => {
    const result = await sendReminders(actor(req), String(req.params.id), mailer);
    if (result.mailConfigured) flash(req, 'success', 'evaluations.overdue.sent', { sent: result.sent, withoutAddress: result.withoutAddress });
    else flash(req, 'error', 'evaluations.overdue.notConfigured');
    res.redirect(`/evaluations/periods/${String(req.params.id)}`);
  });

  // GET /evaluations/classifications?unitId=&year= — a unit's people with their year's record
  router.get('/classifications', manage, async (req, res) => {
    const a = actor(req);
    const year = req.query.year ? yearParam(req.query.year) : evaluations.vietnamYear();
    const units = await classificationUnits(a);
    const unitId = typeof req.query.unitId === 'string' && req.query.unitId ? req.query.unitId : (units.find((u) => u.commune) ?? units[0])?.id;
    const rows = unitId ? await classificationList(a, unitId, year) : [];
    res.render('evaluations/classifications', { title: res.locals.t('evaluations.classification.title', { year }), year, units, unitId, rows });
  });

  const classificationLocals = async (req: Request, res: Response) => {
    const year = yearParam(req.params.year);
    const page = await classificationPage(actor(req), String(req.params.staffId), year);
    return {
      title: res.locals.t('evaluations.classification.personTitle', { year, name: page.staff.fullName }),
      page,
      levels: CLASSIFICATION_LEVELS.map((l) => ({ value: l, label: res.locals.t(`evaluations.classLevels.${l}`) })),
    };
  };

  // GET /evaluations/classifications/:staffId/:year
  router.get('/classifications/:staffId/:year', manage, async (req, res) => {
    const locals = await classificationLocals(req, res);
    const c = locals.page.existing;
    const values = c
      ? { level: c.level, generalPoints: c.generalPoints ?? '', taskPoints: c.taskPoints ?? '', differenceReason: c.differenceReason }
      : { level: locals.page.suggestion.level ?? '', generalPoints: locals.page.conductPoints ?? '' };
    res.render('evaluations/classification', { ...locals, values });
  });

  // POST /evaluations/classifications/:staffId/:year
  router.post(
    '/classifications/:staffId/:year',
    manage,
    versionedPost({
      staleKey: 'evaluations.errors.stale',
      schema: classificationSchema,
      view: 'evaluations/classification',
      locals: classificationLocals,
      submit: async (req, res, input) => {
        await decideClassification(actor(req), String(req.params.staffId), yearParam(req.params.year), input);
        flash(req, 'success', 'evaluations.flash.classified');
        res.redirect(`/evaluations/classifications/${String(req.params.staffId)}/${String(req.params.year)}`);
      },
    }),
  );

  const evaluationLocals = async (req: Request, res: Response) => {
    const page = await evaluations.evaluationPage(actor(req), String(req.params.id));
    return {
      title: res.locals.t('evaluations.form.title', { name: page.evaluation.staffName, period: page.evaluation.periodKey }),
      ...evaluationView(page, res.locals.lang === 'en' ? 'en' : 'vi'),
      levels: LEVELS,
    };
  };

  // GET /evaluations/:id — the evaluation: self-assessment form, head form beside it, or the record
  router.get('/:id', async (req, res) => {
    res.render('evaluations/show', await evaluationLocals(req, res));
  });

  // POST /evaluations/:id/self — save draft or submit one's own self-assessment
  router.post(
    '/:id/self',
    versionedPost({
      staleKey: 'evaluations.errors.stale',
      schema: selfAssessmentSchema,
      view: 'evaluations/show',
      locals: evaluationLocals,
      authorize: (req) => evaluations.assertMaySelfAssess(actor(req), String(req.params.id)),
      submit: async (req, res, input) => {
        await evaluations.saveSelfAssessment(actor(req), String(req.params.id), { ...input, submit: input.action === 'submit' });
        flash(req, 'success', input.action === 'submit' ? 'evaluations.flash.selfSubmitted' : 'evaluations.flash.selfSaved');
        res.redirect(`/evaluations/${String(req.params.id)}`);
      },
    }),
  );

  // POST /evaluations/:id/evaluate — the head's ratings: save, fill the rest as "Thực hiện tốt", or finalise
  router.post(
    '/:id/evaluate',
    manage,
    versionedPost({
      staleKey: 'evaluations.errors.stale',
      schema: headEvaluationSchema,
      view: 'evaluations/show',
      locals: evaluationLocals,
      authorize: (req) => evaluations.assertMayEvaluate(actor(req), String(req.params.id)),
      submit: async (req, res, input) => {
        const saved = await evaluations.saveHeadEvaluation(actor(req), String(req.params.id), input);
        flash(req, 'success', saved.finalised ? 'evaluations.flash.finalised' : 'evaluations.flash.evaluated');
        res.redirect(`/evaluations/${String(req.params.id)}`);
      },
    }),
  );

  // POST /evaluations/:id/amend — correct a finalised evaluation, with a reason
  router.post(
    '/:id/amend',
    manage,
    versionedPost({
      staleKey: 'evaluations.errors.stale',
      schema: amendmentSchema,
      authorize: (req) => evaluations.assertMayEvaluate(actor(req), String(req.params.id)),
      view: 'evaluations/show',
      locals: async (req, res) => ({ ...(await evaluationLocals(req, res)), amending: true }),
      submit: async (req, res, input) => {
        await evaluations.amendEvaluation(actor(req), String(req.params.id), input);
        flash(req, 'success', 'evaluations.flash.amended');
        res.redirect(`/evaluations/${String(req.params.id)}`);
      },
    }),
  );

  return router;
}
