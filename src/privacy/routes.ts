import { Router, type Request, type Response } from 'express';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import type { Config } from '../config.js';
import { exportSettingsFrom } from '../exports/index.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { lastRun, runRetentionNow } from './job.js';
import { REQUEST_KINDS } from './model.js';
import { handleRequest, listRequests, recordRequest } from './requests.js';
import { accessFileForm, dataRequestForm, handleRequestForm, retentionForm } from './schemas.js';
import { subjectAccessFileForRequest, subjectAccessFileName } from './subject-access.js';
import { vietnamMoment } from '../shared/dates.js';
import { assertProvinceAdmin, DEADLINE_FIELD, RETENTION_BOUNDS, retentionSettings, updateRetention } from './settings.js';

/** Mounted at /privacy: province administrators only (an admin of a lower unit gets 403 from the service check). */
export function privacyRouter(config: Config): Router {
  const router = Router();
  router.use(requireLogin, requireRole('admin'));
  const exportSettings = exportSettingsFrom(config);

  const pageLocals = async (_req: Request, res: Response) => ({
    title: res.locals.t('privacy.settings.title'),
    bounds: RETENTION_BOUNDS,
    sessionHours: config.SESSION_MAX_AGE_HOURS,
    last: await lastRun(),
  });

  // GET /privacy — the retention periods, the last run of the job, "run now"
  router.get('/', async (req, res) => {
    await assertProvinceAdmin(actor(req));
    const values = await retentionSettings();
    res.render('privacy/settings', { ...(await pageLocals(req, res)), values, errors: {} });
  });

  // POST /privacy — save the periods
  router.post(
    '/',
    formPost({
      schema: retentionForm,
      view: 'privacy/settings',
      authorize: (req) => assertProvinceAdmin(actor(req)),
      locals: pageLocals,
      submit: async (req, res, input) => {
        await updateRetention(actor(req), input);
        flash(req, 'success', 'privacy.settings.saved');
        res.redirect('/privacy');
      },
    }),
  );

  // POST /privacy/run — run the retention job now
  router.post('/run', async (req, res) => {
    const counts = await runRetentionNow(actor(req), exportSettings);
    flash(req, 'success', 'privacy.settings.ran', { ...counts });
    res.redirect('/privacy');
  });

  const requestLocals = async (req: Request, res: Response) => ({
    title: res.locals.t('privacy.requests.title'),
    kinds: REQUEST_KINDS.map((k) => ({ value: k, label: res.locals.t(`privacy.requests.kinds.${k}`) })),
    deadlines: await (async () => {
      const s = await retentionSettings();
      return REQUEST_KINDS.map((k) => ({ label: res.locals.t(`privacy.requests.kinds.${k}`), hours: s[DEADLINE_FIELD[k]] }));
    })(),
    rows: await listRequests(actor(req)),
  });

  // GET /privacy/requests — the register of data-subject requests, with the form to record one
  router.get('/requests', async (req, res) => {
    res.render('privacy/requests', { ...(await requestLocals(req, res)), values: { kind: 'ACCESS' }, errors: {} });
  });

  // POST /privacy/requests — record a request received (its deadline follows from the day and hour received)
  router.post(
    '/requests',
    formPost({
      schema: dataRequestForm,
      view: 'privacy/requests',
      authorize: (req) => assertProvinceAdmin(actor(req)),
      locals: requestLocals,
      submit: async (req, res, input) => {
        const [hour, minute] = input.receivedTime.split(':').map(Number);
        const d = input.receivedOn;
        const receivedAt = vietnamMoment(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hour, minute);
        await recordRequest(actor(req), { kind: input.kind, requesterName: input.requesterName, contact: input.contact, details: input.details, receivedAt });
        flash(req, 'success', 'privacy.requests.recorded');
        res.redirect('/privacy/requests');
      },
    }),
  );

  // POST /privacy/requests/:id — mark a request done or refused, with the answer given
  router.post(
    '/requests/:id',
    formPost({
      schema: handleRequestForm,
      view: 'privacy/requests',
      authorize: (req) => assertProvinceAdmin(actor(req)),
      locals: requestLocals,
      submit: async (req, res, input) => {
        await handleRequest(actor(req), String(req.params.id), input);
        flash(req, 'success', 'privacy.requests.handled');
        res.redirect('/privacy/requests');
      },
    }),
  );

  // POST /privacy/requests/:id/subject-data — for an access request: the data file of the staff member it is about
  router.post(
    '/requests/:id/subject-data',
    formPost({
      schema: accessFileForm,
      view: 'privacy/requests',
      authorize: (req) => assertProvinceAdmin(actor(req)),
      locals: requestLocals,
      submit: async (req, res, input) => {
        const file = await subjectAccessFileForRequest(actor(req), String(req.params.id), input.staff);
        res.set('Cache-Control', 'no-store');
        res.attachment(subjectAccessFileName(file));
        res.type('application/json').send(JSON.stringify(file, null, 2));
      },
    }),
  );

  return router;
}
