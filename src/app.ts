import cookieParser from 'cookie-parser';
import { configureFlash } from './shared/flash.js';
import { registerMessages } from './catalogues.js';
import express from 'express';
import helmet from 'helmet';
import path from 'node:path';
import crypto from 'node:crypto';
import { pinoHttp } from 'pino-http';
import expressLayouts from 'express-ejs-layouts';
import type { Config } from './config.js';
import { projectRoot } from './shared/paths.js';
import { logger as defaultLogger } from './shared/logger.js';
import type { Logger } from 'pino';
import type { Connection } from 'mongoose';
import { viewLocals } from './shared/locals.js';
import { requireTwoFactorEnrolment, userLocals } from './auth/guards.js';
import { twoFactorKeyOf } from './auth/two-factor.js';
import { recordRecoveryCodeUsed } from './users/service.js';
import { csrfProtection } from './shared/csrf.js';
import { errorHandler, notFoundHandler } from './shared/error-handler.js';
import { sessionMiddleware, sessionStoredBeforeRedirect } from './auth/sessions.js';
import { configurePassport } from './auth/passport.js';
import { authRouter } from './auth/routes.js';
import { healthRouter } from './health/routes.js';
import { homeRouter } from './home/routes.js';
import { unitsRouter } from './units/routes.js';
import { staffRouter } from './staff/routes.js';
import { codeRouter } from './conduct-code/routes.js';
import { auditRouter } from './audit/routes.js';
import { evaluationsRouter } from './evaluations/routes.js';
import { usersRouter, accountRouter } from './users/routes.js';
import { reportsRouter } from './incidents/routes.js';
import { responseTemplatesRouter } from './incidents/template-routes.js';
import { citizenReportsRouter } from './incidents/citizen-routes.js';
import { kioskRouter, satisfactionRouter } from './satisfaction/routes.js';
import { dossiersRouter } from './dossiers/routes.js';
import { holidaysRouter } from './holidays/routes.js';
import { disciplineRouter } from './discipline/routes.js';
import { calendarGapLocals } from './holidays/index.js';
import { exportsRouter } from './exports/routes.js';
import { complianceReportRouter } from './compliance-report/routes.js';
import { dashboardRouter } from './dashboard/routes.js';
import { privacyNoticeLocals, useConfiguredDefaults } from './privacy/index.js';
import { useIdentityKey } from './incidents/index.js';
import { privacyRouter } from './privacy/routes.js';
import { requestMemoMiddleware } from './shared/request-memo.js';

/** Builds the Express app; no side effects beyond the returned object (the database must be connected). */
/** What citizens use without an account: the report form and case look-up, the desk's rating kiosk. */
function citizenPages(config: Config): express.Router {
  const router = express.Router();
  // The privacy notice on every public page states the retention periods in force.
  router.use(['/phan-anh', '/tra-cuu', '/danh-gia'], privacyNoticeLocals);
  router.use(citizenReportsRouter(config));
  router.use(kioskRouter(config.KIOSK_RATINGS_PER_10_MIN));
  return router;
}

export function createApp(config: Config, deps: { logger?: Logger; healthConnection?: Connection } = {}): express.Express {
  const logger = deps.logger ?? defaultLogger;
  registerMessages();
  useConfiguredDefaults(config);
  useIdentityKey(config.identityKey);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('views', path.join(projectRoot, 'views'));
  app.set('view engine', 'ejs');
  app.set('layout', 'layouts/main');
  app.set('view cache', config.NODE_ENV === 'production');

  app.use(
    helmet({
      contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': config.cookieSecure ? [] : null } },
      hsts: config.cookieSecure,
      // Our own pages may tell which page a form came from (the language links of a page answering a POST go back to
      // it); no other site is told anything.
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // One line per request, without addresses, cookies or bodies: public forms may be anonymous.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customProps: (req, res) => {
        const user = (req as express.Request).user;
        return user && !(res as express.Response).locals?.omitUserFromLog ? { userId: String(user.userId) } : {};
      },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url?.startsWith('/public/') === true },
    }),
  );
  app.use('/public', express.static(path.join(projectRoot, 'public'), { maxAge: config.NODE_ENV === 'production' ? '7d' : 0 }));
  app.use(healthRouter(deps.healthConnection));

  app.use(requestMemoMiddleware);
  app.use(sessionMiddleware(config));
  app.use(sessionStoredBeforeRedirect);
  // Signed cookies: the one-shot flash messages (shared/flash.ts), signed with the session secret.
  app.use(cookieParser(config.sessionSecret));
  configureFlash(app, config.cookieSecure);
  const lockout = { maxAttempts: config.LOGIN_MAX_ATTEMPTS, lockMinutes: config.LOGIN_LOCK_MINUTES };
  const passport = configurePassport(lockout);
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(viewLocals(config.DEFAULT_LANGUAGE));
  app.use(userLocals);
  app.use(calendarGapLocals);
  app.use(expressLayouts);
  // Parsed once the page's locals and layout are set, so that a body over the limit gets the site's error page (413)
  // in the user's language, not a bare one.
  app.use(express.urlencoded({ extended: true, limit: '200kb', parameterLimit: 2000 }));
  app.use(csrfProtection);
  app.use(requireTwoFactorEnrolment(config.twoFactorRequired));

  app.use(
    authRouter({
      loginRateLimitPer15Min: config.LOGIN_RATE_LIMIT_PER_15_MIN,
      defaultLanguage: config.DEFAULT_LANGUAGE,
      lockout,
      twoFactorKey: twoFactorKeyOf(config.twoFactorKey),
      onRecoveryCodeUsed: recordRecoveryCodeUsed,
    }),
  );
  app.use(homeRouter());
  app.use('/units', unitsRouter());
  app.use('/staff', staffRouter());
  app.use('/code', codeRouter());
  app.use('/audit', auditRouter());
  app.use('/evaluations', evaluationsRouter(config));
  app.use('/users', usersRouter());
  app.use('/account', accountRouter({ twoFactorKey: config.twoFactorKey, twoFactorRequired: config.twoFactorRequired, lockout }));
  app.use('/exports', exportsRouter(config));
  app.use('/compliance-report', complianceReportRouter(config));
  app.use('/dashboard', dashboardRouter(config));
  app.use('/reports/templates', responseTemplatesRouter());
  app.use('/reports', reportsRouter(config));
  app.use('/satisfaction', satisfactionRouter(config));
  app.use('/dossiers', dossiersRouter());
  app.use('/holidays', holidaysRouter());
  app.use('/discipline', disciplineRouter());
  app.use('/privacy', privacyRouter(config));
  app.use(citizenPages(config));

  app.use(notFoundHandler);
  app.use(errorHandler());
  return app;
}
