import { expect } from 'chai';
import { updateRetention } from '../../src/privacy/settings.js';
import { agentFor, csrfFrom, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { asActor, fileAbout, makeWorld, type World } from '../incidents/world.js';

/**
 * The privacy notice (Law 91/2025/QH15) on every public page: folded in a <details>, it says
 * what is kept, why, for how long — the periods in force —, who sees it, the rights, the legal basis and a contact.
 */

/** The notice's text on a page, or '' when the page has none. */
function noticeOf(html: string): string {
  const m = /<details class="privacy-notice"[^>]*>([\s\S]*?)<\/details>/.exec(html);
  return m ? m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

describe('the privacy notice on the public pages', function () {
  this.timeout(120_000);
  let w: World;
  let agent: Agent;

  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    agent = agentFor(testApp());
  });

  /** The public pages: the form (unit chooser, then form), the look-up, the reporter's case page, a desk's rating page. */
  async function pages(): Promise<Record<string, string>> {
    const { trackingCode } = await fileAbout(w, {});
    const code = await csrfFrom(agent, '/tra-cuu');
    expect((await agent.post('/tra-cuu').type('form').send({ _csrf: code, code: trackingCode })).status).to.equal(302);
    return {
      chooser: (await agent.get('/phan-anh')).text,
      form: (await agent.get(`/phan-anh?unit=${w.communeA._id}`)).text,
      lookup: (await agent.get('/tra-cuu')).text,
      case: (await agent.get('/tra-cuu/ho-so')).text,
      rating: (await agent.get(`/danh-gia/${encodeURIComponent(w.deskA.code)}`)).text,
    };
  }

  it('when a citizen opens the report form, the look-up, their case or a desk’s rating page, then each folds a notice with what, why, how long, who, the law and a contact', async () => {
    for (const [page, html] of Object.entries(await pages())) {
      const notice = noticeOf(html);
      expect(notice, page).to.contain('Thông báo về xử lý dữ liệu cá nhân');
      for (const label of ['Dữ liệu được lưu', 'Mục đích', 'Thời hạn lưu', 'Người được xem', 'Quyền của Ông/Bà', 'Căn cứ', 'Liên hệ']) expect(notice, `${page}: ${label}`).to.contain(label);
      // Decree 13/2023/NĐ-CP was replaced on 1/1/2026 (by Decree 356/2025/NĐ-CP): the notice cites the Law in force.
      expect(notice, page).to.contain('Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15').and.not.to.contain('13/2023');
      expect(html, `${page}: folded until opened`).to.match(/<details class="privacy-notice" id="privacy-notice">\s*<summary>/);
    }
  });

  it('when the pages are shown, then the report pages state the case period (60 months) and the denouncer’s secrecy, the rating page the comments’ period (12 months)', async () => {
    const all = await pages();
    for (const page of ['chooser', 'form', 'lookup', 'case']) {
      expect(noticeOf(all[page]!), page).to.contain('60 tháng kể từ khi hồ sơ được giải quyết xong').and.to.contain('Danh tính người tố cáo được giữ bí mật: chỉ cấp tỉnh được xem');
    }
    expect(noticeOf(all.rating!)).to.contain('Góp ý được xoá sau 12 tháng');
  });

  it('when the province administrator changes the periods and the contact, then the notices state the new ones', async () => {
    await updateRetention(await asActor(w.admin._id), { reportMonths: 36, ratingCommentMonths: 6, exportHours: 24, requestMonths: 36, accessHours: 72, correctionHours: 72, deletionHours: 72, restrictionHours: 72, contact: 'Văn phòng UBND tỉnh, 0215 3825 000' });
    const all = await pages();
    for (const page of ['form', 'lookup', 'case']) {
      expect(noticeOf(all[page]!), page).to.contain('36 tháng kể từ khi hồ sơ được giải quyết xong').and.to.contain('Văn phòng UBND tỉnh, 0215 3825 000');
      expect(noticeOf(all[page]!), page).not.to.contain('60 tháng');
    }
    expect(noticeOf(all.rating!)).to.contain('Góp ý được xoá sau 6 tháng');
  });

  it('when the citizen reads in English, then the notice is in English with the same figures', async () => {
    await agent.get('/lang/en?back=/tra-cuu');
    const notice = noticeOf((await agent.get('/tra-cuu')).text);
    expect(notice).to.contain('How we handle your personal data').and.to.contain('60 months after the case is settled').and.to.contain('Law No. 91/2025/QH15');
  });
});
