import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { useBrowserSite } from '../helpers/browser.js';
import { makeCodeVersion, makeProvince } from '../helpers/factories.js';
import { agentFor, login, testApp } from '../helpers/app.js';
import { RatingModel } from '../../src/satisfaction/model.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { evaluationOf, makeWorld, openPeriodVia } from '../evaluations/world.js';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** The citizen form with the contact fields hidden, measured at 390 × 844 with the official code's 13 criteria: 1.5 screens. */
const FORM_HEIGHT_LIMIT = 844 * 1.5;

const reportForm = (page: Page) => page.locator('form[action="/phan-anh"]');

describe('the citizen’s, the kiosk’s and the self-assessment forms on a phone', function () {
  this.timeout(120_000);
  const site = useBrowserSite();

  it(`when a citizen opens the report form at 390×844, then it is at most ${FORM_HEIGHT_LIMIT} px tall (1.5 screens; it was 2,500, then 1,353) with the contact fields hidden and the first field on the first screen, each checkbox sits left of its text on one line, the text fields use at least 16 px type, the description grows with its text, and at 320×640 the first field is on the first screen`, async () => {
    const { province, communeA } = await makeProvince();
    await makeCodeVersion(province);
    const context = await site.browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${site.url}/phan-anh?unit=${communeA._id}`);
    expect(await page.locator('[data-contact-fields]').isHidden(), 'contact fields while anonymous').to.equal(true);
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/citizen-form-phone.png`, fullPage: true });
    const height = (await reportForm(page).boundingBox())!.height;
    expect(height, 'form height in px').to.be.at.most(FORM_HEIGHT_LIMIT);
    const firstField = (await reportForm(page).locator('select, input:not([type="hidden"]), textarea').first().boundingBox())!;
    expect(firstField.y + firstField.height, 'bottom of the first field at 390×844').to.be.at.most(844);
    // Type of at least 16 px in every text field, so that iOS does not zoom in on focus.
    const sizes = await reportForm(page).locator('.field :is(select, input[type="date"], input[type="text"], input[type="tel"], input[type="email"], textarea)').evaluateAll((els) =>
      els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    expect(sizes.length, 'text fields measured').to.be.at.least(7);
    expect(Math.min(...sizes), 'smallest font size of a text field').to.be.at.least(16);

    const labels = page.locator('fieldset.criteria label.choice');
    expect(await labels.count()).to.equal(13);
    for (let i = 0; i < 13; i++) {
      const label = (await labels.nth(i).boundingBox())!;
      const box = (await labels.nth(i).locator('input[type="checkbox"]').boundingBox())!;
      expect(box.width, 'checkbox width').to.be.within(20, 32);
      expect(box.x + box.width, 'checkbox left of its text').to.be.at.most(label.x + 40);
      expect(box.y, 'checkbox within its own line').to.be.within(label.y, label.y + label.height - box.height);
      expect(label.height, 'touch target height').to.be.at.least(44);
    }

    // The description starts small and grows with a longer account (and the form with it).
    const description = page.locator('#f-description');
    const startHeight = (await description.boundingBox())!.height;
    await description.fill(Array.from({ length: 8 }, (_, i) => `Dòng ${i + 1} của lời kể.`).join('\n'));
    await page.waitForFunction((h) => document.querySelector('#f-description')!.getBoundingClientRect().height > h + 60, startHeight);
    expect(await description.evaluate((e) => e.scrollHeight - e.clientHeight), 'no hidden lines').to.be.at.most(1);

    // Choosing to leave a name shows the contact fields.
    await page.getByLabel('Để lại tên, cách liên hệ').check();
    await page.locator('#f-phone').waitFor({ state: 'visible' });
    await context.close();

    const small = await site.browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
    const smallPage = await small.newPage();
    await smallPage.goto(`${site.url}/phan-anh?unit=${communeA._id}`);
    const first = (await reportForm(smallPage).locator('select, input:not([type="hidden"]), textarea').first().boundingBox())!;
    expect(first.y + first.height, 'bottom of the first field at 320×640').to.be.at.most(640);
    expect(await smallPage.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(320);
    await small.close();
  });

  it('when a citizen sends the form incomplete, then focus is on the error summary at the top, whose links lead to the fields, each field described by its error, a phone typed while "Ẩn danh" is chosen stays in view, and nothing is stored', async () => {
    const { province, communeA } = await makeProvince();
    await makeCodeVersion(province);
    const context = await site.browser.newContext({ ...PHONE, javaScriptEnabled: true });
    const page = await context.newPage();
    await page.goto(`${site.url}/phan-anh?unit=${communeA._id}`);
    // The required fields are marked for screen readers.
    expect(await page.locator('#f-occurredOn').getAttribute('aria-required')).to.equal('true');
    expect(await page.locator('#f-description').getAttribute('aria-required')).to.equal('true');
    // A phone typed while the fields were shown (as without scripts), then "anonymous" kept.
    await page.evaluate(() => {
      const box = document.querySelector<HTMLElement>('[data-contact-fields]')!;
      box.hidden = false;
      for (const i of box.querySelectorAll('input')) i.disabled = false;
    });
    await page.fill('#f-phone', '0912345678');
    await reportForm(page).locator('button[type="submit"]').click();
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    const summary = page.locator('#error-summary');
    const text = await summary.textContent();
    expect(text).to.contain('Điều gì chưa đúng?').and.to.contain('Ngày xảy ra').and.to.contain('Sự việc đã xảy ra như thế nào?');
    expect((await summary.boundingBox())!.y, 'summary at the top of the form').to.be.below(400);
    expect(await page.locator('#f-description').getAttribute('aria-describedby')).to.contain('f-description-error');
    expect(await page.locator('#f-criterionCodes').getAttribute('aria-describedby')).to.equal('f-criterionCodes-error');
    // The typed phone stays in view so the citizen decides.
    expect(await page.locator('#f-phone').inputValue()).to.equal('0912345678');
    expect(await page.locator('#f-phone').isVisible()).to.equal(true);
    await summary.getByRole('link', { name: /Ngày xảy ra/ }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'f-occurredOn');
    expect(await IncidentReportModel.countDocuments()).to.equal(0);
    await context.close();
  });

  it('when a citizen rates in English at the kiosk, then the thanks are in English and the kiosk is back in Vietnamese for the next citizen', async () => {
    const { deskA } = await makeProvince();
    const context = await site.browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${site.url}/danh-gia/${deskA.code}`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.locator('input[name="level"][value="SATISFIED"]').check({ force: true });
    await page.locator('form.kiosk-form button[type="submit"]').click();
    await page.waitForURL(/\/cam-on/);
    expect(await page.evaluate(() => document.documentElement.lang), 'the thanks').to.equal('en');
    // "Back" (as the idle timeout does) opens the kiosk for the next citizen, in Vietnamese.
    await page.locator('.kiosk-thanks a').click();
    await page.waitForURL(`${site.url}/danh-gia/${deskA.code}`);
    expect(await page.evaluate(() => document.documentElement.lang), 'the next citizen').to.equal('vi');
    expect(await page.textContent('h1')).to.match(/[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i);
    expect((await RatingModel.find().lean()).map((r) => r.level)).to.deep.equal(['SATISFIED']);
    await context.close();
  });

  it('when a staff member opens their self-assessment on a phone, then each answer is a radio of at least 24 px inside a label at least 44 px tall, each criterion one block (no table columns) with its answers side by side, and nothing wider than the screen', async () => {
    const w = await makeWorld();
    const admin = agentFor(testApp());
    await login(admin, w.admin.username);
    await openPeriodVia(admin, { unitId: String(w.province._id) });
    const ev = await evaluationOf(w.lan._id);
    const context = await site.browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${site.url}/login`);
    await page.fill('input[name="username"]', w.lanUser.username);
    await page.fill('input[name="password"]', 'Matkhau@2026');
    await page.locator('form[action="/login"] button[type="submit"]').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.goto(`${site.url}/evaluations/${String(ev._id)}`);
    const groups = page.locator(`form[action$="/self"] .rating-choice`);
    expect(await groups.count()).to.equal(13);
    for (let g = 0; g < 3; g++) {
      const radios = groups.nth(g).locator('input[type="radio"]');
      expect(await radios.count()).to.equal(3);
      const lefts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const box = (await radios.nth(i).boundingBox())!;
        const label = (await radios.nth(i).locator('..').boundingBox())!;
        expect(box.width, 'radio width').to.be.at.least(24);
        expect(box.height, 'radio height').to.be.at.least(24);
        expect(label.height, 'label target height').to.be.at.least(44);
        lefts.push(label.x);
      }
      expect(lefts[1]!, 'the second answer beside the first').to.be.above(lefts[0]!);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(390);
    await context.close();
  });
});
