import { expect } from 'chai';
import { agentFor, login, testApp } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeStaff, makeUser } from '../helpers/factories.js';
import { exportWorld, rate } from '../exports/world.js';
import { RatingModel } from '../../src/satisfaction/model.js';

const year = 2025;

describe('dashboard: what citizens told the one-stop desks at the kiosk', () => {
  it('when citizens rated, ticked criteria and commented, then each desk’s row shows answers per level, ticks and comments (small numbers as "<3"), and each criterion its ticks', async function () {
    this.timeout(60_000);
    await clearDatabase();
    const w = await exportWorld(year);
    const lan = await makeStaff({ fullName: 'Quàng Thị Lan', unit: w.deskA });
    await rate(w.deskA, 3, year, 10, 0);
    const at = new Date(Date.UTC(year, 4, 12, 3));
    const rating = (over: Record<string, unknown>) => ({ unitId: w.deskA._id, unitPath: w.deskA.path, scale: 5, level: 'DISSATISFIED', officerId: lan._id, ratedAt: at, ...over });
    await RatingModel.insertMany([
      ...Array.from({ length: 4 }, (_, i) => rating({ criteria: ['X1'], comment: i < 3 ? `Góp ý số ${i + 1}` : '' })),
      rating({ level: 'VERY_DISSATISFIED', criteria: ['X1', 'L2'] }),
      rating({ level: 'NEUTRAL' }),
    ]);
    const admin = await makeUser({ roles: [{ role: 'admin', unit: w.province }] });
    const agent = agentFor(testApp());
    await login(agent, admin.username);

    const page = await agent.get(`/dashboard?unit=${w.province._id}&year=${year}`);
    expect(page.status).to.equal(200);
    const section = page.text.slice(page.text.indexOf('data-desk-feedback'), page.text.indexOf('</section>', page.text.indexOf('data-desk-feedback')));
    const row = section.slice(section.indexOf(`<th scope="row">${w.communeA.name}</th>`));
    // 16 ratings: 10 "Hài lòng", 1 "Bình thường", 4 "Không hài lòng", 1 "Rất không hài lòng"; 6 ticks; 3 comments.
    expect(row).to.match(/<td class="num">16<\/td><td class="num">0<\/td><td class="num">10<\/td><td class="num">1<\/td><td class="num">4<\/td><td class="num">1<\/td><td class="num">6<\/td><td class="num">3<\/td><\/tr>/);
    expect(section).to.contain(`/satisfaction?unit=${w.communeA._id}&amp;from=${year}-01&amp;to=${year}-12`);
    const criterionRow = (code: string) => new RegExp(`<th scope="row">${code}</th><td>[^<]*</td><td class="num">[^<]*</td><td class="num">[^<]*</td><td class="num">([^<]*)</td></tr>`).exec(page.text)?.[1];
    expect(criterionRow('X1')).to.equal('5');
    expect(criterionRow('L2')).to.equal('&lt;3');
    expect(criterionRow('K1')).to.equal('0');
  });
});
