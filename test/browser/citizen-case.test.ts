import { expect } from 'chai';
import { useBrowserSite } from '../helpers/browser.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { fileAbout, makeWorld } from '../incidents/world.js';
import { settle } from '../incidents/reporter.js';

const SCREENSHOT = 'docs/screenshots/citizen-case-page.png';

describe('a citizen’s settled case in a real browser on a phone', function () {
  this.timeout(90_000);
  const site = useBrowserSite();

  it('when a citizen opens a settled case by its code, then the finding, the remedies, the letter and the timeline show, and they answer the questionnaire once', async () => {
    const w = await makeWorld();
    const { report, trackingCode } = await fileAbout(w, { staffId: String(w.lan._id) }, { reporter: { source: 'CITIZEN', anonymous: false, name: 'Hoàng Văn Tỵ' } });
    await settle(w, String(report._id), { finding: 'PARTLY_SUBSTANTIATED', confirmed: ['X1'], remedies: ['APOLOGY', 'REMINDER_TRAINING'], letter: { recipientName: 'Ông Hoàng Văn Tỵ' }, explanation: 'Hôm đó tôi bận nên không chào.' });

    const context = await site.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${site.url}/tra-cuu`);
    await page.fill('input[name="code"]', trackingCode);
    await page.locator('form[action="/tra-cuu"] button[type="submit"]').click();
    await page.waitForURL(`${site.url}/tra-cuu/ho-so`);

    expect(await page.textContent('[data-finding]')).to.contain('Nội dung phản ánh có cơ sở một phần').and.to.contain('Cán bộ không chào hỏi');
    expect(await page.textContent('[data-remedies]')).to.contain('Đơn vị gửi thư xin lỗi');
    expect(await page.textContent('[data-case-timeline]')).to.contain('Đã giải quyết');
    // Nothing on the page is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);

    await page.getByRole('link', { name: 'Đọc, in thư xin lỗi' }).click();
    await page.waitForURL(`${site.url}/tra-cuu/ho-so/thu-xin-loi`);
    expect(await page.textContent('main')).to.contain('Ông Hoàng Văn Tỵ');
    // The A4 letter reads on the phone as one column: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'the letter page width').to.be.at.most(390);
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/case-phone-letter.png`, fullPage: true });
    await page.goBack();

    await page.getByLabel('Hài lòng', { exact: true }).check();
    await page.fill('textarea[name="comment"]', 'Cảm ơn đơn vị đã xử lý nhanh.');
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/case-phone-before.png`, fullPage: true });
      await page.locator('[data-questionnaire]').screenshot({ path: `${process.env.SCREENSHOT_DIR}/case-phone-questionnaire.png` });
    }
    // The documentation's picture of the page: settled, answer chosen, about to be sent.
    if (process.env.SCREENSHOT_FINAL) await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.waitForURL(`${site.url}/tra-cuu/ho-so`);
    await page.getByText('Cảm ơn bạn đã đánh giá kết quả xử lý.').waitFor();
    expect(await page.textContent('[data-questionnaire]')).to.contain('Bạn đã đánh giá kết quả xử lý: Hài lòng.');
    expect(await page.locator('input[name="level"]').count()).to.equal(0);
    await page.screenshot({ path: process.env.SCREENSHOT_DIR ? `${process.env.SCREENSHOT_DIR}/case-phone-after.png` : undefined, fullPage: true });

    const stored = (await IncidentReportModel.findById(report._id).lean())!;
    expect(stored.feedback.map((f) => [f.answer, f.comment])).to.deep.equal([['SATISFIED', 'Cảm ơn đơn vị đã xử lý nhanh.']]);
    await context.close();
  });
});
