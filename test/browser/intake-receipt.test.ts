import { expect } from 'chai';
import { useBrowserSite } from '../helpers/browser.js';
import { DEFAULT_PASSWORD } from '../helpers/factories.js';
import { vietnamDay } from '../../src/shared/dates.js';
import { makeWorld } from '../incidents/world.js';

describe('browser: the paper receipt of a report recorded by a handler', function () {
  this.timeout(120_000);
  const site = useBrowserSite();

  it('when a head records a phone report on a phone, then the receipt shows the tracking code large, within the screen, and printing hides the buttons', async () => {
    const w = await makeWorld();
    const context = await site.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await page.goto(`${site.url}/login`);
    await page.fill('#f-username', w.headA.username);
    await page.fill('#f-password', DEFAULT_PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type="submit"]')]);
    await page.goto(`${site.url}/reports/new-intake?unit=${w.communeA._id}`);
    await page.selectOption('#f-channel', 'PHONE');
    await page.check('input[name="criterionCodes"][value="X1"]');
    await page.fill('#f-occurredOn', vietnamDay().toISOString().slice(0, 10));
    await page.fill('#f-description', 'Bà cụ gọi điện: cán bộ một cửa không hướng dẫn.');
    await Promise.all([page.waitForURL('**/reports/new-intake/receipt'), page.click('[data-intake-form] button[type="submit"]')]);

    const code = page.locator('.intake-receipt-code');
    await code.waitFor();
    expect(await code.textContent()).to.match(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const box = (await code.boundingBox())!;
    expect(box.x).to.be.at.least(0);
    expect(box.x + box.width).to.be.at.most(390);
    const fontSize = await code.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).to.be.at.least(26);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    await page.screenshot({ path: '/tmp/intake-receipt-phone.png', fullPage: true });

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('form.no-print').isVisible()).to.equal(false);
    expect(await code.isVisible()).to.equal(true);
    await context.close();
  });
});
