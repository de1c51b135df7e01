/**
 * The official "4 xin, 4 luôn, 5 không" code as data: what a province starts from (seeds publish it
 * as version 1) and what the publishing form offers when a province has no version yet.
 */
export interface LocalisedText {
  vi: string;
  en: string;
}

export interface CatalogueGroup {
  code: string;
  name: LocalisedText;
  order: number;
}

export interface CatalogueCriterion {
  code: string;
  group: string;
  name: LocalisedText;
  /** What went wrong, in a citizen's words: offered on report forms. */
  plainLabel: LocalisedText;
  legalSource: string;
  order: number;
}

export const DECISION_1847 = 'Quyết định 1847/QĐ-TTg ngày 27/12/2018';
export const HANOI_5354 = 'Văn bản 5354/UBND-NC năm 2019 của UBND TP Hà Nội';

const groups: CatalogueGroup[] = [
  { code: 'X', name: { vi: '4 xin', en: '4 pleases' }, order: 1 },
  { code: 'L', name: { vi: '4 luôn', en: '4 always' }, order: 2 },
  { code: 'K', name: { vi: '5 không', en: '5 nos' }, order: 3 },
];

type Row = [code: string, group: string, nameVi: string, nameEn: string, plainVi: string, plainEn: string];

const rows: Row[] = [
  ['X1', 'X', 'Xin chào', 'Greet', 'Cán bộ không chào hỏi', 'The officer did not greet me'],
  ['X2', 'X', 'Xin lỗi', 'Apologise', 'Cán bộ không xin lỗi khi làm sai hoặc để tôi phải chờ', 'The officer did not apologise for a mistake or for making me wait'],
  ['X3', 'X', 'Xin cảm ơn', 'Thank', 'Cán bộ không cảm ơn', 'The officer did not thank me'],
  ['X4', 'X', 'Xin phép', 'Ask permission', 'Cán bộ không xin phép trước khi bắt tôi chờ hoặc làm việc khác', 'The officer did not ask my permission before making me wait or turning to something else'],
  ['L1', 'L', 'Luôn mỉm cười', 'Always smile', 'Cán bộ cau có, không niềm nở', 'The officer was sullen and unfriendly'],
  ['L2', 'L', 'Luôn nhẹ nhàng', 'Always be gentle', 'Cán bộ to tiếng, nói năng thiếu nhẹ nhàng', 'The officer raised their voice or spoke harshly'],
  ['L3', 'L', 'Luôn lắng nghe', 'Always listen', 'Cán bộ không lắng nghe ý kiến của tôi', 'The officer did not listen to me'],
  ['L4', 'L', 'Luôn giúp đỡ', 'Always help', 'Cán bộ không hướng dẫn, giúp đỡ tôi', 'The officer did not guide or help me'],
  ['K1', 'K', 'Không cửa quyền, hách dịch', 'No arrogance or bossiness', 'Cán bộ hách dịch, cửa quyền, gây khó dễ', 'The officer was arrogant, bossy or made things difficult'],
  ['K2', 'K', 'Không quan liêu, vô cảm, vô trách nhiệm', 'No bureaucracy, indifference or irresponsibility', 'Cán bộ thờ ơ, đùn đẩy, thiếu trách nhiệm', 'The officer was indifferent, passed the buck or took no responsibility'],
  ['K3', 'K', 'Không tham nhũng, lãng phí', 'No corruption or waste', 'Cán bộ gợi ý hoặc đòi tiền, quà, hoặc gây lãng phí', 'The officer hinted at or asked for money or gifts, or wasted public resources'],
  ['K4', 'K', 'Không xu nịnh, chạy chọt, gian dối', 'No flattery, string-pulling or deceit', 'Cán bộ gian dối, nhận chạy chọt hoặc ưu tiên người quen', 'The officer was deceitful, took favours or put acquaintances first'],
  ['K5', 'K', 'Không lợi dụng chức vụ, quyền hạn khi thực thi công vụ', 'No abuse of position or power', 'Cán bộ lợi dụng chức vụ, quyền hạn để trục lợi hoặc gây sức ép', 'The officer abused their position or power for gain or to pressure me'],
];

const criteria: CatalogueCriterion[] = rows.map(([code, group, nameVi, nameEn, plainVi, plainEn], i) => ({
  code,
  group,
  name: { vi: nameVi, en: nameEn },
  plainLabel: { vi: plainVi, en: plainEn },
  legalSource: group === 'K' ? HANOI_5354 : DECISION_1847,
  order: i + 1,
}));

export const officialCatalogue: {
  title: string;
  legalBasis: string;
  groups: readonly CatalogueGroup[];
  criteria: readonly CatalogueCriterion[];
} = Object.freeze({
  title: 'Bộ quy tắc ứng xử "4 xin, 4 luôn, 5 không"',
  legalBasis: `${DECISION_1847}; ${HANOI_5354}`,
  groups: Object.freeze(groups.map((g) => Object.freeze(g))),
  criteria: Object.freeze(criteria.map((c) => Object.freeze(c))),
});
