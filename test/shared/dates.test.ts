import { expect } from 'chai';
import { formatDate, formatDateTime, formatMomentDay, vietnamDay, vietnamDayStart, vietnamMonth, vietnamYear } from '../../src/shared/dates.js';

describe('dates in Việt Nam, whatever the server zone', () => {
  it('the suite runs with TZ=UTC, so the server zone is not Việt Nam’s', () => {
    expect(new Date(2026, 3, 1).getTimezoneOffset()).to.equal(0);
  });

  it('when an event happens at 01:30 on 1 April in Việt Nam (18:30 UTC the day before), then it is shown, dated and bucketed on 1 April', () => {
    const at = new Date('2026-03-31T18:30:00Z');
    expect(formatDateTime(at)).to.equal('01/04/2026 01:30');
    expect(formatMomentDay(at)).to.equal('01/04/2026');
    expect(vietnamDay(at).toISOString()).to.equal('2026-04-01T00:00:00.000Z');
    expect(vietnamMonth(at)).to.deep.equal({ year: 2026, month: 4, key: '2026-04' });
  });

  it('when it is 00:00 on 1 January in Việt Nam, then the year is the new one; a minute before, the old one', () => {
    expect(vietnamYear(new Date('2025-12-31T17:00:00Z'))).to.equal(2026);
    expect(vietnamYear(new Date('2025-12-31T16:59:00Z'))).to.equal(2025);
  });

  it('a calendar day starts at 00:00 in Việt Nam and is shown as the day stored', () => {
    const day = new Date('2026-04-01T00:00:00Z');
    expect(vietnamDayStart(day).toISOString()).to.equal('2026-03-31T17:00:00.000Z');
    expect(formatDate(day)).to.equal('01/04/2026');
  });
});
