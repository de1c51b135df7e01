import { expect } from 'chai';
import { useBrowserSite } from '../helpers/browser.js';
import { makeProvince } from '../helpers/factories.js';
import { RatingModel } from '../../src/satisfaction/model.js';

describe('the rating kiosk in a real browser', function () {
  this.timeout(60_000);
  const site = useBrowserSite();

  it('when scripts are off and only the keyboard is used, then a citizen can choose a level and send it, and the choices are large', async () => {
    const { deskA } = await makeProvince();
    const context = await site.browser.newContext({ javaScriptEnabled: false, viewport: { width: 800, height: 1280 } });
    const page = await context.newPage();
    await page.goto(`${site.url}/danh-gia/${deskA.code}`);
    for (const name of ['Rất hài lòng', 'Hài lòng', 'Không hài lòng']) {
      const box = await page.getByRole('radio', { name, exact: true }).locator('..').boundingBox();
      expect(box!.height, name).to.be.at.least(96);
      expect(box!.width, name).to.be.at.least(150);
    }
    // A radio group is one tab stop: the arrow keys move the choice, as assistive technologies expect.
    await page.getByRole('radio', { name: 'Rất hài lòng', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('radio', { name: 'Hài lòng', exact: true }).isChecked()).to.equal(true);
    await page.getByRole('button', { name: 'Gửi đánh giá' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/cam-on$/);
    expect(await page.textContent('h1')).to.equal('Cảm ơn Ông/Bà');
    const stored = await RatingModel.find().lean();
    expect(stored.map((r) => r.level)).to.deep.equal(['SATISFIED']);
    await context.close();
  });
});
