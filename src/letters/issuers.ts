/**
 * Who issues a document, and who may sign for it (Decree 30/2020/NĐ-CP, Appendix I): a People's Committee signs
 * collectively ("TM. ỦY BAN NHÂN DÂN"), a unit with a head signs as its head or "KT." for them.
 */
export type IssuerKind = 'committee' | 'centre' | 'unit';
export type IssuingBody = { name: string; kind: IssuerKind };

const COMMITTEE_UNIT_KINDS = ['province', 'district', 'commune', 'ward', 'township'];
const PLACE_PREFIX = /^(xã|phường|thị trấn|tỉnh|thành phố|huyện|quận|thị xã)\s+/iu;
/** Decree 118/2025 names the commune's one-stop centre "Trung tâm Phục vụ hành chính công"; stored names may differ in case. */
const CENTRE_NAME = /^trung tâm phục vụ hành chính công\b/iu;

const upper = (s: string) => s.toLocaleUpperCase('vi');
const lowerFirst = (s: string) => s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
const folded = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');

/** "Xã Thanh Nưa" → "Thanh Nưa": the place name (địa danh) of a commune-level unit. */
export function placeNameOf(unitName: string): string {
  return unitName.replace(PLACE_PREFIX, '').trim();
}

/** A unit's proper name as documents write it: "Ủy ban nhân dân xã Thanh Nưa", "Trung tâm Phục vụ hành chính công xã Thanh Nưa". */
export function issuingBodyOf(unit: { name: string; kind: string }): IssuingBody {
  if (COMMITTEE_UNIT_KINDS.includes(unit.kind)) return { name: `Ủy ban nhân dân ${lowerFirst(unit.name.trim())}`, kind: 'committee' };
  const name = unit.name.trim().replace(CENTRE_NAME, 'Trung tâm Phục vụ hành chính công');
  return { name, kind: CENTRE_NAME.test(name) ? 'centre' : 'unit' };
}

/** The head's and the deputy's titles in this body, as the signer's title is stored ("Chủ tịch", "Phó Chủ tịch"). */
export function signingTitles(body: IssuingBody): readonly [head: string, deputy: string] {
  if (body.kind === 'committee') return ['Chủ tịch', 'Phó Chủ tịch'];
  if (body.kind === 'centre') return ['Giám đốc', 'Phó Giám đốc'];
  // A provincial department (Sở Nội vụ, …) is led by a director.
  if (/^sở\s/iu.test(body.name)) return ['Giám đốc', 'Phó Giám đốc'];
  if (/^văn phòng\b/iu.test(body.name)) return ['Chánh Văn phòng', 'Phó Chánh Văn phòng'];
  if (/^phòng\b/iu.test(body.name)) return ['Trưởng phòng', 'Phó Trưởng phòng'];
  return ['Trưởng bộ phận', 'Phó Trưởng bộ phận'];
}

export function isSigningTitleOf(body: IssuingBody, title: string): boolean {
  return signingTitles(body).some((t) => folded(t) === folded(title));
}

/**
 * The lines above the signature: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "GIÁM ĐỐC", … A title
 * that is not one of the body's (typed freely before the titles were a choice) is printed alone, claiming no authority.
 */
export function signatureLines(body: IssuingBody, title: string): string[] {
  const [head, deputy] = signingTitles(body);
  const onBehalf = body.kind === 'committee' ? ['TM. ỦY BAN NHÂN DÂN'] : [];
  if (folded(title) === folded(head)) return [...onBehalf, upper(head)];
  if (folded(title) === folded(deputy)) return [...onBehalf, `KT. ${upper(head)}`, upper(deputy)];
  return [upper(title.trim())];
}

/** "UBND", "TTPVHCC", "BPTNTKQ": the issuing body in a document number, from its name without the place. */
export function issuerAbbreviation(body: IssuingBody): string {
  if (body.kind === 'committee') return 'UBND';
  const beforePlace = body.name.split(/(?<!-)\s+(?=(?:xã|phường|thị trấn|tỉnh|thành phố|huyện|quận|thị xã)\s)/iu)[0]!;
  const words = beforePlace.split(/\s+/).filter((w) => w && folded(w) !== 'và');
  return upper(words.map((w) => w.charAt(0)).join(''));
}

/** "01/PXL-TTPVHCC": the sequence of the year (two digits at least), the document type, the issuing body. */
export function documentNumber(sequence: number, typeAbbreviation: string, body: IssuingBody): string {
  return `${String(sequence).padStart(2, '0')}/${documentNumberSuffix(typeAbbreviation, body)}`;
}

/** What follows the sequence in a number: the document type and the issuer ("PXL-TTPVHCC"). */
export function documentNumberSuffix(typeAbbreviation: string, body: IssuingBody): string {
  return `${typeAbbreviation}-${issuerAbbreviation(body)}`;
}

/** The issuing body's name on the heading's lines: the place on a line of its own ("ỦY BAN NHÂN DÂN" / "XÃ THANH NƯA"). */
export function headingLines(name: string): string[] {
  const parts = name.split(/(?<!-)\s+(?=(?:xã|phường|thị trấn|tỉnh|thành phố|huyện|quận|thị xã)\s)/iu);
  return parts.length === 2 ? parts.map(upper) : [upper(name)];
}
