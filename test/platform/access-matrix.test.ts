import { expect } from 'chai';
import { Types } from 'mongoose';
import { UserModel } from '../../src/auth/model.js';
import { CodeVersionModel } from '../../src/conduct-code/model.js';
import { DisciplineDecisionModel } from '../../src/discipline/model.js';
import { LateDossierModel } from '../../src/dossiers/model.js';
import { EvaluationModel, PeriodModel } from '../../src/evaluations/model.js';
import { HolidayModel } from '../../src/holidays/model.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { ResponseTemplateModel } from '../../src/incidents/template-model.js';
import { StaffModel } from '../../src/staff/model.js';
import { UnitModel } from '../../src/units/model.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { loadDemo } from '../helpers/demo.js';
import { routesOf, type RouteEntry } from '../helpers/routes.js';
import type { Express } from 'express';

/**
 * Every route of the app (read from its router) × every kind of actor, against the policy declared below: allowed
 * actors are served (no 401/403, no redirect to the login page, no 5xx), the others get 403 or, when not signed in,
 * the login page. Ids in paths name objects of xã Thanh Nưa from the demo, so the head of another commune (Sính
 * Phình) is an actor out of scope; where the demo has no such object, an unknown id (the gate must still hold).
 */

type ActorName = 'anonymous' | 'staff' | 'head' | 'otherHead' | 'admin';
const ACTORS: ActorName[] = ['anonymous', 'staff', 'head', 'otherHead', 'admin'];

const ANYONE: ActorName[] = ACTORS;
const SIGNED_IN: ActorName[] = ['staff', 'head', 'otherHead', 'admin'];
/** Heads and administrators, each in their own scope (lists, forms to create). */
const MANAGERS: ActorName[] = ['head', 'otherHead', 'admin'];
/** Heads and administrators whose scope holds the Thanh Nưa object named by the path. */
const MANAGERS_OF_IT: ActorName[] = ['head', 'admin'];
const ADMIN: ActorName[] = ['admin'];

/** Who may use each route. A route missing here, or listed here and not served, fails the first test. */
const POLICY: Record<string, ActorName[]> = {
  'GET /health': ANYONE,
  'GET /login': ANYONE,
  'POST /login': ANYONE,
  // The code step serves someone between the password and the code (none of the actors here): without that step a
  // visitor is sent to the login page, and someone signed in to the home page.
  'GET /login/code': SIGNED_IN,
  'POST /login/code': SIGNED_IN,
  'POST /logout': SIGNED_IN,
  'GET /lang/:lang': ANYONE,
  'GET /': SIGNED_IN,

  // Citizens: no login
  'GET /phan-anh': ANYONE,
  'POST /phan-anh': ANYONE,
  'GET /phan-anh/bien-nhan': ANYONE,
  'POST /phan-anh/bien-nhan/xoa': ANYONE,
  'POST /phan-anh/bien-nhan/gui-thu': ANYONE,
  'GET /tra-cuu': ANYONE,
  'POST /tra-cuu': ANYONE,
  'GET /tra-cuu/ho-so': ANYONE,
  'POST /tra-cuu/ho-so/tin-nhan': ANYONE,
  // The case opened by a code in this browser (none here: 404 for everyone).
  'POST /tra-cuu/ho-so/danh-gia': ANYONE,
  'POST /tra-cuu/ho-so/chua-giai-quyet': ANYONE,
  'GET /tra-cuu/ho-so/thu-xin-loi': ANYONE,
  'GET /tra-cuu/ho-so/thu-xin-loi.docx': ANYONE,
  'POST /tra-cuu/thoat': ANYONE,
  'GET /danh-gia/:deskCode': ANYONE,
  'POST /danh-gia/:deskCode': ANYONE,
  'GET /danh-gia/:deskCode/cam-on': ANYONE,

  'GET /units/search': SIGNED_IN,
  'GET /units': MANAGERS,
  'GET /units/new': ADMIN,
  'POST /units': ADMIN,
  'GET /units/:id': MANAGERS_OF_IT,
  'GET /units/:id/edit': ADMIN,
  'POST /units/:id': ADMIN,
  'GET /units/:id/merge': ADMIN,
  'POST /units/:id/merge': ADMIN,
  'GET /units/:id/split': ADMIN,
  'POST /units/:id/split': ADMIN,
  'GET /units/:id/close': ADMIN,
  'POST /units/:id/close': ADMIN,

  'GET /staff': MANAGERS,
  'GET /staff/me': SIGNED_IN,
  'GET /staff/new': MANAGERS,
  'POST /staff': MANAGERS,
  'GET /staff/import': MANAGERS,
  'GET /staff/import/template.xlsx': MANAGERS,
  'POST /staff/import': MANAGERS,
  'GET /staff/:id': MANAGERS_OF_IT,
  'GET /staff/:id/edit': MANAGERS_OF_IT,
  'POST /staff/:id': MANAGERS_OF_IT,

  'GET /code': SIGNED_IN,
  'GET /code/versions/new': ADMIN,
  'POST /code/versions': ADMIN,
  'GET /code/versions/:id': SIGNED_IN,

  'GET /audit': MANAGERS,
  'GET /audit/:objectType/:objectId': MANAGERS_OF_IT,

  'GET /users': ADMIN,
  'GET /users/new': ADMIN,
  'POST /users': ADMIN,
  'GET /users/:id/edit': ADMIN,
  'POST /users/:id': ADMIN,
  'POST /users/:id/password': ADMIN,
  'POST /users/:id/unlock': ADMIN,
  'POST /users/:id/two-factor/reset': ADMIN,
  'GET /account/password': SIGNED_IN,
  // Accounts linked to a staff record (the demo's administrator has none: 403).
  'GET /account/my-data': ['staff', 'head', 'otherHead'],
  'POST /account/password': SIGNED_IN,
  'GET /account/two-factor': SIGNED_IN,
  'POST /account/two-factor': SIGNED_IN,
  'POST /account/two-factor/disable': SIGNED_IN,

  'GET /evaluations': SIGNED_IN,
  'GET /evaluations/periods': MANAGERS,
  'GET /evaluations/periods/new': MANAGERS,
  'POST /evaluations/periods': MANAGERS,
  // A province-wide period: each head sees their own commune's part of it.
  'GET /evaluations/periods/:id': MANAGERS,
  'GET /evaluations/periods/:id/completion': MANAGERS,
  'POST /evaluations/periods/:id/open': ADMIN,
  'POST /evaluations/periods/:id/reopen': ADMIN,
  'POST /evaluations/periods/:id/sync': ADMIN,
  // Jobs of a province period are the administrator's (heads open their own communes' periods).
  'GET /evaluations/periods/:id/jobs/:jobId': ADMIN,
  'POST /evaluations/periods/:id/close': ADMIN,
  'POST /evaluations/periods/:id/remind': ADMIN,
  'GET /evaluations/classifications': MANAGERS,
  'GET /evaluations/classifications/:staffId/:year': MANAGERS_OF_IT,
  'POST /evaluations/classifications/:staffId/:year': MANAGERS_OF_IT,
  // Another person's evaluation: its head and the administrator, not a colleague.
  'GET /evaluations/:id': MANAGERS_OF_IT,
  'POST /evaluations/:id/self': [],
  'POST /evaluations/:id/evaluate': MANAGERS_OF_IT,
  'POST /evaluations/:id/amend': MANAGERS_OF_IT,

  'GET /reports/new': SIGNED_IN,
  'POST /reports': SIGNED_IN,
  'GET /reports/receipt': SIGNED_IN,
  'POST /reports/receipt/xoa': SIGNED_IN,
  'GET /reports/mine': SIGNED_IN,
  // Reports received by phone, letter, hotline, suggestion box or in person: recorded by heads and the administrator.
  'GET /reports/new-intake': MANAGERS,
  'POST /reports/new-intake': MANAGERS,
  'GET /reports/new-intake/receipt': MANAGERS,
  'POST /reports/new-intake/receipt/xoa': MANAGERS,
  // Only its reporter (none of these actors filed the case used here).
  'GET /reports/mine/:id': [],
  'POST /reports/mine/:id/feedback': [],
  'POST /reports/mine/:id/reopen': [],
  'GET /reports/mine/:id/letter': [],
  'GET /reports/mine/:id/letter.docx': [],
  'GET /reports/notices': SIGNED_IN,
  // Only the person reported about, once asked for an explanation.
  'GET /reports/explanations/:id': [],
  'POST /reports/explanations/:id': [],
  'POST /reports/explanations/:id/review': [],
  'GET /reports': MANAGERS,
  // Reply templates: the province administrator keeps them; handlers only pick them on a case.
  'GET /reports/templates': ADMIN,
  'GET /reports/templates/new': ADMIN,
  'POST /reports/templates': ADMIN,
  'GET /reports/templates/:id/edit': ADMIN,
  'POST /reports/templates/:id': ADMIN,
  'POST /reports/templates/:id/deactivate': ADMIN,
  'POST /reports/templates/:id/reactivate': ADMIN,
  'GET /reports/:id': MANAGERS_OF_IT,
  'POST /reports/:id/transition': MANAGERS_OF_IT,
  'POST /reports/:id/explanation': MANAGERS_OF_IT,
  'POST /reports/:id/conclusion': MANAGERS_OF_IT,
  'POST /reports/:id/review': MANAGERS_OF_IT,
  'POST /reports/:id/replies': MANAGERS_OF_IT,
  'POST /reports/:id/notes': MANAGERS_OF_IT,
  'POST /reports/:id/duplicate': MANAGERS_OF_IT,
  'POST /reports/:id/duplicate/undo': MANAGERS_OF_IT,
  'POST /reports/:id/extend': MANAGERS_OF_IT,
  'POST /reports/:id/remedies': MANAGERS_OF_IT,
  'POST /reports/:id/letter-sent': MANAGERS_OF_IT,
  // An evidence file: as the case (an unknown file id of the case here: 404 for those who may see the case).
  'GET /reports/:id/evidence/:fileId': MANAGERS_OF_IT,
  'GET /reports/:id/reporter': ADMIN,
  'GET /reports/:id/letter': MANAGERS_OF_IT,
  'POST /reports/:id/letter': MANAGERS_OF_IT,
  'GET /reports/:id/letter/print': MANAGERS_OF_IT,
  'GET /reports/:id/letter.docx': MANAGERS_OF_IT,

  'GET /dashboard/assets/chart.umd.min.js': ANYONE,
  'GET /dashboard': MANAGERS,

  'GET /satisfaction': MANAGERS,
  'GET /satisfaction/desks': MANAGERS,
  'POST /satisfaction/desks/:id/scale': MANAGERS_OF_IT,
  'GET /satisfaction/desks/:id/qr': MANAGERS_OF_IT,

  // Desk officers keep the late dossiers of their commune too.
  'GET /dossiers': SIGNED_IN,
  'GET /dossiers/new': SIGNED_IN,
  'POST /dossiers': SIGNED_IN,
  'GET /dossiers/:id': ['staff', ...MANAGERS_OF_IT],
  'POST /dossiers/:id/slip': ['staff', ...MANAGERS_OF_IT],
  'GET /dossiers/:id/slip': ['staff', ...MANAGERS_OF_IT],
  'GET /dossiers/:id/edit': ['staff', ...MANAGERS_OF_IT],
  'POST /dossiers/:id/edit': ['staff', ...MANAGERS_OF_IT],
  'POST /dossiers/:id/withdraw': ['staff', ...MANAGERS_OF_IT],
  'GET /dossiers/:id/slip.docx': ['staff', ...MANAGERS_OF_IT],

  'GET /exports': MANAGERS,
  'POST /exports': MANAGERS,
  'GET /exports/:id': MANAGERS,
  'GET /exports/:id/status': MANAGERS,
  'GET /exports/:id/download': MANAGERS,
  'GET /compliance-report': MANAGERS,
  'POST /compliance-report': MANAGERS,

  'GET /holidays': ADMIN,
  'POST /holidays': ADMIN,
  'POST /holidays/load': ADMIN,
  'GET /holidays/:id/edit': ADMIN,
  'POST /holidays/:id': ADMIN,
  'POST /holidays/:id/delete': ADMIN,

  // Discipline decisions: the province administrator and the head of the person's unit.
  'GET /discipline/staff/:staffId': MANAGERS_OF_IT,
  'POST /discipline/staff/:staffId': MANAGERS_OF_IT,
  'GET /discipline/:id/edit': MANAGERS_OF_IT,
  'POST /discipline/:id': MANAGERS_OF_IT,
  'POST /discipline/:id/delete': MANAGERS_OF_IT,
  // The province administrator (the demo's admin holds the province); a commune's administrator gets 403 (test/privacy).
  'GET /privacy': ADMIN,
  'POST /privacy': ADMIN,
  'POST /privacy/run': ADMIN,
  'GET /privacy/requests': ADMIN,
  'POST /privacy/requests': ADMIN,
  'POST /privacy/requests/:id': ADMIN,
  'POST /privacy/requests/:id/subject-data': ADMIN,
};

/** Routes that change the session itself: asked with a session of their own, after the others. */
const SESSION_ENDING = new Set(['POST /logout', 'POST /login']);

const unknownId = () => String(new Types.ObjectId());

describe('access matrix: every route of the router × every kind of actor', function () {
  this.timeout(900_000);
  let app: Express;
  let routes: RouteEntry[];
  const agents = new Map<ActorName, Agent>();
  const tokens = new Map<ActorName, string>();
  let params: Record<string, string>;

  const USERNAMES: Record<Exclude<ActorName, 'anonymous'>, string> = { staff: 'canbo', head: 'truongxa', otherHead: 'truongxa2', admin: 'admin' };

  async function signIn(actor: ActorName): Promise<Agent> {
    const agent = agentFor(app);
    if (actor !== 'anonymous') await login(agent, USERNAMES[actor], 'CongBoc@2026');
    return agent;
  }

  before(async function () {
    this.timeout(300_000);
    app = testApp({ REPORT_RATE_LIMIT_PER_HOUR: '100000', REPORT_LOOKUP_RATE_LIMIT_PER_15_MIN: '100000', KIOSK_RATINGS_PER_10_MIN: '100000' });
    routes = routesOf(app);
    await loadDemo();
    const thanhNua = (await UnitModel.findOne({ code: 'DB-THANHNUA' }).lean())!;
    const desk = (await UnitModel.findOne({ parentId: thanhNua._id, kind: 'desk', effectiveTo: null }).lean())!;
    const [canbo, truongxa] = await Promise.all(['canbo', 'truongxa'].map((username) => UserModel.findOne({ username }).lean()));
    // Someone of Thanh Nưa who is neither the staff member nor the head signing in here.
    const colleague = (await StaffModel.findOne({ unitId: thanhNua._id, active: true, _id: { $nin: [canbo!.staffId, truongxa!.staffId] } }).lean())!;
    const period = (await PeriodModel.findOne({ status: 'OPEN' }).lean())!;
    const evaluation = (await EvaluationModel.findOne({ periodId: period._id, staffId: colleague._id }).lean())!;
    // A case Thanh Nưa handles itself (one about its chairman is handled a level up), about none of the people signing
    // in here: its subject may see its explanation page, and the demo's cases move with the date it is seeded on.
    const incident = await IncidentReportModel.findOne({ handlerUnitPath: thanhNua._id, staffId: { $nin: [canbo!.staffId, truongxa!.staffId].filter((id): id is Types.ObjectId => id != null) } }).lean();
    const dossier = await LateDossierModel.findOne({ unitPath: thanhNua._id }).lean();
    const holiday = await HolidayModel.findOne({}).lean();
    const template = await ResponseTemplateModel.findOne({}).lean();
    expect(template, 'a reply template of the demo').to.not.equal(null);
    const code = (await CodeVersionModel.findOne({}).lean())!;
    // The demo records no discipline: one decision about the colleague, so that its pages have something to guard.
    const decision = await DisciplineDecisionModel.create({
      staffId: colleague._id, staffName: colleague.fullName, unitPath: colleague.unitPath, form: 'REPRIMAND', decisionNumber: '1/QĐ-UBND',
      decisionDate: new Date(Date.UTC(2026, 0, 5)), issuer: 'Chủ tịch UBND xã', effectiveDate: new Date(Date.UTC(2026, 0, 5)), effectiveYear: 2026,
      violationYear: 2026, recordedBy: truongxa!._id,
    });
    expect(evaluation, 'an evaluation of a colleague in the open period').to.not.equal(null);
    expect(incident, 'a case of Thanh Nưa').to.not.equal(null);
    expect(dossier, 'a late dossier of Thanh Nưa').to.not.equal(null);
    // By route prefix: what `:id` names there.
    params = {
      '/units/:id': String(thanhNua._id),
      '/staff/:id': String(colleague._id),
      '/code/versions/:id': String(code._id),
      '/users/:id': String(canbo!._id),
      '/evaluations/periods/:id': String(period._id),
      '/evaluations/:id': String(evaluation._id),
      '/reports/mine/:id': String(incident!._id),
      '/reports/explanations/:id': String(incident!._id),
      '/reports/templates/:id': String(template!._id),
      '/reports/:id': String(incident!._id),
      '/satisfaction/desks/:id': String(desk._id),
      '/dossiers/:id': String(dossier!._id),
      '/exports/:id': unknownId(),
      '/holidays/:id': holiday ? String(holiday._id) : unknownId(),
      '/discipline/:id': String(decision._id),
      ':jobId': unknownId(),
      ':fileId': unknownId(),
      ':staffId': String(colleague._id),
      ':year': '2026',
      ':lang': 'en',
      ':deskCode': desk.code,
      ':objectType': 'report',
      ':objectId': String(incident!._id),
    };
    for (const actor of ACTORS) {
      const agent = await signIn(actor);
      agents.set(actor, agent);
      tokens.set(actor, await csrfFrom(agent, actor === 'anonymous' ? '/tra-cuu' : '/account/password'));
    }
  });

  function concretePath(path: string): string {
    let out = path;
    for (const [prefix, value] of Object.entries(params).filter(([k]) => k.startsWith('/')).sort((a, b) => b[0].length - a[0].length)) {
      if (out.startsWith(prefix)) out = out.replace(':id', value);
    }
    return out.replace(/:([A-Za-z]+)/g, (m) => params[m] ?? m);
  }

  async function ask(agent: Agent, token: string, method: string, path: string) {
    const url = concretePath(path);
    return method === 'GET' ? agent.get(url).redirects(0) : agent.post(url).type('form').send({ _csrf: token }).redirects(0);
  }

  const denied = (actor: ActorName, res: { status: number; headers: Record<string, string> }) =>
    res.status === 403 || (actor === 'anonymous' && [302, 303].includes(res.status) && (res.headers.location ?? '').startsWith('/login'));

  it('when the router is read, then every route it serves has a declared policy, and every policy names a served route', () => {
    const served = routes.map((r) => `${r.method} ${r.path}`);
    expect(served.filter((r) => !(r in POLICY)), 'routes without a policy').to.deep.equal([]);
    expect(Object.keys(POLICY).filter((r) => !served.includes(r)), 'policies without a route').to.deep.equal([]);
    expect(served.length).to.be.greaterThan(100);
  });

  it('when each kind of actor asks each route (ids of another commune for the other head), then the allowed are served and the rest get 403 or the login page', async () => {
    const wrong: string[] = [];
    const ordered = [...routes].sort((a, b) => Number(a.method !== 'GET') - Number(b.method !== 'GET'));
    for (const route of ordered) {
      const key = `${route.method} ${route.path}`;
      const allowed = new Set(POLICY[key] ?? []);
      // The refused first, so that an allowed POST cannot change what the others see.
      for (const actor of [...ACTORS].sort((a, b) => Number(allowed.has(a)) - Number(allowed.has(b)))) {
        const fresh = SESSION_ENDING.has(key);
        const agent = fresh ? await signIn(actor) : agents.get(actor)!;
        const token = fresh ? await csrfFrom(agent, actor === 'anonymous' ? '/tra-cuu' : '/account/password') : tokens.get(actor)!;
        const res = await ask(agent, token, route.method, route.path);
        const got = res.status >= 500 ? `${res.status}` : denied(actor, res) ? 'refused' : res.status === 401 ? '401' : 'served';
        const want = allowed.has(actor) ? 'served' : 'refused';
        if (got !== want) wrong.push(`${key} as ${actor}: want ${want}, got ${res.status}${res.headers.location ? ` → ${res.headers.location}` : ''}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('when every route is sent fields as objects, arrays, operators, prototype keys, JSON and oversize or malformed values (as anonymous, head and administrator), then no answer is a 5xx', async () => {
    const fields = ['to', 'note', 'version', 'text', 'name', 'code', 'reason', 'unitId', 'staffId', 'kind', 'title', 'effectiveFrom', 'effectiveTo', 'days', 'scale', 'username', 'password', 'displayName', 'fullName', 'position', 'birthYear', 'gender', 'category', 'overallComment', 'action', 'linkedReportIds', 'criterionCodes', 'description', 'occurredOn', 'anonymous', 'phone', 'email', 'address', 'trackingCode', 'date', 'level', 'channel', 'issuedDate', 'signerName', 'dossierNumber', 'year', 'q', 'page', 'unit', 'status', 'from', 'objectType', 'actor', 'back', 'officer', 'desk'];
    const variants: Record<string, string>[] = [
      Object.fromEntries(fields.map((f) => [`${f}[toString]`, 'x'])),
      Object.fromEntries(fields.map((f) => [`${f}[$ne]`, '1'])),
      Object.fromEntries(fields.flatMap((f) => [[`${f}[0]`, 'a'], [`${f}[1]`, 'b']])),
      { '__proto__[polluted]': '1', 'constructor[prototype][polluted]': '1', 'ratings[__proto__][level]': 'GOOD' },
      Object.fromEntries(fields.map((f) => [f, f.endsWith('Date') || f.startsWith('effective') || f === 'occurredOn' || f === 'from' ? '31/02/2026' : f === 'version' || f === 'year' || f === 'days' ? '-1e309' : 'x'.repeat(5000)])),
      Object.fromEntries(fields.map((f) => [f, f.endsWith('Id') ? 'not-an-id' : '<script>alert(1)</script>'])),
    ];
    const query = (v: Record<string, string>) => new URLSearchParams(v).toString();
    const fiveHundreds: string[] = [];
    for (const actor of ['anonymous', 'head', 'admin'] as ActorName[]) {
      const agent = await signIn(actor);
      const _csrf = await csrfFrom(agent, actor === 'anonymous' ? '/tra-cuu' : '/account/password');
      for (const route of routes.filter((r) => !SESSION_ENDING.has(`${r.method} ${r.path}`))) {
        const url = concretePath(route.path);
        for (const [i, v] of variants.entries()) {
          const res =
            route.method === 'GET'
              ? await agent.get(`${url}?${query(v)}`).redirects(0)
              : await agent.post(url).type('form').send(`${query({ _csrf })}&${query(v)}`).redirects(0);
          if (res.status >= 500) fiveHundreds.push(`${route.method} ${route.path} as ${actor}, variant ${i}: ${res.status}`);
        }
        if (route.method === 'POST') {
          const json = await agent.post(url).set('Content-Type', 'application/json').send(JSON.stringify({ _csrf, to: { $ne: 1 }, version: { $gt: -1 }, text: ['a'] })).redirects(0);
          if (json.status >= 500) fiveHundreds.push(`${route.method} ${route.path} as ${actor}, JSON: ${json.status}`);
        }
      }
    }
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').to.equal(undefined);
    expect(fiveHundreds).to.deep.equal([]);
  });
});
