import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { useBrowserSite } from '../helpers/browser.js';
import { makeProvince, makeStaff } from '../helpers/factories.js';
import { RatingModel } from '../../src/satisfaction/model.js';
import { KIOSK_IDLE_SECONDS } from '../../src/satisfaction/routes.js';

/**
 * The rating kiosk left alone goes back to its Vietnamese start. Time is Playwright's fake clock, moved on by hand:
 * no test waits the real 90 seconds.
 */
const TABLET = { viewport: { width: 800, height: 1280 }, hasTouch: true };
const IDLE_MS = KIOSK_IDLE_SECONDS * 1000;

/** A marker that lives only as long as the loaded document: gone after any navigation or reload. */
const markDocument = (page: Page) => page.evaluate(() => { (window as unknown as { kioskMark: number }).kioskMark = 1; });
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { kioskMark?: number }).kioskMark === 1);

describe('the rating kiosk left alone', function () {
  this.timeout(120_000);
  const site = useBrowserSite();

  it(`when a citizen switches the kiosk to English, chooses a level, types a comment and walks away, then after ${KIOSK_IDLE_SECONDS} s without a touch the kiosk is back in Vietnamese with nothing chosen, nothing is stored, and a touch before then postpones it`, async () => {
    const { deskA } = await makeProvince();
    const context = await site.browser.newContext(TABLET);
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${site.url}/danh-gia/${deskA.code}`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    // The kiosk's script starts its wait on DOMContentLoaded: the clock must not move before it has.
    await page.waitForLoadState('load');
    await page.locator('input[name="level"][value="SATISFIED"]').check({ force: true });
    await page.fill('#f-comment', 'Half a comment');
    await markDocument(page);

    // Still there a little before the idle time: a tap on the comment starts the wait again.
    await page.clock.fastForward(IDLE_MS - 10_000);
    expect(await sameDocument(page), 'the page before the idle time').to.equal(true);
    await page.locator('#f-comment').tap();
    await page.clock.fastForward(IDLE_MS - 10_000);
    expect(await sameDocument(page), 'the page after a touch').to.equal(true);
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('en');
    expect(await page.locator('#f-comment').inputValue()).to.equal('Half a comment');

    // Then nobody: the kiosk goes back to its start.
    await page.clock.fastForward(20_000);
    await page.waitForFunction(() => document.documentElement.lang === 'vi' && (window as unknown as { kioskMark?: number }).kioskMark === undefined);
    expect(new URL(page.url()).pathname).to.equal(`/danh-gia/${deskA.code}`);
    expect(await page.textContent('h1')).to.match(/[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i);
    expect(await page.locator('input[name="level"]:checked').count(), 'levels chosen').to.equal(0);
    expect(await page.locator('#f-comment').inputValue(), 'the comment').to.equal('');
    expect(await RatingModel.countDocuments()).to.equal(0);

    // Back at its start, the kiosk stays as it is (no reload every 90 s).
    await markDocument(page);
    await page.clock.fastForward(IDLE_MS * 3);
    expect(await sameDocument(page), 'the start page after three idle times').to.equal(true);
    await context.close();
  });

  it('when a Vietnamese citizen is shown an error after sending without a level and walks away, then the kiosk returns to its blank start, keeping the officer of its QR code', async () => {
    const { deskA } = await makeProvince();
    const officer = await makeStaff({ fullName: 'Quàng Thị Lan', unit: deskA, position: 'Công chức một cửa' });
    const context = await site.browser.newContext(TABLET);
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${site.url}/danh-gia/${deskA.code}?officer=${officer._id}`);
    await page.fill('#f-comment', 'Chưa chọn mức');
    await page.locator('form.kiosk-form button[type="submit"]').click();
    await page.locator('#level-error').waitFor();
    await page.waitForLoadState('load');
    await markDocument(page);
    await page.clock.fastForward(IDLE_MS + 1000);
    await page.waitForFunction(() => (window as unknown as { kioskMark?: number }).kioskMark === undefined && document.querySelector('#f-comment') !== null);
    await page.waitForLoadState();
    expect(page.url()).to.equal(`${site.url}/danh-gia/${deskA.code}?officer=${officer._id}`);
    expect(await page.textContent('.kiosk-officer')).to.contain('Quàng Thị Lan');
    expect(await page.locator('#level-error').count(), 'the error').to.equal(0);
    expect(await page.locator('#f-comment').inputValue(), 'the comment').to.equal('');
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('vi');
    expect(await RatingModel.countDocuments()).to.equal(0);
    await context.close();
  });
});
