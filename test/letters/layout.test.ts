import { expect } from 'chai';
import { apologyLetterDocx, type ApologyLetterData } from '../../src/letters/service.js';
import { issuingBodyOf } from '../../src/letters/issuers.js';
import { laidOutByLibreOffice, LIBREOFFICE_TIMEOUT_MS } from '../helpers/libreoffice.js';

const letter: ApologyLetterData = {
  parentName: 'Ủy ban nhân dân tỉnh Điện Biên',
  issuer: issuingBodyOf({ name: 'Xã Thanh Nưa', kind: 'commune' }),
  documentNumber: '07/TXL-UBND',
  placeName: 'Thanh Nưa',
  date: new Date(Date.UTC(2026, 1, 5)),
  salutation: 'Ông',
  recipientName: 'Lường Văn Tâm',
  bodyParagraphs: ['Thay mặt Ủy ban nhân dân xã Thanh Nưa, chúng tôi thành thật xin lỗi Ông/Bà.'],
  signerTitle: 'Phó Chủ tịch',
  signerName: 'Lò Văn Phích',
};

const slip: ApologyLetterData = {
  ...letter,
  parentName: 'Ủy ban nhân dân xã Thanh Nưa',
  issuer: issuingBodyOf({ name: 'Trung tâm phục vụ hành chính công xã Thanh Nưa', kind: 'desk' }),
  documentNumber: '01/PXL-TTPVHCC',
  documentTitle: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
  signerTitle: 'Giám đốc',
};

/** The text lines of the page's heading, as LibreOffice set them: the national title's line and the ones around it. */
const lines = (text: string) => text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim());

describe('letters as LibreOffice Writer lays them out (an independent reader of the .docx)', function () {
  this.timeout(LIBREOFFICE_TIMEOUT_MS);

  for (const [name, data] of [['the committee’s letter', letter], ['the service centre’s slip', slip]] as const) {
    it(`when ${name} is converted to PDF, then the national title and the motto each stay on one line, apart from the issuer’s column`, async () => {
      const { text } = await laidOutByLibreOffice(await apologyLetterDocx(data));
      const page = lines(text);
      const title = page.find((l) => l.includes('CỘNG HÒA'));
      expect(title, text).to.contain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      expect(page.find((l) => l.includes('Độc lập')), text).to.contain('Độc lập - Tự do - Hạnh phúc');
      // Whatever shares the title's line (the issuer's first line) stands clear of it.
      const left = title!.slice(0, title!.indexOf('CỘNG HÒA'));
      if (left.trim()) expect(left, title).to.match(/\S\s{2,}$/);
      expect(text).to.contain('./.').and.not.to.contain('Ông/Bà').and.not.to.contain('V/v');
    });
  }
});
