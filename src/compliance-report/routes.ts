import { Router, type Request, type Response } from 'express';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { sendDocx } from '../letters/index.js';
import { formPost } from '../shared/forms.js';
import { vietnamYear } from '../shared/dates.js';
import type { Config } from '../config.js';
import { reportForm } from './schemas.js';
import * as service from './service.js';
import { WINDOW_KINDS } from './window.js';

export function complianceReportRouter(config: Pick<Config, 'SUPPRESS_BELOW'>): Router {
  const router = Router();
  router.use(requireLogin, requireRole('head', 'admin'));

  const formLocals = async (req: Request, res: Response) => ({
    title: res.locals.t('complianceReport.title'),
    units: await service.reportableUnits(actor(req)),
    windows: WINDOW_KINDS,
    defaultYear: vietnamYear(),
  });

  // GET /compliance-report — choose the unit, the year and the window
  router.get('/', async (req, res) => {
    res.render('compliance-report/index', await formLocals(req, res));
  });

  // POST /compliance-report — the report as a Word document (nothing is stored: it is built from the read model)
  router.post(
    '/',
    formPost({
      schema: reportForm,
      view: 'compliance-report/index',
      locals: formLocals,
      submit: async (req, res, input) => {
        const report = await service.buildReport(actor(req), input, { suppressBelow: config.SUPPRESS_BELOW });
        res.set('Cache-Control', 'private, no-store');
        sendDocx(res, report.buffer, report.fileName);
      },
    }),
  );

  return router;
}
