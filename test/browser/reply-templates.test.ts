import { expect } from 'chai';
import { signIn, useBrowserSite } from '../helpers/browser.js';
import { IncidentReportModel } from '../../src/incidents/model.js';
import { ResponseTemplateModel } from '../../src/incidents/template-model.js';
import { fileAbout, makeWorld } from '../incidents/world.js';

describe('the reply template picker in a real browser (phone)', function () {
  this.timeout(120_000);
  const site = useBrowserSite();

  it('when a head on a phone picks a template, then its filled text lands in the reply box without reloading, fits the screen, and the edited reply is sent', async () => {
    const w = await makeWorld();
    const { report } = await fileAbout(w, {});
    await ResponseTemplateModel.create({ provinceId: w.province._id, title: 'Xác nhận đã tiếp nhận phản ánh', textVi: 'Kính gửi ông/bà, Ủy ban nhân dân xã đã tiếp nhận phản ánh số {ma_ho_so}.', statuses: ['RECEIVED'] });
    const id = String(report._id);

    const context = await site.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    const page = await context.newPage();
    await signIn(page, site.url, w.headA.username);

    await page.goto(`${site.url}/reports/${id}`);
    // With the script, the picker needs no button: choosing fills the box in place.
    expect(await page.locator('[data-template-use]').isHidden()).to.equal(true);
    const before = page.url();
    await page.locator('#f-template').selectOption({ label: 'Xác nhận đã tiếp nhận phản ánh' });
    const filled = await page.locator('#f-reply').inputValue();
    expect(filled).to.equal(`Kính gửi ông/bà, Ủy ban nhân dân xã đã tiếp nhận phản ánh số ${report.caseNumber}.`);
    expect(page.url()).to.equal(before);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'nothing wider than the phone').to.be.at.most(0);
    await page.locator('[data-template-picker]').scrollIntoViewIfNeeded();
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/reply-template-phone.png`, fullPage: false });

    await page.locator('#f-reply').fill(`${filled} Kết quả sẽ được trả lời trong thời hạn.`);
    await page.locator('#tra-loi button[type=submit]').click();
    await page.getByText('Đã gửi trả lời').first().waitFor();
    const stored = (await IncidentReportModel.findById(id).lean())!;
    expect(stored.messages.map((m) => m.text)).to.deep.equal([`${filled} Kết quả sẽ được trả lời trong thời hạn.`]);
    await context.close();
  });
});
