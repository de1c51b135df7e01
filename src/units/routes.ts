import { Router, type Request, type Response } from 'express';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { Forbidden, ValidationFailed } from '../shared/errors.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { formatDate, vietnamDay } from '../shared/dates.js';
import { UNIT_KINDS } from './model.js';
import { closeFormSchema, createUnitSchema, mergeFormSchema, splitFormSchema, updateUnitSchema } from './schemas.js';
import * as units from './service.js';

const SPLIT_ROWS = 4;

function kindOptions(res: Response) {
  return UNIT_KINDS.map((k) => ({ value: k, label: res.locals.t(`units.kinds.${k}`) }));
}

function unitOptions(list: units.UnitSummary[], res: Response, emptyLabel: string) {
  return [{ value: '', label: emptyLabel }, ...list.map((u) => ({ value: u.id, label: `${'· '.repeat(u.depth)}${u.name} (${u.code})` }))];
}

/** The unit named in the URL, for a page only its administrators may open. */
async function managedUnit(req: Request) {
  const unit = await units.findUnitOr404(String(req.params.id));
  if (!units.canAdminister(actor(req), unit)) throw new Forbidden();
  return unit;
}

/** A split form numbers only the filled rows; service errors are moved back to the rows the user typed in. */
function onRows(err: ValidationFailed, rows: number[]): ValidationFailed {
  const fieldErrors = Object.fromEntries(Object.entries(err.fieldErrors).map(([k, v]) => [k.replace(/^newUnits\.(\d+)\./, (_, i: string) => `newUnits.${rows[Number(i)] ?? i}.`), v]));
  return new ValidationFailed(fieldErrors, err.messageKey, err.status);
}

export function unitsRouter(): Router {
  const router = Router();
  router.use(requireLogin);

  // GET /units/search?q= — JSON for unit pickers, for anyone signed in
  router.get('/search', async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q : '';
    res.json(await units.searchUnits(q));
  });

  router.use(requireRole('admin', 'head'));
  const admin = requireRole('admin');

  // GET /units — the tree of units in the user's scope
  router.get('/', async (req, res) => {
    const includeClosed = req.query.closed === '1';
    res.render('units/index', { title: res.locals.t('units.title'), tree: await units.listTree(actor(req), { includeClosed }), includeClosed });
  });

  const newLocals = async (req: Request, res: Response) => ({
    title: res.locals.t('units.newTitle'),
    action: '/units',
    unit: null,
    kinds: kindOptions(res),
    parents: unitOptions(await units.pickerOptions(actor(req)), res, res.locals.t('units.fields.noParent')),
  });

  // GET /units/new
  router.get('/new', admin, async (req, res) => {
    const parentId = typeof req.query.parent === 'string' ? req.query.parent : '';
    res.render('units/form', { ...(await newLocals(req, res)), values: { parentId, effectiveFrom: formatDate(vietnamDay()) } });
  });

  // POST /units
  router.post(
    '/',
    admin,
    formPost({
      schema: createUnitSchema,
      view: 'units/form',
      locals: newLocals,
      submit: async (req, res, input) => {
        const unit = await units.createUnit(actor(req), input);
        flash(req, 'success', 'units.flash.created');
        res.redirect(`/units/${unit._id}`);
      },
    }),
  );

  // GET /units/:id — details and history
  router.get('/:id', async (req, res) => {
    const view = await units.getUnit(actor(req), String(req.params.id));
    res.render('units/show', { title: view.unit.name, ...view });
  });

  const editLocals = async (req: Request, res: Response) => {
    const unit = await managedUnit(req);
    return { title: res.locals.t('units.editTitle', { name: unit.name }), action: `/units/${unit._id}`, unit: units.summary(unit), kinds: kindOptions(res), parents: [] };
  };

  // GET /units/:id/edit
  router.get('/:id/edit', admin, async (req, res) => {
    const locals = await editLocals(req, res);
    const u = await units.findUnitOr404(String(req.params.id));
    const values = { version: u.version ?? 0, code: u.code, name: u.name, kind: u.kind, effectiveFrom: formatDate(u.effectiveFrom), effectiveTo: formatDate(u.effectiveTo) };
    res.render('units/form', { ...locals, values });
  });

  // POST /units/:id
  router.post(
    '/:id',
    admin,
    formPost({
      schema: updateUnitSchema,
      view: 'units/form',
      locals: editLocals,
      submit: async (req, res, input) => {
        const unit = await units.updateUnit(actor(req), String(req.params.id), input);
        flash(req, 'success', 'units.flash.updated');
        res.redirect(`/units/${unit._id}`);
      },
    }),
  );

  const endedNotice = (unit: { effectiveTo?: Date | null }) => (unit.effectiveTo ? { formError: 'units.errors.alreadyClosed' } : {});

  const mergeLocals = async (req: Request, res: Response) => {
    const unit = await managedUnit(req);
    const candidates = await units.mergeCandidates(actor(req), unit);
    return {
      title: res.locals.t('units.mergeTitle', { name: unit.name }),
      unit: units.summary(unit),
      candidates,
      targets: unitOptions(candidates, res, res.locals.t('units.fields.choose')),
      parents: unitOptions(await units.pickerOptions(actor(req), { excludeSubtreeOf: unit._id }), res, res.locals.t('units.fields.noParent')),
      kinds: kindOptions(res),
    };
  };

  // GET /units/:id/merge
  router.get('/:id/merge', admin, async (req, res) => {
    const unit = await managedUnit(req);
    res.render('units/merge', { ...(await mergeLocals(req, res)), ...endedNotice(unit), values: { targetMode: 'new', newKind: unit.kind, newParentId: unit.parentId ? String(unit.parentId) : '' } });
  });

  // POST /units/:id/merge
  router.post(
    '/:id/merge',
    admin,
    formPost({
      schema: mergeFormSchema,
      view: 'units/merge',
      locals: mergeLocals,
      submit: async (req, res, input) => {
        const target =
          input.targetMode === 'existing'
            ? { unitId: input.targetId! }
            : { code: input.newCode!, name: input.newName!, kind: input.newKind!, parentId: input.newParentId! };
        const merged = await units.mergeUnits(actor(req), {
          sourceIds: [String(req.params.id), ...input.sourceIds],
          target,
          effectiveDate: input.effectiveDate,
          legalBasis: input.legalBasis,
          note: input.note,
        });
        flash(req, 'success', 'units.flash.merged');
        res.redirect(`/units/${merged._id}`);
      },
    }),
  );

  const splitLocals = async (req: Request, res: Response) => {
    const unit = await managedUnit(req);
    return { title: res.locals.t('units.splitTitle', { name: unit.name }), unit: units.summary(unit), kinds: [{ value: '', label: res.locals.t('units.fields.choose') }, ...kindOptions(res)], rows: SPLIT_ROWS };
  };

  // GET /units/:id/split
  router.get('/:id/split', admin, async (req, res) => {
    const unit = await managedUnit(req);
    res.render('units/split', { ...(await splitLocals(req, res)), ...endedNotice(unit) });
  });

  // POST /units/:id/split
  router.post(
    '/:id/split',
    admin,
    formPost({
      schema: splitFormSchema,
      view: 'units/split',
      locals: splitLocals,
      submit: async (req, res, input) => {
        try {
          await units.splitUnit(actor(req), { sourceId: String(req.params.id), newUnits: input.newUnits, effectiveDate: input.effectiveDate, legalBasis: input.legalBasis, note: input.note });
        } catch (err) {
          throw err instanceof ValidationFailed ? onRows(err, input.rows) : err;
        }
        flash(req, 'success', 'units.flash.split');
        res.redirect(`/units/${req.params.id}`);
      },
    }),
  );

  const closeLocals = async (req: Request, res: Response) => {
    const unit = await managedUnit(req);
    const successors = await units.pickerOptions(actor(req), { excludeSubtreeOf: unit._id });
    return { title: res.locals.t('units.closeTitle', { name: unit.name }), unit: units.summary(unit), successors: unitOptions(successors, res, res.locals.t('units.fields.noSuccessor')) };
  };

  // GET /units/:id/close
  router.get('/:id/close', admin, async (req, res) => {
    const unit = await managedUnit(req);
    res.render('units/close', { ...(await closeLocals(req, res)), ...endedNotice(unit) });
  });

  // POST /units/:id/close
  router.post(
    '/:id/close',
    admin,
    formPost({
      schema: closeFormSchema,
      view: 'units/close',
      locals: closeLocals,
      submit: async (req, res, input) => {
        await units.closeUnit(actor(req), { unitId: String(req.params.id), effectiveDate: input.effectiveDate, successorId: input.successorId, legalBasis: input.legalBasis, note: input.note });
        flash(req, 'success', 'units.flash.closed');
        res.redirect(`/units/${req.params.id}`);
      },
    }),
  );

  return router;
}
