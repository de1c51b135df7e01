import { Router, type Request } from 'express';
import passport from 'passport';
import { rateLimit } from 'express-rate-limit';
import { loginForm } from './schemas.js';
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

export function authRouter(opts: { loginRateLimitPer15Min: number; defaultLanguage: 'vi' | 'en' }): Router {
  const router = Router();
  const loginLimiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: opts.loginRateLimitPer15Min,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req: Request, res) => {
      const t = translator(languageOf(req, opts.defaultLanguage));
      res.status(429).render('auth/login', { title: t('auth.title'), values: { username: req.body?.username ?? '' }, errors: {}, formError: 'errors.tooMany' });
    },
  });

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
      // req.login regenerates the session, so nothing from before the login survives but the language.
      req.login(user, (loginErr) => {
        if (loginErr) return next(loginErr);
        if (lang) req.session.lang = lang;
        res.redirect(returnTo);
      });
    })(req, res, next);
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
