import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { useBrowserSite } from '../helpers/browser.js';
import { makeProvince, makeUser, DEFAULT_PASSWORD } from '../helpers/factories.js';

const codeFor = (secret: string, stepsAhead = 0) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + stepsAhead * 30_000 });

describe('two-factor login in a real browser', function () {
  this.timeout(60_000);
  const site = useBrowserSite();

  it('when a head enrols from the account page and logs in again, then the QR code shows, the recovery codes are listed once, and the code page signs them in', async () => {
    const { communeA } = await makeProvince();
    await makeUser({ username: 'chutich', displayName: 'Quàng Văn Hùng', roles: [{ role: 'head', unit: communeA }] });
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const logIn = async () => {
      await page.goto(`${site.url}/login`);
      await page.getByLabel('Tên đăng nhập').fill('chutich');
      await page.getByLabel('Mật khẩu').fill(DEFAULT_PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
    };
    await logIn();
    await page.waitForURL(`${site.url}/`);
    await page.goto(`${site.url}/account/two-factor`);
    const qr = page.getByRole('img', { name: 'Mã QR để thêm Công Bộc vào ứng dụng xác thực' });
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100)).to.equal(true);
    const secret = (await page.locator('[data-secret]').textContent())!.replace(/\s/g, '');
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/two-factor-enrolment.png`, fullPage: true });
    await page.getByLabel('Mã 6 chữ số').fill(codeFor(secret));
    await page.getByRole('button', { name: 'Bật đăng nhập hai bước' }).click();
    await page.waitForSelector('h1:text("Mã khôi phục")');
    expect(await page.locator('.recovery-codes li').count()).to.equal(10);
    await page.locator('form[action="/logout"] button').click();
    await page.waitForURL(`${site.url}/login`);

    await logIn();
    await page.waitForURL(`${site.url}/login/code`);
    expect(await page.textContent('h1')).to.equal('Nhập mã xác thực');
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/two-factor-code.png`, fullPage: true });
    await page.getByLabel('Mã xác thực hoặc mã khôi phục').fill(codeFor(secret, 1));
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await page.waitForURL(`${site.url}/`);
    expect(await page.textContent('main')).to.contain('Xin chào, Quàng Văn Hùng.');
    await context.close();
  });
});
