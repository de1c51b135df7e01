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
  it('when the language is switched back and forth twenty times with other requests in flight, then every page after a switch speaks the language chosen', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    const tab = await context.newPage(); // a second tab of the same browser, loading pages meanwhile
    await page.goto(`${site.url}/login`);
    await tab.goto(`${site.url}/login`);
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const lang = i % 2 === 0 ? 'en' : 'vi';
      const inFlight = tab.evaluate(() => fetch('/login').then((r) => r.status));
      await page.goto(`${site.url}/lang/${lang}?back=/login`);
      seen.push(`${lang}:${await page.getAttribute('html', 'lang')}`);
      await inFlight;
    }
    expect(seen.filter((s) => s.split(':')[0] !== s.split(':')[1])).to.deep.equal([]);
    await context.close();
  });
});
