import { Router, type Request, type Response } from 'express';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { Conflict } from '../shared/errors.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { parseInput } from '../shared/validation.js';
import { REPORT_STATUSES } from './model.js';
import * as templates from './response-templates.js';
import { responseTemplateForm, templateStateForm } from './schemas.js';

const STALE = 'templates.errors.stale';
const FIELDS = ['title', 'textVi', 'textEn', 'criterionCode', 'statuses', 'active', 'version'] as const;

/** The posted fields of the form, as typed, for a page shown again (409: over the latest version number). */
function postedValues(req: Request): Record<string, unknown> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(FIELDS.filter((f) => typeof body[f] === 'string' || Array.isArray(body[f])).map((f) => [f, body[f]]));
}

const valuesOf = (t: templates.ResponseTemplate) => ({
  title: t.title,
  textVi: t.textVi,
  textEn: t.textEn,
  criterionCode: t.criterionCode,
  statuses: [...(t.statuses ?? [])],
  active: t.active ? 'on' : '',
  version: String(t.version),
});

/** Mounted at /reports/templates (before /reports): the province administrator's reply templates. */
export function responseTemplatesRouter(): Router {
  const router = Router();
  router.use(requireLogin, requireRole('admin'));

  async function formLocals(req: Request, res: Response, titleKey: string) {
    return { title: res.locals.t(titleKey), criteria: await templates.criterionOptions(actor(req)), statuses: REPORT_STATUSES, placeholders: templates.PLACEHOLDERS, errors: {} };
  }
  const newLocals = (req: Request, res: Response) => formLocals(req, res, 'templates.newTitle');
  const editLocals = async (req: Request, res: Response) => ({ ...(await formLocals(req, res, 'templates.editTitle')), template: await templates.getTemplate(actor(req), String(req.params.id)) });

  // GET /reports/templates — the list, active first
  router.get('/', async (req, res) => {
    res.render('incidents/templates/index', { title: res.locals.t('templates.title'), rows: await templates.listTemplates(actor(req)), criteria: await templates.criterionOptions(actor(req)) });
  });

  // GET /reports/templates/new
  router.get('/new', async (req, res) => {
    res.render('incidents/templates/new', { ...(await newLocals(req, res)), values: { active: 'on', statuses: [], criterionCode: '' } });
  });

  // POST /reports/templates — add one
  router.post(
    '/',
    formPost({
      schema: responseTemplateForm,
      view: 'incidents/templates/new',
      locals: newLocals,
      submit: async (req, res, input) => {
        await templates.createTemplate(actor(req), input);
        flash(req, 'success', 'templates.flash.created');
        res.redirect('/reports/templates');
      },
    }),
  );

  // GET /reports/templates/:id/edit
  router.get('/:id/edit', async (req, res) => {
    const locals = await editLocals(req, res);
    res.render('incidents/templates/edit', { ...locals, values: valuesOf(locals.template) });
  });

  /** Someone saved the template since this form was read: the page again with the typed values, 409. */
  async function stale(req: Request, res: Response, err: unknown) {
    if (!(err instanceof Conflict) || err.messageKey !== STALE) throw err;
    const locals = await editLocals(req, res);
    res.status(409).render('incidents/templates/edit', { ...locals, values: { ...postedValues(req), version: String(locals.template.version) }, formError: STALE });
  }

  // POST /reports/templates/:id — save changes over the version read
  const save = formPost({
    schema: responseTemplateForm,
    view: 'incidents/templates/edit',
    locals: editLocals,
    submit: async (req, res, input) => {
      await templates.updateTemplate(actor(req), String(req.params.id), input);
      flash(req, 'success', 'templates.flash.saved');
      res.redirect('/reports/templates');
    },
  });
  router.post('/:id', async (req, res, next) => {
    try {
      await save(req, res, next);
    } catch (err) {
      await stale(req, res, err);
    }
  });

  // POST /reports/templates/:id/deactivate, …/reactivate — out of the pickers, or back in
  for (const [path, active] of [['deactivate', false], ['reactivate', true]] as const) {
    router.post(`/:id/${path}`, async (req, res) => {
      const { version } = parseInput(templateStateForm, req.body ?? {});
      try {
        await templates.setActive(actor(req), String(req.params.id), active, version);
      } catch (err) {
        if (!(err instanceof Conflict) || err.messageKey !== STALE) throw err;
        return res.status(409).render('incidents/templates/index', { title: res.locals.t('templates.title'), rows: await templates.listTemplates(actor(req)), criteria: await templates.criterionOptions(actor(req)), formError: STALE });
      }
      flash(req, 'success', active ? 'templates.flash.reactivated' : 'templates.flash.deactivated');
      res.redirect('/reports/templates');
    });
  }

  return router;
}
