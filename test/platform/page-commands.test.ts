import { expect } from 'chai';
import { agentFor, login, testApp, type Agent } from '../helpers/app.js';
import { loadDemo } from '../helpers/demo.js';
import { prepareDerivedData } from '../../src/startup.js';
import { createLogger } from '../../src/shared/logger.js';
import { settleBackgroundWork } from '../../src/shared/process-caches.js';
import type { Types } from 'mongoose';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { UnitModel } from '../../src/units/model.js';
import { commandsOf, describeCommands, unselective, type PageCommand } from '../helpers/page-commands.js';

/**
 * What the busiest GET pages ask the database, on the demo, for a signed-in user's second view of the page (the first
 * fills what the process keeps in memory). A regression guard, not a timing: on FerretDB v1 every command costs a round
 * trip and a decode, and only a top-level equality on `_id` or an indexed field is answered by the engine's index
 * (docs/database.md). One command is every signed-in request's: the session. The account (its grants, deactivation
 * and session epoch) is kept in memory until an account is written (before: read on every request).
 *
 * Revision checks (`collectionrevisions` by `_id`, what the copies kept in memory compare) are counted apart: each is
 * trusted for a second, so whether a view asks one depends on the time since the last; a view asks each at most twice
 * (two copies kept of one collection), never once per row or unit.
 */

const REVISIONS = 'collectionrevisions';

interface Expected {
  user: string;
  path: string | (() => string);
  /** The page's commands besides revision checks, in the order asked (concurrent reads: compared as a sorted list). */
  commands: string[];
}

const withoutTokens = (html: string) => html.replace(/(name="_csrf" value="|name="csrf-token" content=")[^"]+"/g, '$1"');

const key = (c: PageCommand) => `${c.name} ${c.collection} ${Object.keys(c.filter ?? {}).sort().join(',')}`;

const PAGES: Expected[] = [
  {
    // Before: also the province unit (the grant's predecessors), the province's audit counter twice (filter choices,
    // then the page's counts) and the newest bucket of entries, still filling, on every view.
    user: 'admin',
    path: '/audit',
    commands: ['find sessions $or,_id', 'find auditsequences _id'],
  },
  {
    // Before: also the province unit, and the province's anti-retaliation flags on every view.
    user: 'admin',
    path: '/reports',
    commands: ['find sessions $or,_id', 'find reportcounters _id', 'find reportsequences _id'],
  },
  {
    // Before: also the commune and each of its four merged predecessors, by `_id`, on every view.
    user: 'truongxa',
    path: '/reports',
    commands: ['find sessions $or,_id', 'find reportcounters _id', 'find reportsequences _id'],
  },
  {
    // Before: also the person's classifications on every view. The evaluation records of this year and the last are
    // read each time (two equality look-ups; they change with every evaluation saved in the province).
    user: 'canbo',
    path: '/evaluations',
    commands: ['find sessions $or,_id', 'find evaluationresults staffId,year', 'find evaluationresults staffId,year'],
  },
  {
    // Before: also the province unit. The report itself comes from the statistics read model kept in memory.
    user: 'admin',
    path: '/satisfaction',
    commands: ['find sessions $or,_id'],
  },
  {
    // Before: also the commune and its four predecessors, and the province's statistics revision once per unit (5×).
    user: 'truongxa',
    path: '/satisfaction',
    commands: ['find sessions $or,_id'],
  },
  {
    // Before: also the commune and its four predecessors, and the commune again (the page's unit, now from the tree).
    user: 'truongxa',
    path: '/dashboard',
    commands: ['find sessions $or,_id'],
  },
  {
    // Before: also the commune and its four predecessors.
    user: 'truongxa',
    path: '/staff',
    commands: ['find sessions $or,_id'],
  },
  {
    // Before: also the commune and its four predecessors. The case itself is read by `_id`.
    user: 'truongxa',
    path: () => `/reports/${String(caseOfThanhNua)}`,
    commands: ['find sessions $or,_id', 'find incidentreports _id'],
  },
];

/** A case Thanh Nưa handles (found once the demo is loaded). */
let caseOfThanhNua: Types.ObjectId | undefined;

describe('what the busiest pages ask the database', function () {
  this.timeout(120_000);
  const agents = new Map<string, Agent>();

  before(async function () {
    this.timeout(600_000);
    await loadDemo();
    // What the server does after it starts: the derived data pages read (numbering, counters, statistics).
    await prepareDerivedData({ EARLY_WARNING_THRESHOLD: 3, EARLY_WARNING_WINDOW_DAYS: 30 }, createLogger('silent'));
    await settleBackgroundWork();
    const thanhNua = (await UnitModel.findOne({ code: 'DB-THANHNUA' }).lean())!;
    caseOfThanhNua = (await IncidentReportModel.findOne({ handlerUnitPath: thanhNua._id }).lean())!._id;
    const app = testApp();
    for (const user of new Set(PAGES.map((p) => p.user))) {
      const agent = agentFor(app);
      await login(agent, user, 'CongBoc@2026');
      agents.set(user, agent);
    }
  });

  for (const page of PAGES) {
    const label = typeof page.path === 'string' ? page.path : '/reports/:id (a case)';
    it(`when ${page.user} views ${label} again, then it shows the same page with ${page.commands.length} commands besides revision checks, each an equality on _id or an indexed field`, async () => {
      const agent = agents.get(page.user)!;
      const path = typeof page.path === 'string' ? page.path : page.path();
      const first = await agent.get(path);
      expect(first.status).to.equal(200);
      const { result, commands } = await commandsOf(() => agent.get(path));
      expect(result.status).to.equal(200);
      // The view answered from what the first one kept shows the same page.
      expect(withoutTokens(result.text)).to.equal(withoutTokens(first.text));

      const listing = `\n${describeCommands(commands)}`;
      expect(unselective(commands), `commands without an indexed equality:${listing}`).to.deep.equal([]);
      const revisions = commands.filter((c) => c.collection === REVISIONS);
      const counted = new Map<string, number>();
      for (const r of revisions) counted.set(String(r.filter?._id), (counted.get(String(r.filter?._id)) ?? 0) + 1);
      expect([...counted.entries()].filter(([, n]) => n > 2), `revisions read more than twice:${listing}`).to.deep.equal([]);
      const data = commands.filter((c) => c.collection !== REVISIONS).map(key);
      expect([...data].sort(), `commands:${listing}`).to.deep.equal([...page.commands].sort());
    });
  }
});
