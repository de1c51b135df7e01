import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { signIn, useBrowserSite } from '../helpers/browser.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { submitExplanation, transition } from '../../src/incidents/handling.js';
import { formatDate } from '../../src/shared/dates.js';
import { asActor, fileAbout, makeWorld, settings } from '../incidents/world.js';
import { vietnamDay } from '../../src/shared/dates.js';

const shot = async (page: Page, name: string) => {
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png`, fullPage: true });
};

describe('due process on the case page in a real browser (desktop)', function () {
  this.timeout(90_000);
  const site = useBrowserSite();

  it('when the head opens a case about a person without a login, then no finding is offered until they record the paper explanation, and after the finding they record the handing-over', async () => {
    const w = await makeWorld();
    const { report } = await fileAbout(w, { staffId: String(w.binh._id) }, { reporter: { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ' } });
    const id = String(report._id);
    await transition(await asActor(w.headA._id), id, { to: 'UNDER_REVIEW', note: 'Yêu cầu anh Bình giải trình bằng văn bản.' }, settings);
    const due = (await IncidentReportModel.findById(id).lean())!.explanation!.dueAt!;

    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await signIn(page, site.url, w.headA.username);

    await page.goto(`${site.url}/reports/${id}`);
    expect(await page.textContent('[data-finding-waits]')).to.contain(`còn thời hạn giải trình đến hết ngày ${formatDate(due)}`);
    const offered = await page.locator('select[name="to"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).to.deep.equal([]);
    await shot(page, 'case-awaiting-explanation');

    const form = page.locator('[data-record-explanation]');
    await form.locator('select[name="channel"]').selectOption('PAPER');
    await form.locator('input[name="receivedOn"]').fill(vietnamDay().toISOString().slice(0, 10));
    await form.locator('textarea[name="text"]').fill('Hôm đó máy in hỏng, tôi đã hẹn công dân quay lại buổi chiều.');
    await form.getByRole('button', { name: 'Ghi nhận giải trình' }).click();
    await page.getByText('Đã ghi nhận giải trình.').waitFor();
    expect(await page.textContent('[data-explanation]')).to.contain('bằng văn bản (bản giấy)').and.to.contain('Người ghi nhận: Lò Văn Phích');
    expect(await page.locator('[data-finding-waits]').count()).to.equal(0);

    await page.locator('select[name="to"]').selectOption('SUBSTANTIATED');
    await page.locator('textarea[name="note"]').fill('Có cơ sở: hồ sơ trả trễ, không hẹn lại.');
    await page.getByRole('button', { name: 'Chuyển', exact: true }).click();
    await page.getByText('Đã chuyển bước xử lý.').waitFor();
    const handOver = page.locator('[data-record-handover]');
    await handOver.locator('select[name="channel"]').selectOption('IN_PERSON');
    await handOver.locator('input[name="notifiedOn"]').fill(vietnamDay().toISOString().slice(0, 10));
    await handOver.getByRole('button', { name: 'Ghi nhận đã thông báo kết luận' }).click();
    await page.getByText('Đã ghi nhận việc thông báo kết luận.').waitFor();
    expect(await page.textContent('[data-conclusion]')).to.contain('(thông báo trực tiếp)').and.to.contain('có thể đề nghị xem xét lại kết luận đến hết ngày');
    await shot(page, 'case-concluded');
    // Nothing on the page is wider than the window.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(1280);
    await context.close();
  });

  it('when a staff member with a login opens their own page after the finding, then they read the conclusion without the reporter and ask for a review', async () => {
    const w = await makeWorld();
    const { report } = await fileAbout(w, { staffId: String(w.lan._id) }, { reporter: { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ' } });
    const id = String(report._id);
    const head = await asActor(w.headA._id);
    await transition(head, id, { to: 'UNDER_REVIEW', note: 'Đề nghị giải trình.' }, settings);
    await submitExplanation(await asActor(w.lanUser._id), id, 'Hôm đó tôi đang hướng dẫn một công dân khác.');
    await transition(head, id, { to: 'PARTLY_SUBSTANTIATED', note: 'Có cơ sở một phần.', confirmedCodes: ['X1'] }, settings);

    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, site.url, w.lanUser.username);
    await page.goto(`${site.url}/reports/notices`);
    await page.getByRole('link', { name: 'Xem' }).first().click();
    await page.waitForURL(`${site.url}/reports/explanations/${id}`);
    expect(await page.textContent('[data-subject-conclusion]')).to.contain('Kết luận: Có cơ sở một phần').and.to.contain('Xin chào');
    expect(await page.textContent('main')).not.to.contain('Hoàng Văn Tỵ');
    await page.fill('[data-review-form] textarea[name="reason"]', 'Tôi đã chào hỏi; xin xem lại camera.');
    await shot(page, 'subject-review-form');
    await page.getByRole('button', { name: 'Gửi đề nghị xem xét lại' }).click();
    await page.getByText('Đã gửi đề nghị xem xét lại; hồ sơ được mở lại.').waitFor();
    expect(await page.textContent('[data-subject-conclusion]')).to.contain('Hồ sơ đang được xem xét lại.').and.to.contain('về kết luận “Có cơ sở một phần”');
    expect(await page.locator('[data-review-form]').count()).to.equal(0);
    expect((await IncidentReportModel.findById(id).lean())!.status).to.equal('UNDER_REVIEW');
    await context.close();
  });
});
