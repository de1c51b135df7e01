import { vietnamYear } from '../shared/dates.js';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { isoDate } from '../shared/dates.js';
import { parseInput } from '../shared/validation.js';
import * as holidays from './service.js';
import { holidayForm, loadYearForm } from './schemas.js';
import { HOLIDAY_KINDS } from './model.js';
import { VIETNAM_HOLIDAY_YEARS } from './vietnam.js';

function yearOf(req: Request): number {
  const y = Number.parseInt(String(req.query.year ?? ''), 10);
  return Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : vietnamYear();
}

const kindOptions = (t: (k: string) => string) => HOLIDAY_KINDS.map((k) => ({ value: k, label: t(`holidays.kinds.${k}`) }));

/** For signed-in pages: the years whose deadlines are being counted without a calendar (`calendarGaps`). */
export async function calendarGapLocals(req: Request, res: Response, next: NextFunction): Promise<void> {
  res.locals.calendarGaps = req.user ? await holidays.yearsWithoutCalendar() : [];
  next();
}

/** Mounted at /holidays: administrators only. */
export function holidaysRouter(): Router {
  const router = Router();
  router.use(requireLogin, requireRole('admin'));

  // GET /holidays?year= — the calendar of one year, with the form to add a day
  router.get('/', async (req, res) => {
    const year = yearOf(req);
    const [rows, years] = await Promise.all([holidays.listHolidays(actor(req), year), holidays.yearsInCalendar()]);
    res.render('holidays/index', {
      title: res.locals.t('holidays.title'),
      year,
      rows,
      years: [...new Set([...years, ...VIETNAM_HOLIDAY_YEARS, year])].sort(),
      bundledYears: VIETNAM_HOLIDAY_YEARS,
      kindOptions: kindOptions(res.locals.t),
      values: { kind: 'HOLIDAY' },
    });
  });

  // POST /holidays — add a day
  router.post('/',
    formPost({
      schema: holidayForm,
      view: 'holidays/index',
      locals: async (req, res) => {
        const year = yearOf(req);
        return { title: res.locals.t('holidays.title'), year, rows: await holidays.listHolidays(actor(req), year), years: VIETNAM_HOLIDAY_YEARS, bundledYears: VIETNAM_HOLIDAY_YEARS, kindOptions: kindOptions(res.locals.t) };
      },
      submit: async (req, res, input) => {
        await holidays.createHoliday(actor(req), input);
        flash(req, 'success', 'holidays.created');
        res.redirect(`/holidays?year=${input.date.getUTCFullYear()}`);
      },
    }),
  );

  // POST /holidays/load — add the bundled Vietnamese holidays of a year
  router.post('/load', async (req, res) => {
    const { year } = parseInput(loadYearForm, req.body ?? {});
    const added = await holidays.loadVietnamYear(actor(req), year);
    flash(req, 'success', 'holidays.loaded', { count: added, year });
    res.redirect(`/holidays?year=${year}`);
  });

  // GET /holidays/:id/edit
  router.get('/:id/edit', async (req, res) => {
    const h = await holidays.getHoliday(actor(req), String(req.params.id));
    res.render('holidays/edit', {
      title: res.locals.t('holidays.editTitle'),
      holiday: h,
      kindOptions: kindOptions(res.locals.t),
      values: { date: isoDate(h.date), kind: h.kind, name: h.name, nameEn: h.nameEn, provisional: h.provisional ? 'on' : '' },
    });
  });

  // POST /holidays/:id — save changes
  router.post('/:id',
    formPost({
      schema: holidayForm,
      view: 'holidays/edit',
      locals: async (req, res) => ({ title: res.locals.t('holidays.editTitle'), holiday: await holidays.getHoliday(actor(req), String(req.params.id)), kindOptions: kindOptions(res.locals.t) }),
      submit: async (req, res, input) => {
        await holidays.updateHoliday(actor(req), String(req.params.id), input);
        flash(req, 'success', 'common.saved');
        res.redirect(`/holidays?year=${input.date.getUTCFullYear()}`);
      },
    }),
  );

  // POST /holidays/:id/delete
  router.post('/:id/delete', async (req, res) => {
    const h = await holidays.getHoliday(actor(req), String(req.params.id));
    await holidays.deleteHoliday(actor(req), String(req.params.id));
    flash(req, 'success', 'holidays.deleted');
    res.redirect(`/holidays?year=${h.year}`);
  });

  return router;
}
