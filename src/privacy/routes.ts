import { Router, type Request, type Response } from 'express';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import type { Config } from '../config.js';
import { exportSettingsFrom } from '../exports/index.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { lastRun, runRetentionNow } from './job.js';
import { retentionForm } from './schemas.js';
import { assertProvinceAdmin, RETENTION_BOUNDS, retentionSettings, updateRetention } from './settings.js';

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

  return router;
}
