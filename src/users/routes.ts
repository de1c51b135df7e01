import { Router, type Request, type Response } from 'express';
import { renewSignIn, requireLogin, requireRole, actor } from '../auth/index.js';
import { ROLES } from '../auth/index.js';
import { formPost } from '../shared/forms.js';
import { flash } from '../shared/flash.js';
import { createUserForm, updateUserForm, resetPasswordForm, changePasswordForm } from './schemas.js';
import * as users from './service.js';

const ROLE_ROWS = 3;

async function formLocals(req: Request, res: Response) {
  return { title: res.locals.t('users.title'), roles: ROLES, unitChoices: await users.unitChoices(actor(req)), roleRows: ROLE_ROWS };
}

/** Login accounts, managed by province administrators. */
export function usersRouter(): Router {
  const router = Router();
  router.use(requireLogin, requireRole('admin'));

  // GET /users
  router.get('/', async (req, res) => {
    res.render('users/index', { title: res.locals.t('users.title'), users: await users.listUsers(actor(req)) });
  });

  // GET /users/new — ?staffId= prefills the link to a staff record
  router.get('/new', async (req, res) => {
    const staffId = typeof req.query.staffId === 'string' ? req.query.staffId : '';
    res.render('users/new', { ...(await formLocals(req, res)), values: { staffId, displayName: typeof req.query.name === 'string' ? req.query.name : '', roles: [] } });
  });

  // POST /users
  router.post(
    '/',
    formPost({
      schema: createUserForm,
      view: 'users/new',
      locals: formLocals,
      submit: async (req, res, input) => {
        await users.createLogin(actor(req), input);
        flash(req, 'success', 'users.created', { username: input.username });
        res.redirect('/users');
      },
    }),
  );

  // GET /users/:id/edit
  router.get('/:id/edit', async (req, res) => {
    const user = await users.getUser(actor(req), req.params.id);
    res.render('users/edit', { ...(await formLocals(req, res)), user, values: user });
  });

  const editLocals = async (req: Request, res: Response) => ({ ...(await formLocals(req, res)), user: await users.getUser(actor(req), String(req.params.id)) });

  // POST /users/:id
  router.post(
    '/:id',
    formPost({
      schema: updateUserForm,
      view: 'users/edit',
      locals: editLocals,
      submit: async (req, res, input) => {
        await users.updateLogin(actor(req), String(req.params.id), input);
        flash(req, 'success', 'common.saved');
        res.redirect('/users');
      },
    }),
  );

  // POST /users/:id/password — an administrator sets a temporary password
  router.post(
    '/:id/password',
    formPost({
      schema: resetPasswordForm,
      view: 'users/edit',
      locals: async (req, res) => ({ ...(await editLocals(req, res)), values: await users.getUser(actor(req), String(req.params.id)) }),
      submit: async (req, res, input) => {
        await users.resetPassword(actor(req), String(req.params.id), input.password);
        flash(req, 'success', 'users.passwordReset');
        res.redirect(`/users/${req.params.id}/edit`);
      },
    }),
  );

  // POST /users/:id/unlock
  router.post('/:id/unlock', async (req, res) => {
    await users.unlock(actor(req), req.params.id);
    flash(req, 'success', 'users.unlocked');
    res.redirect('/users');
  });

  return router;
}

/** The signed-in user's own account. */
export function accountRouter(): Router {
  const router = Router();
  router.use(requireLogin);
  const locals = (_req: Request, res: Response) => ({ title: res.locals.t('users.changePassword') });

  // GET /account/password
  router.get('/password', (req, res) => res.render('users/password', locals(req, res)));

  // POST /account/password
  router.post(
    '/password',
    formPost({
      schema: changePasswordForm,
      view: 'users/password',
      locals,
      submit: async (req, res, input) => {
        await users.changeOwnPassword(actor(req), input.currentPassword, input.newPassword);
        // The change ended every session of the account; this one carries on.
        await renewSignIn(req);
        flash(req, 'success', 'users.passwordChanged');
        res.redirect('/');
      },
    }),
  );
  return router;
}
