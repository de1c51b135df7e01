import { Router, type Request, type Response } from 'express';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import { pageNumber } from '../shared/pagination.js';
import { formatDate, vietnamDay } from '../shared/dates.js';
import { apologyLetterDocx, letterViewModel, LETTER_VIEW, PRINT_LAYOUT, SALUTATIONS, sendDocx } from '../letters/index.js';
import { SLIP_CHANNELS } from './model.js';
import { apologySlipForm, dossierEditForm, dossierListQuery, lateDossierForm, withdrawForm } from './schemas.js';
import * as service from './service.js';

const keeper = requireRole(...service.DOSSIER_ROLES);
const safeFileName = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60);

/** Mounted at /dossiers: signed-in desk staff, heads and administrators only. */
export function dossiersRouter(): Router {
  const router = Router();
  router.use(requireLogin, keeper);

  // GET /dossiers — the register of late dossiers and their apology slips
  router.get('/', async (req, res) => {
    const query = dossierListQuery.parse(req.query);
    const [list, units] = await Promise.all([service.listDossiers(actor(req), query, pageNumber(req.query.page)), service.unitOptions(actor(req))]);
    const baseQuery = new URLSearchParams({ unit: query.unit, year: query.year ? String(query.year) : '', withoutSlip: query.withoutSlip ? '1' : '' }).toString();
    res.render('dossiers/index', { title: res.locals.t('dossiers.title'), ...list, units, filters: query, baseQuery });
  });

  const newLocals = async (req: Request, res: Response) => ({
    title: res.locals.t('dossiers.newTitle'),
    units: await service.unitOptions(actor(req)),
    staff: await service.staffOptions(actor(req)),
  });

  // GET /dossiers/new
  router.get('/new', async (req, res) => {
    res.render('dossiers/new', { ...(await newLocals(req, res)), values: { unitId: typeof req.query.unit === 'string' ? req.query.unit : '' } });
  });

  // POST /dossiers
  router.post('/',
    formPost({
      schema: lateDossierForm,
      view: 'dossiers/new',
      locals: newLocals,
      submit: async (req, res, input) => {
        const id = await service.recordLateDossier(actor(req), input);
        flash(req, 'success', 'dossiers.recorded');
        res.redirect(`/dossiers/${id}`);
      },
    }),
  );

  const showLocals = async (req: Request, res: Response) => {
    const dossier = await service.getDossier(actor(req), String(req.params.id));
    const slipForm = await service.slipForm(actor(req), String(req.params.id));
    return { title: res.locals.t('dossiers.showTitle', { number: dossier.dossierNumber }), dossier, channels: SLIP_CHANNELS, salutations: SALUTATIONS, slipForm };
  };

  // GET /dossiers/:id — the dossier, its slip or the form to issue one
  router.get('/:id', async (req, res) => {
    const locals = await showLocals(req, res);
    const values = { channel: 'PAPER', issuedDate: formatDate(vietnamDay()), documentNumber: locals.slipForm.suggestedNumber, salutation: '', signerName: '', signerTitle: locals.slipForm.signerTitles[0] };
    res.render('dossiers/show', { ...locals, values });
  });

  // POST /dossiers/:id/slip — issue the "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
  router.post('/:id/slip',
    formPost({
      schema: apologySlipForm,
      view: 'dossiers/show',
      locals: showLocals,
      submit: async (req, res, input) => {
        await service.issueSlip(actor(req), String(req.params.id), input);
        flash(req, 'success', 'dossiers.slipIssued');
        res.redirect(`/dossiers/${String(req.params.id)}`);
      },
    }),
  );

  const editLocals = async (req: Request, res: Response) => {
    const dossier = await service.dossierForEdit(actor(req), String(req.params.id));
    return { title: res.locals.t('dossiers.editTitle', { number: dossier.values.dossierNumber }), dossier, staff: await service.staffOptions(actor(req)) };
  };

  // GET /dossiers/:id/edit — correct what was entered
  router.get('/:id/edit', async (req, res) => {
    const locals = await editLocals(req, res);
    res.render('dossiers/edit', { ...locals, values: locals.dossier.values });
  });

  // POST /dossiers/:id/edit
  router.post('/:id/edit',
    formPost({
      schema: dossierEditForm,
      view: 'dossiers/edit',
      locals: editLocals,
      authorize: (req) => service.dossierForEdit(actor(req), String(req.params.id)),
      submit: async (req, res, input) => {
        await service.updateLateDossier(actor(req), String(req.params.id), input);
        flash(req, 'success', 'dossiers.updated');
        res.redirect(`/dossiers/${String(req.params.id)}`);
      },
    }),
  );

  // POST /dossiers/:id/withdraw — take back a dossier recorded by mistake
  router.post('/:id/withdraw',
    formPost({
      schema: withdrawForm,
      view: 'dossiers/show',
      locals: showLocals,
      authorize: (req) => service.getDossier(actor(req), String(req.params.id)),
      submit: async (req, res, input) => {
        await service.withdrawLateDossier(actor(req), String(req.params.id), input);
        flash(req, 'success', 'dossiers.withdrawn');
        res.redirect('/dossiers');
      },
    }),
  );

  // GET /dossiers/:id/slip — the printable slip
  router.get('/:id/slip', async (req, res) => {
    const id = String(req.params.id);
    const { data, dossierNumber } = await service.slipLetter(actor(req), id);
    res.render(LETTER_VIEW, {
      layout: PRINT_LAYOUT,
      title: res.locals.t('dossiers.slipTitle', { number: dossierNumber }),
      letter: letterViewModel(data),
      backHref: `/dossiers/${id}`,
      docxHref: `/dossiers/${id}/slip.docx`,
    });
  });

  // GET /dossiers/:id/slip.docx
  router.get('/:id/slip.docx', async (req, res) => {
    const { data, dossierNumber } = await service.slipLetter(actor(req), String(req.params.id));
    sendDocx(res, await apologyLetterDocx(data), `phieu-xin-loi-${safeFileName(dossierNumber)}.docx`);
  });

  return router;
}
