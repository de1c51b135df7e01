import { Router, type Request, type Response } from 'express';
import QRCode from 'qrcode';
import { hasRole, renewSignIn, requireLogin, requireRole, actor, decryptSecret, encryptSecret, newTotpSecret, totpUri, twoFactorKeyOf, type LockoutPolicy } from '../auth/index.js';
import { ROLES } from '../auth/index.js';
import { formPost } from '../shared/forms.js';
import { flash } from '../shared/flash.js';
import { csrfToken } from '../shared/csrf.js';
import { createUserForm, updateUserForm, resetPasswordForm, changePasswordForm, twoFactorCodeForm } from './schemas.js';
import * as users from './service.js';
import { ownSubjectAccessFile, subjectAccessFileName } from '../privacy/index.js';

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
    res.render('users/edit', { ...(await formLocals(req, res)), user, values: user, twoFactorOn: await users.twoFactorOn(user.id) });
  });

  const editLocals = async (req: Request, res: Response) => {
    const user = await users.getUser(actor(req), String(req.params.id));
    return { ...(await formLocals(req, res)), user, twoFactorOn: await users.twoFactorOn(user.id) };
  };

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

  // POST /users/:id/two-factor/reset — for a user who lost phone and recovery codes
  router.post('/:id/two-factor/reset', async (req, res) => {
    await users.resetTwoFactor(actor(req), req.params.id);
    flash(req, 'success', 'twoFactor.resetDone');
    res.redirect(`/users/${req.params.id}/edit`);
  });

  // POST /users/:id/unlock
  router.post('/:id/unlock', async (req, res) => {
    await users.unlock(actor(req), req.params.id);
    flash(req, 'success', 'users.unlocked');
    res.redirect('/users');
  });

  return router;
}

declare module 'express-session' {
  interface SessionData {
    /** The secret being enrolled (encrypted like the stored ones), until a code for it is entered. */
    twoFactorEnrolment?: string;
  }
}

/** The signed-in user's own account. */
export function accountRouter(opts: { twoFactorKey: string; twoFactorRequired: boolean; lockout: LockoutPolicy }): Router {
  const key = twoFactorKeyOf(opts.twoFactorKey);
  const router = Router();
  router.use(requireLogin);
  const locals = (_req: Request, res: Response) => ({ title: res.locals.t('users.changePassword') });

  // GET /account/my-data — the signed-in staff member downloads everything kept about them (right of access)
  router.get('/my-data', async (req, res) => {
    const file = await ownSubjectAccessFile(actor(req));
    res.set('Cache-Control', 'no-store');
    res.attachment(subjectAccessFileName(file));
    res.type('application/json').send(JSON.stringify(file, null, 2));
  });

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

  /** The secret this session is enrolling, made on first view and kept until enrolment completes. */
  const enrolmentSecret = (req: Request): string => {
    const stored = req.session.twoFactorEnrolment ? decryptSecret(key, req.session.twoFactorEnrolment) : null;
    if (stored) return stored;
    const secret = newTotpSecret();
    req.session.twoFactorEnrolment = encryptSecret(key, secret);
    return secret;
  };
  const twoFactorLocals = async (req: Request, res: Response) => {
    const me = actor(req);
    res.set('Cache-Control', 'no-store');
    if (me.twoFactor) return { title: res.locals.t('twoFactor.title'), enrolled: true, values: {}, errors: {} };
    const secret = enrolmentSecret(req);
    const uri = totpUri(secret, (await users.ownUsername(me)) ?? me.displayName);
    return {
      title: res.locals.t('twoFactor.title'),
      enrolled: false,
      required: opts.twoFactorRequired && hasRole(me, 'admin', 'head'),
      secret: secret.replace(/(.{4})/g, '$1 ').trim(),
      qr: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 220 }),
      values: {},
      errors: {},
    };
  };

  // GET /account/two-factor — enrolment (QR code and secret) or, when on, the form to turn it off
  router.get('/two-factor', async (req, res) => res.render('users/two-factor', await twoFactorLocals(req, res)));

  // POST /account/two-factor — completes the enrolment with a code; the recovery codes are shown once, in this answer
  router.post(
    '/two-factor',
    formPost({
      schema: twoFactorCodeForm,
      view: 'users/two-factor',
      locals: twoFactorLocals,
      submit: async (req, res, input) => {
        if (actor(req).twoFactor) return res.redirect('/account/two-factor');
        const codes = await users.enableOwnTwoFactor(actor(req), key, enrolmentSecret(req), input.code);
        delete req.session.twoFactorEnrolment;
        // Enrolment ended the account's other sessions (signed in with a password only); this one carries on.
        await renewSignIn(req);
        // The renewed session has a new CSRF token: the page's forms (log out) need it.
        res.locals.csrfToken = csrfToken(req);
        res.set('Cache-Control', 'no-store');
        res.render('users/recovery-codes', { title: res.locals.t('twoFactor.recoveryTitle'), codes });
      },
    }),
  );

  // POST /account/two-factor/disable — only with a valid code
  router.post(
    '/two-factor/disable',
    formPost({
      schema: twoFactorCodeForm,
      view: 'users/two-factor',
      locals: twoFactorLocals,
      submit: async (req, res, input) => {
        await users.disableOwnTwoFactor(actor(req), key, input.code, opts.lockout);
        flash(req, 'success', 'twoFactor.disabled');
        res.redirect('/account/two-factor');
      },
    }),
  );
  return router;
}
