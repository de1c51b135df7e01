import { Router, type Request } from 'express';
import passport from 'passport';
import { rateLimit } from 'express-rate-limit';
import { codeForm, loginForm } from './schemas.js';
import { checkCode, type TwoFactorKey } from './two-factor.js';
import type { LockoutPolicy } from './service.js';
import type { Actor } from './actor.js';
import { flash } from '../shared/flash.js';
import { fieldErrorsOf } from '../shared/validation.js';
import { isLanguage } from '../shared/i18n.js';
import { translator } from '../shared/i18n.js';
import { languageOf } from '../shared/locals.js';
import { requireLogin } from './guards.js';

const HERE = 'http://this.host';

/** A path on this site only: browsers read `/\host` as `//host`, so the path is resolved as a browser would. */
export function safeReturnPath(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || /[\\\u0000-\u001f]/.test(raw)) return '/';
  try {
    const url = new URL(raw, HERE);
    return url.origin === HERE ? url.pathname + url.search + url.hash : '/';
  } catch {
    return '/';
  }
}

declare module 'express-session' {
  interface SessionData {
    /** Password accepted, second step still due: the session is not signed in until a code is accepted. */
    twoFactorPending?: { userId: string; returnTo: string; since: number };
  }
}

/** How long the code page waits after the password step before the password must be given again. */
const PENDING_MINUTES = 5;

function pendingOf(req: Request): { userId: string; returnTo: string } | null {
  const pending = req.session.twoFactorPending;
  if (!pending || Date.now() - pending.since > PENDING_MINUTES * 60_000) return null;
  return pending;
}

export interface AuthRouterOptions {
  loginRateLimitPer15Min: number;
  defaultLanguage: 'vi' | 'en';
  lockout: LockoutPolicy;
  twoFactorKey: TwoFactorKey;
  /** Called after a sign-in with a recovery code (the audit entry: auth does not write audit entries itself). */
  onRecoveryCodeUsed: (actor: Actor) => Promise<void>;
}

export function authRouter(opts: AuthRouterOptions): Router {
  const router = Router();
  // The password and the code steps share the login's limit; past it, the step's own form says so (429).
  const limitedLike = (view: string, titleKey: string, values: (req: Request) => Record<string, string>) =>
    rateLimit({
      windowMs: 15 * 60_000,
      limit: opts.loginRateLimitPer15Min,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (req: Request, res) => {
        const t = translator(languageOf(req, opts.defaultLanguage));
        res.status(429).render(view, { title: t(titleKey), values: values(req), errors: {}, formError: 'errors.tooMany' });
      },
    });
  const codeLimiter = limitedLike('auth/code', 'twoFactor.codeTitle', () => ({}));
  const loginLimiter = limitedLike('auth/login', 'auth.title', (req) => ({ username: req.body?.username ?? '' }));

  // GET /login
  router.get('/login', (req, res) => {
    if (req.user) return res.redirect('/');
    res.render('auth/login', { title: res.locals.t('auth.title'), values: {}, errors: {} });
  });

  // POST /login
  router.post('/login', loginLimiter, (req, res, next) => {
    const parsed = loginForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      return res.status(422).render('auth/login', { title: res.locals.t('auth.title'), values: { username: req.body?.username ?? '' }, errors: fieldErrorsOf(parsed.error) });
    }
    passport.authenticate('local', (err: unknown, user: Express.User | false, info?: { message?: string }) => {
      if (err) return next(err);
      if (!user) {
        const locked = info?.message === 'locked';
        return res.status(locked ? 423 : 401).render('auth/login', {
          title: res.locals.t('auth.title'),
          values: { username: parsed.data.username },
          errors: {},
          formError: locked ? 'auth.locked' : 'auth.invalid',
        });
      }
      const returnTo = safeReturnPath(req.session.returnTo);
      const lang = req.session.lang;
      if (user.twoFactor) {
        // Not signed in yet: a fresh session only remembers whose code is due (and the language).
        return req.session.regenerate((regenErr) => {
          if (regenErr) return next(regenErr);
          req.session.twoFactorPending = { userId: String(user.userId), returnTo, since: Date.now() };
          if (lang) req.session.lang = lang;
          res.redirect('/login/code');
        });
      }
      // req.login regenerates the session, so nothing from before the login survives but the language.
      req.login(user, (loginErr) => {
        if (loginErr) return next(loginErr);
        if (lang) req.session.lang = lang;
        res.redirect(returnTo);
      });
    })(req, res, next);
  });

  // GET /login/code — the second step, only after the password step
  router.get('/login/code', (req, res) => {
    if (req.user) return res.redirect('/');
    if (!pendingOf(req)) return res.redirect('/login');
    res.render('auth/code', { title: res.locals.t('twoFactor.codeTitle'), values: {}, errors: {} });
  });

  // POST /login/code — a code from the authenticator app, or a recovery code
  router.post('/login/code', codeLimiter, async (req, res, next) => {
    if (req.user) return res.redirect('/');
    const pending = pendingOf(req);
    if (!pending) {
      delete req.session.twoFactorPending;
      flash(req, 'error', 'twoFactor.expired');
      return res.redirect('/login');
    }
    const render = (status: number, formError?: string, errors: Record<string, string> = {}) =>
      res.status(status).render('auth/code', { title: res.locals.t('twoFactor.codeTitle'), values: {}, errors, formError });
    const parsed = codeForm.safeParse(req.body ?? {});
    if (!parsed.success) return render(422, undefined, { code: 'twoFactor.errors.codeRequired' });
    const result = await checkCode(opts.twoFactorKey, pending.userId, parsed.data.code, opts.lockout);
    if (!result.ok) {
      if (result.reason === 'locked') {
        delete req.session.twoFactorPending;
        return res.status(423).render('auth/login', { title: res.locals.t('auth.title'), values: {}, errors: {}, formError: 'auth.locked' });
      }
      return render(401, undefined, { code: 'twoFactor.errors.wrongCode' });
    }
    const lang = req.session.lang;
    // req.login regenerates the session: the pending state goes with the old one.
    req.login(result.actor, (loginErr) => {
      if (loginErr) return next(loginErr);
      if (lang) req.session.lang = lang;
      const done = () => res.redirect(pending.returnTo);
      if (!result.usedRecoveryCode) return done();
      flash(req, 'info', 'twoFactor.recoveryCodeUsed');
      opts.onRecoveryCodeUsed(result.actor).then(done, next);
    });
  });

  // POST /logout
  router.post('/logout', requireLogin, (req, res, next) => {
    req.logout((err) => {
      if (err) return next(err);
      req.session.destroy((destroyErr) => (destroyErr ? next(destroyErr) : res.redirect('/login')));
    });
  });

  // GET /lang/:lang — only a display preference, so a link is enough
  router.get('/lang/:lang', (req, res) => {
    if (isLanguage(req.params.lang)) req.session.lang = req.params.lang;
    res.redirect(safeReturnPath(req.query.back));
  });

  return router;
}
