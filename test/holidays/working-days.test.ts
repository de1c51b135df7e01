import { expect } from 'chai';
import { addWorkingDays, isWorkingDay, workingDaysBetween } from '../../src/holidays/working-days.js';
import { vietnamDay } from '../../src/shared/dates.js';
import { VIETNAM_HOLIDAYS } from '../../src/holidays/vietnam.js';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);
const calendar = (year: number) => VIETNAM_HOLIDAYS[year]!.map((h) => ({ date: day(h.date), kind: h.kind }));

describe('working days', () => {
  it('when a deadline crosses the 2026 Tết break, then the five Tết weekdays and both weekends are skipped', () => {
    // Friday 13/2/2026 + 2 working days: 16–20/2 are Tết, so Monday 23 and Tuesday 24.
    expect(iso(addWorkingDays(day('2026-02-13'), 2, calendar(2026)))).to.equal('2026-02-24');
    expect(iso(addWorkingDays(day('2026-02-13'), 2, []))).to.equal('2026-02-17');
    expect(workingDaysBetween(day('2026-02-13'), day('2026-02-24'), calendar(2026))).to.equal(2);
  });

  it('when a deadline crosses 30/4 and 1/5/2026 and the substituted Hùng Kings day, then they are skipped', () => {
    // Friday 24/4/2026 + 3: Mon 27/4 is the substituted Hùng Kings day → 28, 29, then 30/4 and 1/5 off → Mon 4/5.
    expect(iso(addWorkingDays(day('2026-04-24'), 3, calendar(2026)))).to.equal('2026-05-04');
    expect(isWorkingDay(day('2026-04-27'), calendar(2026))).to.equal(false);
  });

  it('when a weekend day is a make-up working day, then it counts (2025: Saturday 26/4 worked for Friday 2/5)', () => {
    const cal = calendar(2025);
    expect(isWorkingDay(day('2025-04-26'), cal)).to.equal(true);
    expect(isWorkingDay(day('2025-05-02'), cal)).to.equal(false);
    // Friday 25/4/2025 + 1 → the make-up Saturday.
    expect(iso(addWorkingDays(day('2025-04-25'), 1, cal))).to.equal('2025-04-26');
  });

  it('when n is 0 the start day is returned, and a negative n is refused', () => {
    expect(iso(addWorkingDays(day('2026-03-02'), 0, []))).to.equal('2026-03-02');
    expect(() => addWorkingDays(day('2026-03-02'), -1, [])).to.throw(RangeError);
  });

  it('when it is late evening in UTC, then the Vietnamese calendar day is already the next one', () => {
    expect(iso(vietnamDay(new Date('2026-02-13T18:30:00Z')))).to.equal('2026-02-14');
    expect(iso(vietnamDay(new Date('2026-02-13T16:59:00Z')))).to.equal('2026-02-13');
  });

  it('the bundled data has no weekend holidays and no weekday make-up days', () => {
    for (const year of Object.keys(VIETNAM_HOLIDAYS).map(Number)) {
      for (const h of VIETNAM_HOLIDAYS[year]!) {
        const weekend = [0, 6].includes(day(h.date).getUTCDay());
        expect(weekend, `${h.date} ${h.kind}`).to.equal(h.kind === 'WORKING_DAY');
      }
    }
  });
});
