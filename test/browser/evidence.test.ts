import { expect } from 'chai';
import mongoose from 'mongoose';
import sharp from 'sharp';
import { useBrowserSite } from '../helpers/browser.js';
import { DEFAULT_PASSWORD } from '../helpers/factories.js';
import { IncidentReportModel, type IncidentReport } from '../../src/incidents/model.js';
import { makeWorld } from '../incidents/world.js';

const SCREENSHOT = 'docs/screenshots/evidence-handler-phone.png';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN' };

/** A photo as a phone takes it: EXIF with the phone and the GPS position of the place. */
async function phonePhoto(): Promise<Buffer> {
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#dfe7ec"/><rect x="60" y="360" width="680" height="180" fill="#8a5a3c"/>' +
      '<rect x="300" y="120" width="200" height="240" fill="#2a6f97"/><text x="400" y="100" font-size="48" text-anchor="middle" font-family="sans-serif" fill="#222">QUẦY SỐ 2</text></svg>',
  );
  return sharp(svg)
    .jpeg()
    .withExif({
      IFD0: { Make: 'Apple', Model: 'iPhone 15 Pro' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '21/1 23/1 1234/100', GPSLongitudeRef: 'E', GPSLongitude: '103/1 1/1 5678/100' },
    })
    .toBuffer();
}

describe('evidence in a real browser on a phone', function () {
  this.timeout(120_000);
  const site = useBrowserSite();

  it('when a citizen files an anonymous report with a phone photo, then the stored photo carries no EXIF, and the head opening the case on a phone sees it', async () => {
    const w = await makeWorld();
    const photo = await phonePhoto();
    expect((await sharp(photo).metadata()).exif, 'the photo has EXIF when chosen').to.be.instanceOf(Buffer);

    const citizen = await site.browser.newContext(PHONE);
    const page = await citizen.newPage();
    await page.goto(`${site.url}/phan-anh?unit=${w.communeA._id}`);
    await page.check('input[name="criterionCodes"][value="X1"]');
    await page.fill('input[name="occurredOn"]', new Date().toISOString().slice(0, 10));
    await page.fill('textarea[name="description"]', 'Cán bộ quầy số 2 không chào và bắt tôi chờ cả buổi sáng. Tôi gửi ảnh quầy.');
    await page.check('input[name="identity"][value="anonymous"]');
    // First a text file named like a photo: refused by its content, the form kept.
    await page.setInputFiles('input[name="evidence"]', { name: 'anh-quay.png', mimeType: 'image/png', buffer: Buffer.from('Đây không phải là ảnh.') });
    await page.locator('form[action="/phan-anh"] button[type="submit"]').click();
    // The message shows beside the field (and, linked, in the error summary at the top).
    await page.locator('#f-evidence-error', { hasText: 'Chỉ nhận ảnh JPEG, PNG hoặc tài liệu PDF' }).waitFor();
    expect(await page.inputValue('textarea[name="description"]')).to.contain('bắt tôi chờ cả buổi sáng');
    expect(await page.isChecked('input[name="criterionCodes"][value="X1"]')).to.equal(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'the form fits the phone').to.be.at.most(390);
    if (process.env.SCREENSHOT_DIR) await page.locator('.evidence-field').screenshot({ path: `${process.env.SCREENSHOT_DIR}/evidence-refused-phone.png` });

    await page.setInputFiles('input[name="evidence"]', { name: 'IMG_0042.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.locator('form[action="/phan-anh"] button[type="submit"]').click();
    await page.waitForURL(`${site.url}/phan-anh/bien-nhan`);
    await citizen.close();

    const report = (await IncidentReportModel.findOne({}).lean<IncidentReport>())!;
    expect(report.anonymous).to.equal(true);
    expect(report.evidence).to.have.length(1);
    const bucket = new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: 'evidence' });
    const chunks: Buffer[] = [];
    for await (const chunk of bucket.openDownloadStream(report.evidence[0]!._id)) chunks.push(chunk as Buffer);
    const stored = await sharp(Buffer.concat(chunks)).metadata();
    expect(stored.format).to.equal('jpeg');
    expect(stored.exif, 'EXIF of the stored bytes').to.equal(undefined);
    expect([stored.width, stored.height]).to.deep.equal([800, 600]);

    const head = await site.browser.newContext(PHONE);
    const handler = await head.newPage();
    await handler.goto(`${site.url}/login`);
    await handler.fill('#f-username', w.headA.username);
    await handler.fill('#f-password', DEFAULT_PASSWORD);
    await handler.keyboard.press('Enter');
    await handler.waitForURL(`${site.url}/`);
    await handler.goto(`${site.url}/reports/${report._id}`);
    const shown = handler.locator('img[data-evidence-photo]');
    await shown.scrollIntoViewIfNeeded();
    await handler.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('img[data-evidence-photo]');
      return img != null && img.complete && img.naturalWidth > 0;
    });
    expect(await shown.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).to.deep.equal([800, 600]);
    expect(await shown.getAttribute('alt')).to.equal('Ảnh 1');
    const box = (await shown.boundingBox())!;
    expect(box.x + box.width, 'the photo fits the phone').to.be.at.most(390);
    expect(await handler.evaluate(() => document.documentElement.scrollWidth), 'the case page fits the phone').to.be.at.most(390);
    if (process.env.SCREENSHOT_DIR) await handler.screenshot({ path: `${process.env.SCREENSHOT_DIR}/evidence-handler-phone.png`, fullPage: true });
    // The documentation's picture: the case's details with the photo, as a head sees them on a phone.
    const detailsTop = await shown.evaluate((img) => img.closest('section')!.getBoundingClientRect().top + window.scrollY);
    if (process.env.SCREENSHOT_FINAL) await handler.screenshot({ path: SCREENSHOT, fullPage: true, clip: { x: 0, y: Math.max(0, detailsTop - 16), width: 390, height: 844 } });
    await head.close();
  });
});
