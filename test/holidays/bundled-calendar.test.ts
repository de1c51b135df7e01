import { expect } from 'chai';
import { HolidayModel } from '../../src/holidays/model.js';
import { loadBundledYears, workingDaysFrom } from '../../src/holidays/index.js';
import { yearsWithoutCalendar } from '../../src/holidays/service.js';
import { VIETNAM_HOLIDAY_YEARS } from '../../src/holidays/vietnam.js';
import { vietnamYear } from '../../src/shared/dates.js';
import { agentFor, login, testApp } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeProvince, makeUser } from '../helpers/factories.js';
import { loadDemo } from '../helpers/demo.js';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('the holiday calendar from the first start', () => {
  beforeEach(clearDatabase);

  it('when the app starts on an empty database, then every bundled year is loaded once, and Tết 2026 moves a deadline', async () => {
    expect(await workingDaysFrom(day('2026-02-13'), 2), 'without a calendar').to.deep.equal(day('2026-02-17'));
    expect(await loadBundledYears()).to.deep.equal(VIETNAM_HOLIDAY_YEARS);
    expect(await loadBundledYears(), 'a second start').to.deep.equal([]);
    expect(await HolidayModel.countDocuments({ year: 2026 })).to.equal(11);
    expect(await workingDaysFrom(day('2026-02-13'), 2), 'Tết 16–20/02 skipped').to.deep.equal(day('2026-02-24'));
    // 2027 is not announced yet: its Tết days stay marked provisional.
    expect(await HolidayModel.countDocuments({ year: 2027, provisional: true })).to.be.above(0);
  });

  it('when the administrator already keeps a year, then the start leaves that year as it is and loads only the others', async () => {
    await HolidayModel.create({ date: day('2026-03-02'), year: 2026, kind: 'HOLIDAY', name: 'Ngày nghỉ riêng của tỉnh' });
    expect(await loadBundledYears()).to.deep.equal(VIETNAM_HOLIDAY_YEARS.filter((y) => y !== 2026));
    expect((await HolidayModel.find({ year: 2026 }).lean()).map((h) => h.name)).to.deep.equal(['Ngày nghỉ riêng của tỉnh']);
  });

  it('when a year people get deadlines in has no calendar, then it is named (the next year from November on), and not once it has one', async () => {
    expect(await yearsWithoutCalendar(new Date('2026-06-15T03:00:00Z'))).to.deep.equal([2026]);
    expect(await yearsWithoutCalendar(new Date('2026-11-02T03:00:00Z'))).to.deep.equal([2026, 2027]);
    await loadBundledYears();
    expect(await yearsWithoutCalendar(new Date('2026-11-02T03:00:00Z'))).to.deep.equal([]);
    expect(await yearsWithoutCalendar(new Date('2027-11-02T03:00:00Z'))).to.deep.equal([2028]);
  });

  it('when a signed-in page is opened while this year has no calendar, then it warns and offers the administrator the calendar; with one, no warning', async () => {
    const units = await makeProvince();
    const admin = await makeUser({ roles: [{ role: 'admin', unit: units.province }] });
    const head = await makeUser({ roles: [{ role: 'head', unit: units.communeA }] });
    const app = testApp();
    const [adminAgent, headAgent] = [agentFor(app), agentFor(app)];
    await login(adminAgent, admin.username);
    await login(headAgent, head.username);
    const year = vietnamYear();
    const adminPage = await adminAgent.get('/');
    expect(adminPage.text).to.contain(`Lịch nghỉ lễ, Tết năm ${year}`).and.to.contain(`href="/holidays?year=${year}"`);
    const headPage = await headAgent.get('/');
    expect(headPage.text).to.contain(`Lịch nghỉ lễ, Tết năm ${year}`).and.not.to.contain('href="/holidays?year=');

    for (const y of [year, year + 1]) await HolidayModel.create({ date: day(`${y}-01-01`), year: y, kind: 'HOLIDAY', name: 'Tết Dương lịch' });
    expect((await adminAgent.get('/')).text).to.not.contain('data-calendar-gaps');
  });

  it('when the demo is seeded, then the bundled years are in its calendar', async () => {
    await loadDemo();
    expect(await HolidayModel.distinct('year')).to.include.members(VIETNAM_HOLIDAY_YEARS);
  });
});
