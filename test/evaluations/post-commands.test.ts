import { expect } from 'chai';
import type { Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { commandsOf, describeCommands, isRevisionCheck, scanning, type LoggedCommand } from '../helpers/command-log.js';
import { allRated, evaluationOf, makeWorld, openPeriodVia, type World } from './world.js';

/**
 * Round trips of the evaluation form POSTs (issue 8: each costs ~1–2 ms of the shared CPU on the embedded engine, and
 * these POSTs made 15–17). A draft saved again, by the person or the head, leaves the compact record as it is and
 * writes the evaluation and its audit entry only; finalising writes the record, the tally and the statistics token
 * (service.ts saveVersioned). Upper bounds, not timings: a new read or write in these paths must be a decision, made
 * here. Counted after a first save by the same session (the steady state a person or head saving again is in); the
 * revision checks of copies kept in memory are counted apart — each at most once per request, and skipped while
 * checked within the last second, so how many a request makes depends on the clock.
 */

async function posted(agent: Agent, page: string, action: string, fields: Record<string, string>) {
  const _csrf = await csrfFrom(agent, page);
  const { result, commands } = await commandsOf(() => agent.post(action).type('form').send({ _csrf, ...fields }));
  return { res: result, commands };
}

function expectWithin(commands: LoggedCommand[], most: number, revisionChecks: number) {
  const list = describeCommands(commands);
  const checks = commands.filter(isRevisionCheck);
  expect(commands.length - checks.length, `commands besides revision checks:\n${list}`).to.be.at.most(most);
  expect(checks.length, `revision checks:\n${list}`).to.be.at.most(revisionChecks);
  expect(new Set(checks.map((c) => JSON.stringify(c.filter))).size, `a revision checked twice:\n${list}`).to.equal(checks.length);
  expect(scanning(commands), `commands without an indexed equality:\n${list}`).to.deep.equal([]);
}

const versionOf = async (staffId: Types.ObjectId) => String((await evaluationOf(staffId)).version);

describe('evaluations: database commands of the form POSTs', function () {
  this.timeout(120_000);
  let w: World;
  let app: ReturnType<typeof testApp>;
  before(async () => {
    await clearDatabase();
    w = await makeWorld();
    app = testApp();
    const admin = agentFor(app);
    await login(admin, w.admin.username);
    // The deadline ahead: finalising the form of someone with a login would have to wait for it.
    await openPeriodVia(admin, { unitId: String(w.province._id), deadline: '31/12/2099' });
  });

  it('saving a self-assessment draft again issues at most 4 database commands (was 15), 3 revision checks and no session write, each with an indexed equality', async () => {
    const lan = agentFor(app);
    await login(lan, w.lanUser.username);
    const path = `/evaluations/${String((await evaluationOf(w.lan._id))._id)}`;
    const draft = { action: 'draft', overallComment: '', 'ratings[X1][level]': 'GOOD', 'ratings[X1][comment]': 'Luôn chào hỏi' };
    expect((await posted(lan, path, `${path}/self`, { ...draft, version: await versionOf(w.lan._id) })).res.status).to.equal(302);

    const { res, commands } = await posted(lan, path, `${path}/self`, { ...draft, version: await versionOf(w.lan._id) });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal(path);
    expectWithin(commands, 4, 3);
    expect(commands.filter((c) => c.collection === 'sessions' && c.name !== 'find'), 'session writes').to.deep.equal([]);
  });

  it("saving a head's evaluation again with the same ratings issues at most 4 database commands (was 16), 4 revision checks and no session write, each with an indexed equality", async () => {
    const head = agentFor(app);
    await login(head, w.headA.username);
    const path = `/evaluations/${String((await evaluationOf(w.lan._id))._id)}`;
    const fields = { action: 'save', overallComment: '', ...allRated('GOOD'), 'ratings[K1][level]': 'DONE' };
    expect((await posted(head, path, `${path}/evaluate`, { ...fields, version: await versionOf(w.lan._id) })).res.status).to.equal(302);

    const { res, commands } = await posted(head, path, `${path}/evaluate`, { ...fields, version: await versionOf(w.lan._id) });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal(path);
    expectWithin(commands, 4, 4);
    expect(commands.filter((c) => c.collection === 'sessions' && c.name !== 'find'), 'session writes').to.deep.equal([]);
  });

  it('finalising an evaluation issues at most 10 database commands (was 17), 4 revision checks and no session write, each with an indexed equality', async () => {
    const head = agentFor(app);
    await login(head, w.headA.username);
    // Bình has no login: his head finalises without waiting for a self-assessment (whether he has one is kept in memory).
    const path = `/evaluations/${String((await evaluationOf(w.binh._id))._id)}`;
    const fields = { overallComment: '', ...allRated('GOOD') };
    expect((await posted(head, path, `${path}/evaluate`, { ...fields, action: 'save', version: await versionOf(w.binh._id) })).res.status).to.equal(302);

    const { res, commands } = await posted(head, path, `${path}/evaluate`, { ...fields, action: 'finalise', version: await versionOf(w.binh._id) });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal(path);
    expect((await evaluationOf(w.binh._id)).status).to.equal('FINALISED');
    expectWithin(commands, 10, 4);
    expect(commands.filter((c) => c.collection === 'sessions' && c.name !== 'find'), 'session writes').to.deep.equal([]);
  });
});
