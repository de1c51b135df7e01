import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { csrfAfterUpload } from '../shared/csrf.js';
import { ValidationFailed, NotFound } from '../shared/errors.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { EDUCATION_LEVELS, GENDERS, POLITICAL_THEORY_LEVELS, GENERAL_EDUCATION_LEVELS, STAFF_CATEGORIES } from './model.js';
import { staffEditForm, staffForm, staffListQuery } from './schemas.js';
import { IMPORT_MAX_BYTES } from './import.js';
import * as service from './service.js';

const choices = { categories: STAFF_CATEGORIES, genders: GENDERS, educationLevels: EDUCATION_LEVELS, politicalTheoryLevels: POLITICAL_THEORY_LEVELS, generalEducationLevels: GENERAL_EDUCATION_LEVELS };
const manager = requireRole('admin', 'head');
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 10 } }).single('file');

export function staffRouter(): Router {
  const router = Router();
  router.use(requireLogin);

  // GET /staff — the registry of the units the actor manages
  router.get('/', manager, async (req, res) => {
    const query = staffListQuery.parse(req.query);
    const [list, units] = await Promise.all([service.listStaff(actor(req), query), service.unitOptions(actor(req))]);
    const baseQuery = new URLSearchParams({ q: query.q, unitId: query.unitId, category: query.category, active: query.active }).toString();
    res.render('staff/index', { title: res.locals.t('staff.title'), ...list, units, filters: query, baseQuery, choices });
  });

  // GET /staff/me — the signed-in person's own record
  router.get('/me', async (req, res) => {
    const id = await service.ownStaffId(actor(req));
    if (!id) throw new NotFound();
    res.redirect(`/staff/${id}`);
  });

  const formLocals = (mode: 'new' | 'edit') => async (req: Request, res: Response) => ({
    title: res.locals.t(mode === 'new' ? 'staff.newTitle' : 'staff.editTitle'),
    units: await service.unitOptions(actor(req), { openOnly: true }),
    choices,
    action: mode === 'new' ? '/staff' : `/staff/${String(req.params.id)}`,
    mode,
  });

  // GET /staff/new
  router.get('/new', manager, async (req, res) => {
    res.render('staff/form', { ...(await formLocals('new')(req, res)), values: { active: true, educationLevel: 'university', politicalTheoryLevel: 'none', generalEducation: 'upperSecondary' } });
  });

  // POST /staff
  router.post(
    '/',
    manager,
    formPost({
      schema: staffForm,
      view: 'staff/form',
      locals: formLocals('new'),
      submit: async (req, res, input) => {
        const id = await service.createStaff(actor(req), input);
        flash(req, 'success', 'staff.created');
        res.redirect(`/staff/${id}`);
      },
    }),
  );

  // GET /staff/import
  router.get('/import', manager, (_req, res) => {
    res.render('staff/import', { title: res.locals.t('staff.importTitle'), result: null });
  });

  // GET /staff/import/template.xlsx
  router.get('/import/template.xlsx', manager, async (_req, res) => {
    const file = await service.importTemplate(res.locals.t);
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.attachment('mau-nhap-can-bo.xlsx');
    res.send(file);
  });

  // POST /staff/import — multipart, so the CSRF token is checked after the upload is parsed
  router.post('/import', manager, uploadOrExplain, csrfAfterUpload, async (req, res) => {
    try {
      const result = await service.importStaff(actor(req), req.file?.buffer ?? Buffer.alloc(0));
      res.render('staff/import', { title: res.locals.t('staff.importTitle'), result });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      res.status(err.status).render('staff/import', { title: res.locals.t('staff.importTitle'), result: null, errors: err.fieldErrors });
    }
  });

  // GET /staff/:id
  router.get('/:id', async (req, res) => {
    const staff = await service.getStaff(actor(req), String(req.params.id));
    res.render('staff/show', { title: staff.fullName, staff });
  });

  // GET /staff/:id/edit
  router.get('/:id/edit', manager, async (req, res) => {
    const values = await service.staffForEdit(actor(req), String(req.params.id));
    res.render('staff/form', { ...(await formLocals('edit')(req, res)), values });
  });

  // POST /staff/:id
  router.post(
    '/:id',
    manager,
    formPost({
      schema: staffEditForm,
      view: 'staff/form',
      locals: formLocals('edit'),
      authorize: (req) => service.assertMayEdit(actor(req), String(req.params.id)),
      submit: async (req, res, input) => {
        await service.updateStaff(actor(req), String(req.params.id), input);
        flash(req, 'success', 'staff.updated');
        res.redirect(`/staff/${String(req.params.id)}`);
      },
    }),
  );

  return router;
}

/** Runs the upload parser; a file that is too big or an unexpected field is explained on the import page. */
function uploadOrExplain(req: Request, res: Response, next: NextFunction): void {
  upload(req, res, (err: unknown) => {
    if (!err) return next();
    if (!(err instanceof multer.MulterError)) return next(err);
    const tooLarge = err.code === 'LIMIT_FILE_SIZE';
    res.status(tooLarge ? 413 : 400).render('staff/import', {
      title: res.locals.t('staff.importTitle'),
      result: null,
      errors: { file: tooLarge ? 'staff.import.tooLarge' : 'staff.import.noFile' },
    });
  });
}
