import { expect } from 'chai';
import os from 'node:os';
import path from 'node:path';
import { useBrowserSite } from '../helpers/browser.js';
import { makeWorld } from '../incidents/world.js';

/** The privacy notice on a phone (390 × 844): folded under the form, opened with a tap, no sideways scrolling. */
describe('the privacy notice on a phone', function () {
  this.timeout(120_000);
  const site = useBrowserSite();

  for (const [name, pathOf] of [
    ['the report form', (w: Awaited<ReturnType<typeof makeWorld>>) => `/phan-anh?unit=${w.communeA._id}`],
    ['the desk rating page', (w: Awaited<ReturnType<typeof makeWorld>>) => `/danh-gia/${encodeURIComponent(w.deskA.code)}`],
  ] as const) {
    it(`when a citizen opens ${name} on a phone, then the notice is folded, opens with a tap and fits the screen`, async () => {
      const w = await makeWorld();
      const page = await site.browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
      try {
        await page.goto(site.url + pathOf(w));
        const notice = page.locator('details.privacy-notice');
        await expect(await notice.getAttribute('open')).to.equal(null);
        expect(await page.locator('details.privacy-notice dl').isVisible()).to.equal(false);
        await notice.scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(os.tmpdir(), `congboc-privacy-notice-${name.replace(/\W+/g, '-')}-folded.png`) });
        await page.locator('details.privacy-notice summary').tap();
        await page.locator('details.privacy-notice dl').waitFor({ state: 'visible' });
        expect(await page.locator('details.privacy-notice dd').first().isVisible()).to.equal(true);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, 'no sideways scrolling').to.be.at.most(0);
        const box = (await notice.boundingBox())!;
        expect(box.x + box.width, 'the notice fits the width').to.be.at.most(390);
        await notice.scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(os.tmpdir(), `congboc-privacy-notice-${name.replace(/\W+/g, '-')}.png`) });
      } finally {
        await page.close();
      }
    });
  }
});
