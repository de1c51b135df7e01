import { Router } from 'express';
import { z } from 'zod';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { pageNumber } from '../shared/pagination.js';
import { fieldErrorsOf, optionalDateInput, optionalText } from '../shared/validation.js';
import { filterChoices, objectHistory, searchAudit } from './queries.js';

const filterSchema = z
  .object({
    objectType: optionalText(50),
    action: optionalText(50),
    actor: optionalText(100),
    from: optionalDateInput,
    to: optionalDateInput,
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'validation.dateOrder' });

const FILTER_FIELDS = ['objectType', 'action', 'actor', 'from', 'to'] as const;

export function auditRouter(): Router {
  const router = Router();
  router.use(requireLogin, requireRole('head', 'admin'));

  // GET /audit — the log in the reader's scope (an administrator's or a head's units), filtered, newest first
  router.get('/', async (req, res) => {
    const a = actor(req);
    const values = Object.fromEntries(FILTER_FIELDS.map((f) => [f, typeof req.query[f] === 'string' ? req.query[f] : '']));
    const choices = await filterChoices(a);
    const parsed = filterSchema.safeParse(Object.fromEntries(FILTER_FIELDS.filter((f) => req.query[f] !== undefined).map((f) => [f, req.query[f]])));
    if (!parsed.success) {
      res.status(422).render('audit/index', { title: res.locals.t('audit.title'), values, errors: fieldErrorsOf(parsed.error), formError: 'errors.validation', choices, entries: [], pager: null, baseQuery: '' });
      return;
    }
    const f = parsed.data;
    const { entries, pager } = await searchAudit(a, { objectType: f.objectType, action: f.action, actorName: f.actor, from: f.from, to: f.to }, pageNumber(req.query.page));
    const baseQuery = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== '') as [string, string][]).toString();
    res.render('audit/index', { title: res.locals.t('audit.title'), values, choices, entries, pager, baseQuery });
  });

  // GET /audit/:objectType/:objectId — every change to one object
  router.get('/:objectType/:objectId', async (req, res) => {
    const { objectType, objectId } = req.params;
    const entries = await objectHistory(actor(req), objectType, objectId);
    res.render('audit/object', { title: res.locals.t('audit.objectTitle'), objectType, objectId, entries });
  });

  return router;
}
