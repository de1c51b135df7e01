import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { signIn, useBrowserSite } from '../helpers/browser.js';
import { makeWorld } from '../helpers/world.js';
import { DisciplineDecisionModel } from '../../src/discipline/model.js';

const shot = async (page: Page, name: string) => {
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png`, fullPage: true });
};

/** The values of the form options the person can pick (those of a hidden, disabled group cannot be). */
const offeredForms = (page: Page) =>
  page.locator('select[name="form"] option').evaluateAll((os) => os.filter((o) => !(o.parentElement as HTMLOptGroupElement).disabled).map((o) => (o as HTMLOptionElement).value));

describe('the discipline decision form in a real browser', function () {
  this.timeout(90_000);
  const site = useBrowserSite();

  it('when the head picks party discipline, then only the party forms are offered, the first chosen, and the decision is recorded as party discipline', async () => {
    const w = await makeWorld();
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await signIn(page, site.url, w.headA.username);

    await page.goto(`${site.url}/discipline/staff/${String(w.lan._id)}`);
    expect(await page.locator('select[name="system"]').inputValue()).to.equal('ADMINISTRATIVE');
    expect(await offeredForms(page)).to.deep.equal(['REPRIMAND', 'WARNING', 'SALARY_DOWNGRADE', 'DEMOTION', 'DISMISSAL', 'FORCED_RESIGNATION']);
    await page.locator('select[name="form"]').selectOption('WARNING');

    await page.locator('select[name="system"]').selectOption('PARTY');
    expect(await offeredForms(page)).to.deep.equal(['PARTY_REPRIMAND', 'PARTY_WARNING', 'PARTY_REMOVAL_FROM_POST', 'PARTY_EXPULSION']);
    expect(await page.locator('select[name="form"]').inputValue()).to.equal('PARTY_REPRIMAND');
    await page.locator('select[name="form"]').selectOption('PARTY_WARNING');
    await page.fill('#f-decisionNumber', '15-QĐ/UBKTHU');
    await page.fill('#f-decisionDate', '2025-06-12');
    await page.fill('#f-issuer', 'Ủy ban Kiểm tra Huyện ủy Mường Chà');
    await page.fill('#f-effectiveDate', '2025-06-12');
    await page.fill('#f-violationYear', '2025');
    await shot(page, 'discipline-party-form');
    await page.getByRole('button', { name: 'Ghi quyết định' }).click();
    await page.getByText('Đã ghi quyết định kỷ luật.').waitFor();
    expect(await DisciplineDecisionModel.findOne({ staffId: w.lan._id }).lean()).to.deep.include({ system: 'PARTY', form: 'PARTY_WARNING', decisionNumber: '15-QĐ/UBKTHU' });
    await shot(page, 'discipline-party-listed');
    await context.close();
  });
});
