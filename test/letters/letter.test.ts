import { expect } from 'chai';
import { apologyLetterDocx, formatAdministrativeDate, type ApologyLetterData } from '../../src/letters/service.js';
import { documentNumber, issuingBodyOf, placeNameOf, signatureLines } from '../../src/letters/issuers.js';
import { addressed, addressee, curlyQuotes, salutationOf, withEndMark } from '../../src/letters/wording.js';
import { readDocx } from './docx.js';

const committee = issuingBodyOf({ name: 'Xã Thanh Nưa', kind: 'commune' });
const centre = issuingBodyOf({ name: 'Trung tâm phục vụ hành chính công xã Thanh Nưa', kind: 'desk' });

const letter: ApologyLetterData = {
  parentName: 'Ủy ban nhân dân tỉnh Điện Biên',
  issuer: committee,
  documentNumber: '15/TXL-UBND',
  placeName: 'Thanh Nưa',
  date: new Date(Date.UTC(2026, 1, 5)),
  salutation: 'Bà',
  recipientName: 'Lò Thị Minh',
  recipientAddress: 'Bản Noong Bua, xã Thanh Nưa',
  bodyParagraphs: ['Ủy ban nhân dân xã Thanh Nưa chân thành xin lỗi Ông/Bà vì hồ sơ "đăng ký kết hôn" đã bị trả chậm.', 'Mong Ông/Bà thông cảm.'],
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

  it('when a unit issues a document, then it goes by its proper name: a commune as its People’s Committee, the service centre as Decree 118/2025 names it', () => {
    expect(placeNameOf('Xã Thanh Nưa')).to.equal('Thanh Nưa');
    expect(placeNameOf('Phường Mường Thanh')).to.equal('Mường Thanh');
    expect(issuingBodyOf({ name: 'Xã Thanh Nưa', kind: 'commune' }).name).to.equal('Ủy ban nhân dân xã Thanh Nưa');
    expect(committee).to.deep.equal({ name: 'Ủy ban nhân dân xã Thanh Nưa', kind: 'committee' });
    expect(centre).to.deep.equal({ name: 'Trung tâm Phục vụ hành chính công xã Thanh Nưa', kind: 'centre' });
    expect(issuingBodyOf({ name: 'Bộ phận tiếp nhận và trả kết quả', kind: 'desk' }).kind).to.equal('unit');
  });

  it('when a head or a deputy signs, then the lines above the signature are those of the body that issues: TM./KT. for a committee, the director for the centre', () => {
    expect(signatureLines(committee, 'Chủ tịch')).to.deep.equal(['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH']);
    expect(signatureLines(committee, 'phó chủ tịch')).to.deep.equal(['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH']);
    expect(signatureLines(centre, 'Giám đốc')).to.deep.equal(['GIÁM ĐỐC']);
    expect(signatureLines(centre, 'Phó Giám đốc')).to.deep.equal(['KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC']);
    // A title typed freely before titles were a choice claims no authority it may not have.
    expect(signatureLines(centre, 'Chủ tịch UBND xã')).to.deep.equal(['CHỦ TỊCH UBND XÃ']);
  });

  it('when a number is suggested, then it reads as the decree writes them: the sequence on two digits, the type, the issuing body', () => {
    expect(documentNumber(1, 'PXL', centre)).to.equal('01/PXL-TTPVHCC');
    expect(documentNumber(12, 'TXL', committee)).to.equal('12/TXL-UBND');
    expect(documentNumber(3, 'PXL', issuingBodyOf({ name: 'Bộ phận tiếp nhận và trả kết quả', kind: 'desk' }))).to.equal('03/PXL-BPTNTKQ');
  });

  it('when the text says “Ông/Bà”, then the chosen salutation replaces it, and a record without one reads neutrally; quotes are curly and the text ends with “./.”', () => {
    expect(addressed('Xin lỗi Ông/Bà. Ông (Bà) thông cảm.', 'Ông')).to.equal('Xin lỗi Ông. Ông thông cảm.');
    expect(addressed('Ông/Bà đến nộp hồ sơ. Xin lỗi Ông/Bà.', '')).to.equal('Công dân đến nộp hồ sơ. Xin lỗi công dân.');
    expect(addressee('Ông', 'Ông/Bà Lường Văn Tâm')).to.equal('Ông Lường Văn Tâm');
    expect(addressee('', 'Ông/Bà Lường Văn Tâm')).to.equal('Công dân Lường Văn Tâm');
    expect(salutationOf('', 'Bà Lò Thị Minh')).to.equal('Bà');
    expect(salutationOf('Ông', 'Lường Văn Tâm')).to.equal('Ông');
    expect(curlyQuotes('tiêu chí "Xin chào", ("Xin lỗi")')).to.equal('tiêu chí “Xin chào”, (“Xin lỗi”)');
    expect(withEndMark(['Một.', 'Hai.'])).to.deep.equal(['Một.', 'Hai./.']);
    expect(withEndMark(['Hai./.'])).to.deep.equal(['Hai./.']);
  });

  it('when the .docx is opened with a real reader, then it has the heading, the title without “V/v”, the salutation, the body ending “./.” and the signature of the issuer', async () => {
    const doc = await readDocx(await apologyLetterDocx(letter));
    expect(doc.lines).to.include.members([
      'ỦY BAN NHÂN DÂN',
      'XÃ THANH NƯA',
      'Số: 15/TXL-UBND',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Thanh Nưa, ngày 05 tháng 02 năm 2026',
      'THƯ XIN LỖI',
      'Kính gửi: Bà Lò Thị Minh',
      'Ủy ban nhân dân xã Thanh Nưa chân thành xin lỗi Bà vì hồ sơ “đăng ký kết hôn” đã bị trả chậm.',
      'Mong Bà thông cảm./.',
      'TM. ỦY BAN NHÂN DÂN',
      'CHỦ TỊCH',
      'Lò Văn Phích',
      'Nơi nhận:',
      '- Bà Lò Thị Minh;',
      '- Lưu: VT.',
    ]);
    expect(doc.text).not.to.contain('V/v').and.not.to.contain('Ông/Bà').and.not.to.contain('"');
    // A People's Committee names no managing body above it.
    expect(doc.text).not.to.contain('TỈNH ĐIỆN BIÊN');
    const at = (s: string) => doc.lines.indexOf(s);
    expect(at('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).to.be.lessThan(at('Kính gửi: Bà Lò Thị Minh'));
    expect(at('THƯ XIN LỖI') + 1).to.equal(at('Kính gửi: Bà Lò Thị Minh'));
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
    expect(runOf('XÃ THANH NƯA')).to.contain('<w:b/>');
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

    // The heading's right column leaves at least 100 mm (5669 twips) of text for the 96 mm national title.
    const grid = /<w:tblGrid>(.*?)<\/w:tblGrid>/.exec(doc.documentXml)![1]!;
    const [left, right] = [...grid.matchAll(/w:w="(\d+)"/g)].map((m) => Number(m[1]));
    expect(left! + right!).to.equal(9354);
    expect(right! - 113).to.be.at.least(5669);

    // A different first page: its header is empty, the others carry the PAGE field.
    expect(doc.documentXml).to.contain('<w:titlePg/>');
    expect(doc.headersXml.some((h) => /PAGE/.test(h))).to.equal(true);
    expect(doc.headersXml.some((h) => !/PAGE/.test(h))).to.equal(true);
  });
});
