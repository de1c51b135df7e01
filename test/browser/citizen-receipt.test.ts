import { expect } from 'chai';
import { useBrowserSite } from '../helpers/browser.js';
import { makeProvince } from '../helpers/factories.js';
import { makeCodeVersion } from '../helpers/factories.js';

describe('a citizen’s receipt in a real browser on a phone', function () {
  this.timeout(90_000);
  const site = useBrowserSite();

  it('when a citizen files a report, then the receipt shows the code, copies it to the clipboard, shows it again after a reload, and is gone after "I have saved the code"', async () => {
    const { province, communeA } = await makeProvince();
    await makeCodeVersion(province);
    const context = await site.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.url });
    const page = await context.newPage();
    await page.goto(`${site.url}/phan-anh?unit=${communeA._id}`);
    await page.check('input[name="criterionCodes"][value="X1"]');
    await page.fill('input[name="occurredOn"]', new Date().toISOString().slice(0, 10));
    await page.fill('textarea[name="description"]', 'Cán bộ không chào hỏi và bắt tôi chờ lâu.');
    await page.locator('form[action="/phan-anh"] button[type="submit"]').click();
    await page.waitForURL(`${site.url}/phan-anh/bien-nhan`);
    const code = (await page.textContent('[data-tracking-code]'))!.trim();
    expect(code).to.match(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await page.getByRole('button', { name: 'Sao chép mã' }).click();
    await page.getByRole('button', { name: 'Đã sao chép' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(code);
    await page.screenshot({ path: process.env.SCREENSHOT_DIR ? `${process.env.SCREENSHOT_DIR}/receipt-phone.png` : undefined, fullPage: true });

    await page.reload();
    expect((await page.textContent('[data-tracking-code]'))!.trim(), 'after a reload').to.equal(code);

    await page.getByRole('button', { name: 'Tôi đã lưu mã — xoá biên nhận' }).click();
    await page.waitForURL(`${site.url}/phan-anh/bien-nhan`);
    expect(await page.locator('[data-tracking-code]').count()).to.equal(0);
    expect(await page.textContent('main')).to.contain('Không còn biên nhận để hiển thị');
    await context.close();
  });
});
