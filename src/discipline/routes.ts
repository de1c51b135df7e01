import { Router, type Request, type Response } from 'express';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { flash } from '../shared/flash.js';
import { formPost, versionedPost } from '../shared/forms.js';
import { isoDate, vietnamYear } from '../shared/dates.js';
import * as discipline from './service.js';
import { decisionForm } from './schemas.js';
import { systemOf, type DisciplineDecision, type DisciplineForm, type DisciplineSystem } from './model.js';

/**
 * The choices of the form: the systems this person can be disciplined under, then every form grouped by system.
 * Without scripts all groups show (the service refuses a form of the other system); public/js/discipline-form.js
 * keeps only the chosen system's group.
 */
const formChoices = (t: (k: string) => string, forms: Partial<Record<DisciplineSystem, readonly DisciplineForm[]>>) => {
  const systems = Object.keys(forms) as DisciplineSystem[];
  return {
    systemOptions: systems.map((s) => ({ value: s, label: t(`discipline.systems.${s}`) })),
    formGroups: systems.map((s) => ({ system: s, label: t(`discipline.systems.${s}`), options: forms[s]!.map((f) => ({ value: f, label: t(`discipline.forms.${f}`) })) })),
  };
};

const valuesOf = (d: DisciplineDecision) => ({
  version: d.version,
  system: systemOf(d),
  form: d.form,
  decisionNumber: d.decisionNumber,
  decisionDate: isoDate(d.decisionDate),
  issuer: d.issuer,
  effectiveDate: isoDate(d.effectiveDate),
  violationYear: d.violationYear,
  dutyRelated: d.dutyRelated ? 'on' : '',
  caseNumber: d.caseNumber,
  note: d.note,
});

/** Mounted at /discipline: the province administrator and heads, each for the people their grant covers. */
export function disciplineRouter(): Router {
  const router = Router();
  router.use(requireLogin, requireRole('admin', 'head'));

  const listLocals = async (req: Request, res: Response) => {
    const page = await discipline.decisionsPage(actor(req), String(req.params.staffId));
    return { title: res.locals.t('discipline.title', { name: page.person.fullName }), page, ...formChoices(res.locals.t, page.forms), thisYear: vietnamYear() };
  };

  // GET /discipline/staff/:staffId — a person's decisions, with the form to record one
  router.get('/staff/:staffId', async (req, res) => {
    const locals = await listLocals(req, res);
    res.render('discipline/index', { ...locals, values: { system: locals.systemOptions[0]?.value, dutyRelated: 'on', violationYear: locals.thisYear } });
  });

  // POST /discipline/staff/:staffId — record a decision
  router.post(
    '/staff/:staffId',
    formPost({
      schema: decisionForm,
      view: 'discipline/index',
      authorize: (req) => discipline.decisionsPage(actor(req), String(req.params.staffId)),
      locals: listLocals,
      submit: async (req, res, input) => {
        await discipline.recordDecision(actor(req), String(req.params.staffId), input);
        flash(req, 'success', 'discipline.created');
        res.redirect(`/discipline/staff/${String(req.params.staffId)}`);
      },
    }),
  );

  const editLocals = async (req: Request, res: Response) => {
    const { decision, person, forms } = await discipline.decisionInScope(actor(req), String(req.params.id));
    return { title: res.locals.t('discipline.editTitle', { name: person.fullName }), decision, person: { _id: person._id, fullName: person.fullName }, ...formChoices(res.locals.t, forms) };
  };

  // GET /discipline/:id/edit
  router.get('/:id/edit', async (req, res) => {
    const locals = await editLocals(req, res);
    res.render('discipline/edit', { ...locals, values: valuesOf(locals.decision) });
  });

  // POST /discipline/:id — save changes
  router.post(
    '/:id',
    versionedPost({
      staleKey: 'discipline.errors.stale',
      latestValues: (locals) => valuesOf((locals as { decision: DisciplineDecision }).decision),
      schema: decisionForm,
      view: 'discipline/edit',
      authorize: (req) => discipline.decisionInScope(actor(req), String(req.params.id)),
      locals: editLocals,
      submit: async (req, res, input) => {
        await discipline.updateDecision(actor(req), String(req.params.id), input);
        const { person } = await discipline.decisionInScope(actor(req), String(req.params.id));
        flash(req, 'success', 'common.saved');
        res.redirect(`/discipline/staff/${String(person._id)}`);
      },
    }),
  );

  // POST /discipline/:id/delete
  router.post('/:id/delete', async (req, res) => {
    const staffId = await discipline.deleteDecision(actor(req), String(req.params.id));
    flash(req, 'success', 'discipline.deleted');
    res.redirect(`/discipline/staff/${String(staffId)}`);
  });

  return router;
}
