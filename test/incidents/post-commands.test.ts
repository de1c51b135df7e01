import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, csrfFrom, testApp } from '../helpers/app.js';
import { commandsOf, describeCommands, isRevisionCheck, scanning } from '../helpers/command-log.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { makeWorld, type World } from './world.js';

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Round trips of a public report (issue 8: it made 16, each ~1–2 ms of the shared CPU on the embedded engine). An
 * upper bound, not a timing. Counted for a visitor's second report (caches warm, as under load); the revision checks
 * of copies kept in memory are counted apart — each at most once per request, skipped while checked within a second.
 */
describe('citizen reports: database commands of POST /phan-anh', function () {
  this.timeout(120_000);
  let w: World;
  before(async () => {
    await clearDatabase();
    w = await makeWorld();
  });

  it('filing an anonymous report about a person issues at most 10 database commands (was 16) and 6 revision checks, each with an indexed equality', async () => {
    const agent = agentFor(testApp({ REPORT_RATE_LIMIT_PER_HOUR: '1000' }));
    const page = `/phan-anh?unit=${w.communeA._id}`;
    const fields = { unitId: String(w.communeA._id), staffId: String(w.lan._id), deskId: '', criterionCodes: 'X2', occurredOn: today(), place: '', description: 'Phải chờ lâu mà không được giải thích.', dossierNumber: '', identity: 'anonymous', name: '', phone: '', email: '', website: '' };
    const file = async () => {
      const _csrf = await csrfFrom(agent, page);
      return commandsOf(() => agent.post('/phan-anh').type('form').send({ _csrf, ...fields }));
    };
    expect((await file()).result.status).to.equal(302);

    const { result, commands } = await file();
    expect(result.status).to.equal(302);
    expect(result.headers.location).to.equal('/phan-anh/bien-nhan');
    expect(await IncidentReportModel.countDocuments({ staffId: w.lan._id })).to.equal(2);
    const list = describeCommands(commands);
    const checks = commands.filter(isRevisionCheck);
    expect(commands.length - checks.length, `commands besides revision checks:\n${list}`).to.be.at.most(10);
    expect(checks.length, `revision checks:\n${list}`).to.be.at.most(6);
    expect(new Set(checks.map((c) => JSON.stringify(c.filter))).size, `a revision checked twice:\n${list}`).to.equal(checks.length);
    expect(scanning(commands), `commands without an indexed equality:\n${list}`).to.deep.equal([]);
  });
});
