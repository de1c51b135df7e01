import { shownText } from '../shared/suppression.js';
import { localeOf } from '../shared/text.js';
import { isId } from '../shared/ids.js';
import { vietnamYear } from '../shared/dates.js';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import type { Config } from '../config.js';
import { NotFound } from '../shared/errors.js';
import { parseInput } from '../shared/validation.js';
import * as service from './service.js';

// Chart.js from our own origin (CSP allows scripts from 'self' only): its UMD build, straight from the package.
const chartJsFile = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const query = z.object({
  unit: z.string().refine(isId).optional().catch(undefined),
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
});

/** The current year in Vietnam (UTC+7). */
const thisYear = (now = new Date()) => vietnamYear(now);

export function dashboardRouter(config: Config): Router {
  const router = Router();

  // GET /dashboard/assets/chart.umd.min.js — the charts library
  router.get('/assets/chart.umd.min.js', (_req, res) => {
    res.sendFile(chartJsFile, { maxAge: '7d', headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
  });

  router.use(requireLogin, requireRole('head', 'admin'));

  // GET /dashboard?unit=&year= — a unit and its subtree over one year
  router.get('/', async (req, res) => {
    const q = parseInput(query, req.query);
    const who = actor(req);
    const unitId = q.unit ?? (await service.defaultUnitId(who));
    if (!unitId) throw new NotFound();
    const year = q.year ?? thisYear();
    const data = await service.dashboard(who, unitId, year, config.SUPPRESS_BELOW, config);
    const locale = localeOf(res.locals.lang);
    res.render('dashboard/index', {
      title: res.locals.t('dashboard.title'),
      data,
      units: await service.dashboardUnits(who),
      pct: (x: number | null) => (x === null ? '—' : res.locals.formatPercent(x)),
      ratio: service.rate,
      shown: shownText(locale),
      // For the charts: numbers, with suppressed cells as gaps (null), never the hidden count.
      chartJson: JSON.stringify(chartData(data, res.locals.t)).replace(/</g, '\\u003c'),
    });
  });

  return router;
}

function chartData(d: service.Dashboard, t: (k: string, o?: Record<string, unknown>) => string) {
  const num = (v: service.Shown) => (typeof v === 'number' ? v : null);
  const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
  const months = Array.from({ length: 12 }, (_, i) => t('dashboard.monthShort', { n: i + 1 }));
  return {
    criteria: { labels: d.criteria.map((c) => c.code), values: d.criteria.map((c) => pct(c.rate)), label: t('dashboard.compliance.series') },
    completion: { labels: d.completion.map((p) => p.periodKey), values: d.completion.map((p) => pct(p.rate)), label: t('dashboard.completion.series') },
    incidents: {
      labels: months,
      series: d.statuses.map((s, i) => ({ label: t(`exports.workbook.reportStatus.${s}`), values: d.incidentsByMonth.map((m) => num(m.byStatus[i]!)) })),
    },
    satisfaction: { labels: months, values: d.satisfaction.map((m) => pct(m.rate)), label: t('dashboard.satisfaction.series') },
  };
}
