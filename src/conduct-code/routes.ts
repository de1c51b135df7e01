import { Router, type Request, type Response } from 'express';
import { actor, requireLogin, requireRole } from '../auth/index.js';
import { flash } from '../shared/flash.js';
import { formPost } from '../shared/forms.js';
import * as code from './service.js';
import { officialCatalogue } from './official.js';
import { formRows, publishVersionSchema } from './schemas.js';
import type { CodeVersion } from './model.js';

const EMPTY_CRITERION_ROWS = 3;
const EMPTY_GROUP_ROWS = 1;
const GROUP_FIELDS = ['code', 'nameVi', 'nameEn'] as const;
const CRITERION_FIELDS = ['code', 'group', 'nameVi', 'nameEn', 'plainVi', 'plainEn', 'legalSource'] as const;

function blankRow(fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f, '']));
}

/** Posted rows back as strings, in form order (so errors keep their row), topped up with blank rows for additions. */
function postedRows(raw: unknown, fields: readonly string[], blanks: number): Record<string, string>[] {
  const rows = formRows(raw).map((r) => Object.fromEntries(fields.map((f) => [f, typeof r[f] === 'string' ? (r[f] as string) : ''])));
  let trailingBlanks = 0;
  while (trailingBlanks < rows.length && Object.values(rows[rows.length - 1 - trailingBlanks]!).every((v) => v.trim() === '')) trailingBlanks++;
  return [...rows, ...Array.from({ length: Math.max(0, blanks - trailingBlanks) }, () => blankRow(fields))];
}

/** The publishing form's rows, filled in from a version (or the official code when the province has none). */
function rowsFrom(base: Pick<CodeVersion, 'groups' | 'criteria'> | typeof officialCatalogue) {
  const grouped = code.groupedCriteria(base as Pick<CodeVersion, 'groups' | 'criteria'>);
  const groupRows = grouped.map((g) => ({ code: g.code, nameVi: g.name?.vi ?? '', nameEn: g.name?.en ?? '' }));
  const criteriaRows = grouped.flatMap((g) =>
    g.criteria.map((c) => ({ code: c.code, group: c.group, nameVi: c.name?.vi ?? '', nameEn: c.name?.en ?? '', plainVi: c.plainLabel?.vi ?? '', plainEn: c.plainLabel?.en ?? '', legalSource: c.legalSource ?? '' })),
  );
  return {
    groupRows: [...groupRows, ...Array.from({ length: EMPTY_GROUP_ROWS }, () => blankRow(GROUP_FIELDS))],
    criteriaRows: [...criteriaRows, ...Array.from({ length: EMPTY_CRITERION_ROWS }, () => blankRow(CRITERION_FIELDS))],
  };
}

async function newVersionPage(req: Request, res: Response) {
  const a = actor(req);
  const from = typeof req.query.from === 'string' ? await code.getVersion(a, req.query.from) : await code.latestVersion(a);
  const [provinceId, latest] = await Promise.all([code.provinceOf(a), code.latestVersion(a)]);
  res.render('conduct-code/new', {
    title: res.locals.t('code.publish.title'),
    baseNumber: from?.versionNumber ?? null,
    fromOfficial: !from,
    ...rowsFrom(from ?? officialCatalogue),
    values: { provinceId: provinceId ? String(provinceId) : '', latestSeen: String(latest?.versionNumber ?? 0), title: '', legalBasis: from?.legalBasis ?? officialCatalogue.legalBasis, effectiveFrom: '' },
  });
}

export function codeRouter(): Router {
  const router = Router();
  router.use(requireLogin);

  // GET /code — the version in force today, and every version of the province
  router.get('/', async (req, res) => {
    const a = actor(req);
    const [current, versions] = await Promise.all([code.currentVersionFor(a), code.listVersions(a)]);
    res.render('conduct-code/index', { title: res.locals.t('code.title'), current, grouped: current ? code.groupedCriteria(current) : [], versions });
  });

  // GET /code/versions/new — the publishing form, filled in from the latest version (or ?from=<id>)
  router.get('/versions/new', requireRole('admin'), newVersionPage);

  // POST /code/versions — publish a new version
  router.post(
    '/versions',
    requireRole('admin'),
    formPost({
      schema: publishVersionSchema,
      view: 'conduct-code/new',
      locals: (req, res) => ({
        title: res.locals.t('code.publish.title'),
        baseNumber: null,
        fromOfficial: false,
        groupRows: postedRows(req.body?.groups, GROUP_FIELDS, EMPTY_GROUP_ROWS),
        criteriaRows: postedRows(req.body?.criteria, CRITERION_FIELDS, EMPTY_CRITERION_ROWS),
      }),
      submit: async (req, res, input) => {
        const version = await code.publishVersion(actor(req), input);
        flash(req, 'success', 'code.publish.published', { number: version.versionNumber });
        res.redirect(`/code/versions/${String(version._id)}`);
      },
    }),
  );

  // GET /code/versions/:id — one version, as published
  router.get('/versions/:id', async (req, res) => {
    const version = await code.getVersion(actor(req), req.params.id);
    res.render('conduct-code/show', {
      title: res.locals.t('code.versionHeading', { number: version.versionNumber, title: version.title }),
      version,
      grouped: code.groupedCriteria(version),
    });
  });

  return router;
}
