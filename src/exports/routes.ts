import { vietnamYear } from '../shared/dates.js';
import { Router, type Request, type Response } from 'express';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { isLanguage } from '../shared/i18n.js';
import * as jobs from './jobs.js';
import { exportForm } from './schemas.js';
import * as service from './service.js';
import { exportSettingsFrom } from './settings.js';
import type { Config } from '../config.js';

export function exportsRouter(config: Config): Router {
  const settings = exportSettingsFrom(config);
  const router = Router();
  router.use(requireLogin, requireRole('head', 'admin'));

  const indexLocals = async (req: Request, res: Response) => ({
    title: res.locals.t('exports.title'),
    units: await service.exportableUnits(actor(req)),
    jobs: await service.recentJobs(actor(req)),
    defaultYear: vietnamYear(),
  });

  // GET /exports — choose a unit and year; the exports asked for lately
  router.get('/', async (req, res) => {
    res.render('exports/index', await indexLocals(req, res));
  });

  // POST /exports — queue a workbook, then follow its progress
  router.post(
    '/',
    formPost({
      schema: exportForm,
      view: 'exports/index',
      locals: indexLocals,
      submit: async (req, res, input) => {
        const lang = isLanguage(res.locals.lang) ? res.locals.lang : 'vi';
        const job = await service.requestExport(actor(req), input, lang, settings);
        flash(req, 'info', 'exports.requested');
        res.redirect(303, `/exports/${String(job._id)}`);
      },
    }),
  );

  // GET /exports/:id — progress (polled by script, or refreshed without it), then the download link
  router.get('/:id', async (req, res) => {
    const job = await service.jobFor(actor(req), String(req.params.id));
    res.render('exports/show', { title: res.locals.t('exports.fileFor', { unit: job.unitName, year: job.year }), job });
  });

  // GET /exports/:id/status — the job's state as JSON for the progress script
  router.get('/:id/status', async (req, res) => {
    const job = await service.jobFor(actor(req), String(req.params.id));
    const t = res.locals.t;
    res.set('Cache-Control', 'no-store').json({
      status: job.status,
      progress: job.progress,
      label: t(`exports.status.${job.status}`),
      error: job.status === 'FAILED' ? t('exports.failed', { reason: t(job.errorKey || 'exports.errors.internal') }) : null,
      downloadUrl: job.status === 'DONE' ? `/exports/${String(job._id)}/download` : null,
    });
  });

  // GET /exports/:id/download — the finished workbook, named after the unit and year
  router.get('/:id/download', async (req, res) => {
    const file = await service.downloadFor(actor(req), String(req.params.id));
    res.download(file.path, file.fileName, { headers: { 'Cache-Control': 'private, no-store' } });
  });

  return router;
}
