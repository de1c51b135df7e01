import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { parseInput } from '../shared/validation.js';
import { PRINT_LAYOUT } from '../letters/index.js';
import { COMMENT_MAX, deskSettingsForm, ratingForm, reportQuery } from './schemas.js';
import * as service from './service.js';
import type { Config } from '../config.js';
import { shownText } from '../shared/suppression.js';
import { localeOf } from '../shared/text.js';
import { isLanguage, translator } from '../shared/i18n.js';

export const KIOSK_LAYOUT = 'satisfaction/kiosk-layout';
const manager = requireRole('admin', 'head');
/** Seconds the thank-you page waits before the kiosk is ready for the next citizen. */
const THANK_YOU_SECONDS = 8;
/**
 * Seconds without a touch, a key or a scroll after which the kiosk page returns to its start (public/js/kiosk.js): in
 * Vietnamese, nothing chosen, for a citizen who changed the language or began a rating and walked away.
 */
export const KIOSK_IDLE_SECONDS = 90;

const KIOSK_WINDOW_MINUTES = 10;

/**
 * Ratings per network address, hashed with a key that lives only in this process: the limiter's memory holds no
 * address, and nothing the client sends (a cookie, its browser signature) can give it a fresh allowance.
 */
function addressLimiter(ratingsPerWindow: number) {
  const key = crypto.randomBytes(32);
  return rateLimit({
    windowMs: KIOSK_WINDOW_MINUTES * 60_000,
    limit: ratingsPerWindow,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req: Request) =>
      crypto
        .createHmac('sha256', key)
        .update(ipKeyGenerator(req.ip ?? ''))
        .digest('base64url'),
    handler: (req: Request, res: Response) => {
      res.status(429).render('satisfaction/too-many', { layout: KIOSK_LAYOUT, title: res.locals.t('satisfaction.kiosk.title'), deskCode: String(req.params.deskCode ?? '') });
    },
  });
}

const officerQuery = (req: Request) => (typeof req.query.officer === 'string' ? req.query.officer : undefined);

/** The public rating kiosk (/danh-gia/…): no login, a rate limit per network address. */
export function kioskRouter(ratingsPer10Minutes: number): Router {
  const router = Router();
  const limiter = addressLimiter(ratingsPer10Minutes);

  const kioskLocals = async (req: Request, res: Response, officerId?: string) => {
    const data = await service.kiosk(String(req.params.deskCode), officerId);
    const kioskPath = `/danh-gia/${encodeURIComponent(data.desk.code)}${data.officer ? `?officer=${data.officer.id}` : ''}`;
    return {
      layout: KIOSK_LAYOUT,
      title: res.locals.t('satisfaction.kiosk.title'),
      ...data,
      commentMax: COMMENT_MAX,
      idle: { seconds: KIOSK_IDLE_SECONDS, startHref: `/lang/vi?back=${encodeURIComponent(kioskPath)}` },
    };
  };

  // GET /danh-gia/:deskCode — the public rating kiosk of a desk (?officer= from an officer's QR code)
  router.get('/danh-gia/:deskCode', async (req, res) => {
    res.render('satisfaction/kiosk', await kioskLocals(req, res, officerQuery(req)));
  });

  // POST /danh-gia/:deskCode
  router.post(
    '/danh-gia/:deskCode',
    limiter,
    formPost({
      schema: ratingForm,
      view: 'satisfaction/kiosk',
      locals: (req, res) => kioskLocals(req, res, typeof req.body?.officer === 'string' ? req.body.officer : undefined),
      submit: async (req, res, input) => {
        await service.submitRating(String(req.params.deskCode), input);
        // The next citizen at this kiosk starts in Vietnamese: the thank-you page alone still speaks the language
        // this citizen chose (passed in its address, not kept in the session).
        const chosen = res.locals.lang as string;
        delete req.session.lang;
        const query = new URLSearchParams();
        if (input.officer) query.set('officer', input.officer);
        if (chosen !== 'vi') query.set('hl', chosen);
        const back = query.size ? `?${query}` : '';
        res.redirect(303, `/danh-gia/${encodeURIComponent(String(req.params.deskCode))}/cam-on${back}`);
      },
    }),
  );

  // GET /danh-gia/:deskCode/cam-on — thanks, then back to the kiosk for the next citizen
  router.get('/danh-gia/:deskCode/cam-on', async (req, res) => {
    const data = await service.kiosk(String(req.params.deskCode), officerQuery(req));
    const officer = data.officer ? `?officer=${data.officer.id}` : '';
    // The citizen who just rated reads their thanks in their language; the session is already back to Vietnamese
    // (and so is the kiosk page this one returns to after its idle timeout).
    if (isLanguage(req.query.hl)) {
      res.locals.lang = req.query.hl;
      res.locals.t = translator(req.query.hl);
    }
    res.render('satisfaction/thanks', {
      layout: KIOSK_LAYOUT,
      title: res.locals.t('satisfaction.thanks.title'),
      desk: data.desk,
      kioskHref: `/danh-gia/${encodeURIComponent(data.desk.code)}${officer}`,
      refreshSeconds: THANK_YOU_SECONDS,
    });
  });

  return router;
}

/** Mounted at /satisfaction: heads and administrators of the desks' units. */
export function satisfactionRouter(config: Pick<Config, 'PUBLIC_BASE_URL' | 'SUPPRESS_BELOW'>): Router {
  const router = Router();
  router.use(requireLogin, manager);

  // GET /satisfaction — the satisfaction rate per desk and month (?unit=&from=YYYY-MM&to=YYYY-MM)
  router.get('/', async (req, res) => {
    const query = reportQuery.parse(req.query);
    const [report, units] = await Promise.all([service.satisfactionReport(actor(req), query, config.SUPPRESS_BELOW), service.reportUnitOptions(actor(req))]);
    res.render('satisfaction/report', { title: res.locals.t('satisfaction.report.title'), report, units, suppressBelow: config.SUPPRESS_BELOW, shown: shownText(localeOf(res.locals.lang)) });
  });

  // GET /satisfaction/desks — the desks' kiosks, scales and QR codes
  router.get('/desks', async (req, res) => {
    res.render('satisfaction/desks', { title: res.locals.t('satisfaction.desks.title'), desks: await service.listDesks(actor(req)) });
  });

  // POST /satisfaction/desks/:id/scale
  router.post('/desks/:id/scale', async (req, res) => {
    await service.managedDesk(actor(req), String(req.params.id));
    const input = parseInput(deskSettingsForm, req.body ?? {});
    await service.setScale(actor(req), String(req.params.id), input.scale);
    flash(req, 'success', 'satisfaction.desks.scaleSaved');
    res.redirect('/satisfaction/desks');
  });

  // GET /satisfaction/desks/:id/qr — printable QR codes for the desk and each officer
  router.get('/desks/:id/qr', async (req, res) => {
    // The configured address, never the request's Host header (which the client chooses); the request's own address
    // only on a development machine without one.
    const sheet = await service.qrSheet(actor(req), String(req.params.id), config.PUBLIC_BASE_URL ?? `${req.protocol}://${req.get('host')}`);
    res.render('satisfaction/qr', { layout: PRINT_LAYOUT, title: res.locals.t('satisfaction.qr.title', { name: sheet.desk.name }), ...sheet, backHref: '/satisfaction/desks' });
  });

  return router;
}
