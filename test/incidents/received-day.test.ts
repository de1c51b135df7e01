import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { agentFor, login, testApp } from '../helpers/app.js';
import { fileAbout, makeWorld, type World } from './world.js';
import { openedByCode } from './reporter.js';

/** 06:48 on 6 December in Việt Nam: still 5 December in UTC, the server's zone in the suite (TZ=UTC). */
const EARLY_MORNING = new Date('2026-12-05T23:48:00Z');

/** The text of the table row that holds the case number. */
function rowOf(html: string, caseNumber: string): string {
  const at = html.indexOf(caseNumber);
  return at < 0 ? '' : html.slice(html.lastIndexOf('<tr', at), html.indexOf('</tr>', at));
}

describe('the day a report was received, as Việt Nam counts it', () => {
  let w: World;
  let filed: Awaited<ReturnType<typeof fileAbout>>;

  before(async function () {
    this.timeout(60_000);
    await clearDatabase();
    w = await makeWorld();
    filed = await fileAbout(w, { staffId: String(w.lan._id), occurredOn: new Date('2026-12-06T00:00:00Z') }, { now: EARLY_MORNING });
  });

  it('when a report is filed at 06:48 on 6 December in Việt Nam (23:48 UTC on the 5th), then the head’s inbox dates it 06/12/2026', async () => {
    const head = agentFor(testApp());
    await login(head, w.headA.username);
    const row = rowOf((await head.get('/reports')).text, filed.report.caseNumber);
    expect(row).to.contain(filed.report.caseNumber).and.to.contain('06/12/2026');
    expect(row).not.to.contain('05/12/2026');
  });

  it('when the citizen opens the case with the tracking code, then the page and the timeline date its receipt 06/12/2026', async () => {
    const citizen = await openedByCode(testApp(), filed.trackingCode);
    const page = (await citizen.get('/tra-cuu/ho-so')).text;
    expect(page).to.contain('06/12/2026');
    expect(page).not.to.contain('05/12/2026');
  });
});
