import { expect } from 'chai';
import { useBrowserSite } from '../helpers/browser.js';
import { makeProvince, makeUser, DEFAULT_PASSWORD } from '../helpers/factories.js';

describe('in a real browser', function () {
  this.timeout(60_000);
  const site = useBrowserSite();

  it('when a head logs in with the keyboard only, then the overview greets them in Vietnamese', async () => {
    const { communeA } = await makeProvince();
    await makeUser({ username: 'chutich', displayName: 'Quàng Văn Hùng', roles: [{ role: 'head', unit: communeA }] });
    const page = await site.browser.newPage();
    await page.goto(`${site.url}/login`);
    await page.waitForFunction(() => document.activeElement?.id === 'f-username'); // focus lands on the username field
    await page.keyboard.type('chutich');
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEFAULT_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${site.url}/`);
    expect(await page.textContent('h1')).to.equal('Tổng quan');
    expect(await page.textContent('main')).to.contain('Xin chào, Quàng Văn Hùng.');
    await page.close();
  });

  it('when a wrong password is typed, then the error is announced and the form keeps the username', async () => {
    await makeProvince();
    const page = await site.browser.newPage();
    await page.goto(`${site.url}/login`);
    await page.getByLabel('Tên đăng nhập').fill('khongco');
    await page.getByLabel('Mật khẩu').fill('sai');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    expect(await page.getByRole('alert').textContent()).to.contain('không đúng');
    expect(await page.getByLabel('Tên đăng nhập').inputValue()).to.equal('khongco');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForSelector('html[lang="en"]');
    expect(await page.textContent('h1')).to.equal('Log in');
    await page.close();
  });
});
