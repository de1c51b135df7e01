import { expect } from 'chai';
import { apologyLetterDocx, formatAdministrativeDate, placeNameOf, issuingAuthorityName, type ApologyLetterData } from '../../src/letters/service.js';
import { readDocx } from './docx.js';

const letter: ApologyLetterData = {
  parentUnitName: 'Tỉnh Điện Biên',
  issuingUnitName: 'Ủy ban nhân dân xã Thanh Nưa',
  documentNumber: '15/UBND-VP',
  placeName: 'Thanh Nưa',
  date: new Date(Date.UTC(2026, 1, 5)),
  recipientName: 'Bà Lò Thị Minh',
  recipientAddress: 'Bản Noong Bua, xã Thanh Nưa',
  subject: 'V/v xin lỗi vì chậm trả kết quả đăng ký kết hôn',
  bodyParagraphs: ['Ủy ban nhân dân xã Thanh Nưa chân thành xin lỗi Bà vì hồ sơ đăng ký kết hôn đã bị trả chậm.', 'Mong Bà thông cảm./.'],
  signerTitle: 'Chủ tịch',
  signerName: 'Lò Văn Phích',
};

describe('apology letters in the Decree 30/2020 format', () => {
  it('when a date has a day under 10 or a month of January or February, then both get a leading zero, and other months do not', () => {
    expect(formatAdministrativeDate('Thanh Nưa', new Date(Date.UTC(2026, 1, 5)))).to.equal('Thanh Nưa, ngày 05 tháng 02 năm 2026');
    expect(formatAdministrativeDate('Thanh Nưa', new Date(Date.UTC(2026, 0, 31)))).to.equal('Thanh Nưa, ngày 31 tháng 01 năm 2026');
    expect(formatAdministrativeDate('Sính Phình', new Date(Date.UTC(2025, 2, 9)))).to.equal('Sính Phình, ngày 09 tháng 3 năm 2025');
    expect(formatAdministrativeDate('Sính Phình', new Date(Date.UTC(2025, 11, 20)))).to.equal('Sính Phình, ngày 20 tháng 12 năm 2025');
  });

  it('when a unit is a commune, then its place name drops the prefix and it signs as the People’s Committee', () => {
    expect(placeNameOf('Xã Thanh Nưa')).to.equal('Thanh Nưa');
    expect(placeNameOf('Phường Mường Thanh')).to.equal('Mường Thanh');
    expect(issuingAuthorityName({ name: 'Xã Thanh Nưa', kind: 'commune' })).to.equal('Ủy ban nhân dân xã Thanh Nưa');
    expect(issuingAuthorityName({ name: 'Trung tâm phục vụ hành chính công xã Thanh Nưa', kind: 'desk' })).to.equal('Trung tâm phục vụ hành chính công xã Thanh Nưa');
  });

  it('when the .docx is opened with a real reader, then it has the national heading, the units, number, date line, recipient, body and signature', async () => {
    const doc = await readDocx(await apologyLetterDocx(letter));
    expect(doc.lines).to.include.members([
      'TỈNH ĐIỆN BIÊN',
      'ỦY BAN NHÂN DÂN XÃ THANH NƯA',
      'Số: 15/UBND-VP',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Thanh Nưa, ngày 05 tháng 02 năm 2026',
      'THƯ XIN LỖI',
      'V/v xin lỗi vì chậm trả kết quả đăng ký kết hôn',
      'Kính gửi: Bà Lò Thị Minh',
      'Mong Bà thông cảm./.',
      'TM. ỦY BAN NHÂN DÂN',
      'CHỦ TỊCH',
      'Lò Văn Phích',
      'Nơi nhận:',
      '- Bà Lò Thị Minh;',
      '- Lưu: VT.',
    ]);
    // The heading comes before the body, the signature after it.
    const at = (s: string) => doc.lines.indexOf(s);
    expect(at('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).to.be.lessThan(at('Kính gửi: Bà Lò Thị Minh'));
    expect(at('Mong Bà thông cảm./.')).to.be.lessThan(at('Lò Văn Phích'));
  });

  it('when the .docx XML is inspected, then every run is Times New Roman at the decree’s sizes, on A4 with its margins, italic date and page numbers from page 2', async () => {
    const doc = await readDocx(await apologyLetterDocx(letter));
    const fonts = [...doc.documentXml.matchAll(/<w:rFonts ([^>]*)\/>/g)].map((m) => m[1]!);
    expect(fonts.length).to.be.greaterThan(10);
    for (const f of fonts) expect(f).to.match(/w:ascii="Times New Roman"/).and.match(/w:hAnsi="Times New Roman"/);
    expect(doc.stylesXml).to.contain('w:ascii="Times New Roman"');

    // The run holding a text, with its properties: sizes are half-points.
    const runOf = (text: string) => {
      const i = doc.documentXml.indexOf(`>${text}</w:t>`);
      expect(i, text).to.be.greaterThan(0);
      const start = doc.documentXml.lastIndexOf('<w:r>', i);
      return doc.documentXml.slice(start, i);
    };
    const national = runOf('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(national).to.contain('<w:b/>').and.contain('<w:sz w:val="26"/>');
    const motto = runOf('Độc lập - Tự do - Hạnh phúc');
    expect(motto).to.contain('<w:b/>').and.contain('<w:sz w:val="28"/>').and.match(/<w:u w:val="single"\/>/);
    expect(runOf('ỦY BAN NHÂN DÂN XÃ THANH NƯA')).to.contain('<w:b/>');
    const date = runOf('Thanh Nưa, ngày 05 tháng 02 năm 2026');
    expect(date).to.contain('<w:i/>').and.contain('<w:sz w:val="28"/>');

    // A4 (11906 × 16838 twips); margins 20 mm top/bottom (1134), 30 mm left (1701), 15 mm right (850).
    expect(doc.documentXml).to.match(/<w:pgSz w:w="11906" w:h="16838"/);
    const margin = /<w:pgMar ([^>]*)\/>/.exec(doc.documentXml)![1]!;
    const twips = (side: string) => Number(new RegExp(`w:${side}="(\\d+)"`).exec(margin)![1]);
    expect(twips('top')).to.be.within(1134, 1417);
    expect(twips('bottom')).to.be.within(1134, 1417);
    expect(twips('left')).to.be.within(1700, 1985);
    expect(twips('right')).to.be.within(850, 1134);

    // A different first page: its header is empty, the others carry the PAGE field.
    expect(doc.documentXml).to.contain('<w:titlePg/>');
    expect(doc.headersXml.some((h) => /PAGE/.test(h))).to.equal(true);
    expect(doc.headersXml.some((h) => !/PAGE/.test(h))).to.equal(true);
  });
});
