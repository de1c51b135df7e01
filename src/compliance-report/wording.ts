import type { ReportBlock } from '../letters/index.js';
import type { UnitYearFigures } from '../statistics/index.js';
import { complementarySuppression, HIDDEN, SHOWN, suppress, type Shown } from '../shared/suppression.js';
import { numberFormatter } from '../shared/text.js';
import type { ReportWindow } from './window.js';

/**
 * The report's text: templates in the recipient's language. A report goes to a Vietnamese state body, so it is
 * written in Vietnamese whatever the user's interface language. Every figure comes with its definition; a figure
 * with nothing to count reads "không có" (never NaN).
 */

export interface Context {
  window: ReportWindow;
  label: string;
  previousLabel: string;
  wholeYear: boolean;
  /** Report counts below it are printed "<n" (0: exact). */
  threshold: number;
  kind: 'PROVINCE' | 'COMMUNE';
  unitName: string;
  /**
   * The window's substantiated count is printed "x": beside the communes the attention list names for 2 or more
   * substantiated reports (and so the others for 1 or none), it would let a commune's small count be worked out.
   */
  substantiatedHidden?: boolean;
  /** The merger year: units merged into the reporting unit whose records of the year it includes (names in a sentence). */
  mergedNames?: string;
}

/** What a window's figures are: the monthly ones summed over its months, the yearly ones of its year. */
export interface WindowFigures {
  /** The year's figures (year-only measures: staff, classification, criterion results, late dossiers). */
  year: UnitYearFigures;
  ratings: { total: number; satisfied: number };
  reports: number;
  byStatus: Record<string, number>;
  substantiated: number;
  remedies: Record<string, number>;
  evaluations: { total: number; finalised: number };
}

const NONE = 'không có';
const num = numberFormatter('vi-VN');
const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%` : NONE);
const rateOf = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const shownOf = (ctx: Context, n: number): Shown => (ctx.threshold > 0 ? suppress(n, ctx.threshold) : n);
const showCount = (ctx: Context, n: number) => {
  const s = shownOf(ctx, n);
  return typeof s === 'number' ? num(s) : `dưới ${s.below}`;
};
const cellCount = (ctx: Context, n: number) => {
  const s = shownOf(ctx, n);
  return typeof s === 'number' ? num(s) : `<${s.below}`;
};
/**
 * The window's report count and its breakdown by status, suppressed together (the statuses add up to the count: a
 * lone "dưới 3" beside printed ones would be the count minus them). Each as written in a sentence and in a table.
 */
function reportCounts(ctx: Context, wf: WindowFigures) {
  const statuses = Object.keys(STATUS_LABELS).filter((s) => (wf.byStatus[s] ?? 0) > 0);
  const values = [...statuses.map((s) => wf.byStatus[s]!), wf.reports];
  const marks = ctx.threshold > 0 ? complementarySuppression(values, [{ parts: statuses.map((_, i) => i), total: statuses.length }], ctx.threshold) : new Uint8Array(values.length);
  const sentence = (i: number) => (marks[i] === SHOWN ? num(values[i]!) : marks[i] === HIDDEN ? 'x' : `dưới ${ctx.threshold}`);
  const cell = (i: number) => (marks[i] === SHOWN ? num(values[i]!) : marks[i] === HIDDEN ? 'x' : `<${ctx.threshold}`);
  const total = statuses.length;
  return { statuses: statuses.map((s, i) => `${STATUS_LABELS[s]} ${sentence(i)}`), total: sentence(total), totalCell: cell(total), totalShown: marks[total] === SHOWN };
}
/** "Tỉnh Điện Biên" → "tỉnh Điện Biên" inside a sentence. */
const inSentence = (name: string) => name.replace(/^(Xã|Phường|Thị trấn|Tỉnh|Thành phố)(?=\s)/u, (m) => m.toLocaleLowerCase('vi'));
const heading = (text: string): ReportBlock => ({ kind: 'heading', text });
const para = (text: string): ReportBlock => ({ kind: 'paragraph', text });
const yearOnlyNote = (ctx: Context) => (ctx.wholeYear ? '' : ` (số liệu cả năm ${ctx.window.year}: hệ thống tổng hợp số liệu này theo năm, không theo tháng)`);

export const CATEGORY_LABELS: Record<string, string> = { canBo: 'Cán bộ', congChuc: 'Công chức', vienChuc: 'Viên chức', nguoiLaoDong: 'Người lao động', unknown: 'Chưa rõ loại' };
export const CLASSIFICATION_LABELS: Record<string, string> = {
  OUTSTANDING: 'Hoàn thành xuất sắc nhiệm vụ',
  GOOD: 'Hoàn thành tốt nhiệm vụ',
  COMPLETED: 'Hoàn thành nhiệm vụ',
  NOT_COMPLETED: 'Không hoàn thành nhiệm vụ',
};
export const STATUS_LABELS: Record<string, string> = {
  RECEIVED: 'Đã tiếp nhận', UNDER_REVIEW: 'Đang xem xét', SUBSTANTIATED: 'Có cơ sở', PARTLY_SUBSTANTIATED: 'Có cơ sở một phần',
  NOT_SUBSTANTIATED: 'Không có cơ sở', RESOLVED: 'Đã giải quyết', CLOSED: 'Đã đóng',
};
export const REMEDY_LABELS: Record<string, string> = { APOLOGY: 'xin lỗi người dân (thư xin lỗi)', REMINDER_TRAINING: 'nhắc nhở, bồi dưỡng', DISCIPLINE_REFERRAL: 'đề nghị xem xét kỷ luật' };
const GROUPS: { prefix: string; name: string }[] = [
  { prefix: 'X', name: '“4 xin”' },
  { prefix: 'L', name: '“4 luôn”' },
  { prefix: 'K', name: '“5 không”' },
];
/** Professional education from trung cấp up; from cao đẳng up; political theory from trung cấp up. */
const TRAINED = ['vocational', 'college', 'university', 'master', 'doctorate'];
const COLLEGE_UP = ['college', 'university', 'master', 'doctorate'];
const THEORY_UP = ['intermediate', 'advanced'];
const countOf = (levels: Record<string, number>, keys: string[]) => keys.reduce((n, k) => n + (levels[k] ?? 0), 0);

export function summaryLines(ctx: Context): string[] {
  return ['Kết quả thực hiện Bộ quy tắc ứng xử “4 xin, 4 luôn, 5 không”', `của cán bộ, công chức, viên chức, người lao động ${ctx.label}`];
}

export function introduction(ctx: Context): ReportBlock[] {
  const scope = ctx.kind === 'PROVINCE' ? `các xã, phường trên địa bàn ${ctx.unitName.replace(/^Tỉnh/u, 'tỉnh')}` : ctx.unitName.replace(/^(Xã|Phường|Thị trấn)/u, (m) => m.toLocaleLowerCase('vi'));
  const lines = [
    para(`Thực hiện Bộ quy tắc ứng xử của cán bộ, công chức, viên chức, người lao động, ${ctx.kind === 'PROVINCE' ? 'Sở Nội vụ' : 'Ủy ban nhân dân ' + scope} báo cáo kết quả thực hiện ${ctx.label} của ${scope} như sau. Số liệu được tổng hợp từ hệ thống Công Bộc; chi tiết theo từng người, từng tiêu chí tại Phụ lục kèm theo.`),
  ];
  if (ctx.mergedNames) lines.push(para(`Số liệu năm ${ctx.window.year} gồm cả số liệu của ${ctx.mergedNames} (trước sáp nhập).`));
  if (ctx.threshold > 0)
    lines.push(
      para(
        `Để bảo vệ thông tin cá nhân, các số lượng phản ánh từ 1 đến ${ctx.threshold - 1} được ghi là “dưới ${ctx.threshold}” (“<${ctx.threshold}”); số ghi “x” là số được ẩn thêm để không thể suy ra các số đã ẩn từ số tổng.`,
      ),
    );
  return lines;
}

export function staffSection(ctx: Context, f: UnitYearFigures): ReportBlock[] {
  const groups = f.staffByCategory ?? {};
  const g = (k: string) => groups[k] ?? { total: 0, under40: 0, education: {}, politicalTheory: {}, generalEducation: {} };
  const cbcc = { total: g('canBo').total + g('congChuc').total, under40: g('canBo').under40 + g('congChuc').under40 };
  const out: ReportBlock[] = [heading('1. Đội ngũ cán bộ, công chức, viên chức, người lao động')];
  if (f.staff === 0) {
    out.push(para(`Trong ${ctx.label}, ${NONE} cán bộ, công chức, viên chức, người lao động nào được ghi nhận trên hệ thống.`));
    return out;
  }
  out.push(
    para(
      `Tổng số người trong ${ctx.wholeYear ? ctx.label : 'năm ' + ctx.window.year}: ${num(f.staff)} (người đang công tác và người đã nghỉ nhưng có tên trong kỳ đánh giá của năm), trong đó cán bộ, công chức (CBCC) ${num(cbcc.total)} người. ` +
        `Tỷ lệ CBCC dưới 40 tuổi: ${pct(cbcc.under40, cbcc.total)}; của toàn bộ đội ngũ: ${pct(f.under40, f.staff)} (dưới 40 tuổi: năm báo cáo trừ năm sinh nhỏ hơn 40).`,
    ),
  );
  const rows = ['canBo', 'congChuc', 'vienChuc', 'nguoiLaoDong', ...(groups.unknown ? ['unknown'] : [])].map((k) => {
    const x = g(k);
    return [CATEGORY_LABELS[k]!, num(x.total), pct(x.under40, x.total), pct(countOf(x.education, TRAINED), x.total), pct(countOf(x.education, COLLEGE_UP), x.total), pct(countOf(x.politicalTheory, THEORY_UP), x.total)];
  });
  out.push({ kind: 'table', header: ['Loại', 'Số người', 'Dưới 40 tuổi', 'CM từ trung cấp', 'CM từ cao đẳng', 'LLCT từ trung cấp'], rows, widths: [2.2, 1.1, 1.2, 1.3, 1.3, 1.3] });
  const canBo = g('canBo');
  const congChuc = g('congChuc');
  out.push(
    para(
      `Trình độ (theo hồ sơ cán bộ hiện lưu): cán bộ có trình độ chuyên môn từ trung cấp trở lên ${pct(countOf(canBo.education, TRAINED), canBo.total)}, có trình độ lý luận chính trị từ trung cấp trở lên ${pct(countOf(canBo.politicalTheory, THEORY_UP), canBo.total)}; ` +
        `công chức có trình độ từ cao đẳng trở lên ${pct(countOf(congChuc.education, COLLEGE_UP), congChuc.total)}. Tỷ lệ tính trên số người của từng loại. ` +
        generalEducationSentence(canBo, congChuc),
    ),
  );
  return out;
}

/** Standard general education: upper secondary (12/12); over each category's people, with those not yet recorded named. */
function generalEducationSentence(...groups: { total: number; generalEducation?: Record<string, number> }[]): string {
  const [canBo, congChuc] = groups as [{ total: number; generalEducation?: Record<string, number> }, { total: number; generalEducation?: Record<string, number> }];
  const unknown = groups.reduce((n, x) => n + (x.generalEducation?.unknown ?? 0), 0);
  const of = (x: { generalEducation?: Record<string, number> }) => x.generalEducation?.upperSecondary ?? 0;
  return (
    `Tỷ lệ có trình độ giáo dục phổ thông đạt chuẩn (tốt nghiệp trung học phổ thông, 12/12): cán bộ ${pct(of(canBo), canBo.total)}, công chức ${pct(of(congChuc), congChuc.total)}` +
    (unknown ? `; ${num(unknown)} CBCC chưa được khai báo trình độ giáo dục phổ thông (tính vào số chưa đạt chuẩn).` : '.')
  );
}

export function evaluationSection(ctx: Context, wf: WindowFigures): ReportBlock[] {
  const f = wf.year;
  const out: ReportBlock[] = [heading('2. Đánh giá việc thực hiện quy tắc ứng xử và xếp loại')];
  const ev = wf.evaluations;
  out.push(
    para(
      ev.total === 0
        ? `Trong ${ctx.label}, ${NONE} phiếu đánh giá nào.`
        : `Trong ${ctx.label} có ${num(ev.total)} phiếu đánh giá, đã hoàn tất (thủ trưởng chấm xong) ${num(ev.finalised)} phiếu, đạt ${pct(ev.finalised, ev.total)}.`,
    ),
  );
  out.push(
    para(
      f.evaluatedStaff === 0
        ? `Số người được đánh giá${yearOnlyNote(ctx)}: ${NONE}.`
        : `Số người được đánh giá${yearOnlyNote(ctx)}: ${num(f.evaluatedStaff)}; trong đó ${num(f.fullyCompliant)} người thực hiện đầy đủ Bộ quy tắc, đạt ${pct(f.fullyCompliant, f.evaluatedStaff)} (thực hiện đầy đủ: không có tiêu chí nào bị chấm “Chưa thực hiện” và không có phản ánh có cơ sở về người đó trong năm).`,
    ),
  );
  const classified = Object.values(f.classification).reduce((a, b) => a + b, 0);
  if (classified === 0) out.push(para(`Xếp loại chất lượng năm ${ctx.window.year}: ${NONE} kết quả xếp loại; ${num(f.unclassified)} người chưa được xếp loại.`));
  else {
    const levels = Object.keys(CLASSIFICATION_LABELS).map((k) => `${CLASSIFICATION_LABELS[k]} ${num(f.classification[k] ?? 0)} người (${pct(f.classification[k] ?? 0, classified)})`);
    out.push(para(`Xếp loại chất lượng năm ${ctx.window.year} (${num(classified)} người đã xếp loại, ${num(f.unclassified)} người chưa xếp loại): ${levels.join('; ')}.`));
  }
  return out;
}

export function criteriaSection(ctx: Context, f: UnitYearFigures, criteria: { code: string; name: string }[]): ReportBlock[] {
  const out: ReportBlock[] = [heading(`3. Kết quả thực hiện từng tiêu chí “4 xin, 4 luôn, 5 không”${yearOnlyNote(ctx)}`)];
  const total = Object.values(f.results).reduce((n, r) => n + r.all, 0);
  if (total === 0) {
    out.push(para(`${NONE[0]!.toUpperCase()}${NONE.slice(1)} kết quả chấm theo tiêu chí nào đã hoàn tất.`));
    return out;
  }
  out.push(para('Tỷ lệ đạt của một tiêu chí: số lượt chấm “Thực hiện tốt” hoặc “Thực hiện” trên tổng số lượt chấm tiêu chí đó trong các phiếu đã hoàn tất.'));
  const groupSentences = GROUPS.map((gr) => {
    let ok = 0;
    let all = 0;
    for (const c of criteria.filter((c) => c.code.startsWith(gr.prefix))) {
      ok += f.results[c.code]?.ok ?? 0;
      all += f.results[c.code]?.all ?? 0;
    }
    return `nhóm ${gr.name} ${pct(ok, all)}`;
  });
  out.push(para(`Tỷ lệ đạt theo nhóm: ${groupSentences.join('; ')}.`));
  const rows = criteria.map((c) => {
    const r = f.results[c.code] ?? { good: 0, done: 0, breached: 0, ok: 0, all: 0 };
    return [`${c.code}. ${c.name}`, num(r.all), num(r.ok), num(r.breached), pct(r.ok, r.all), cellCount(ctx, f.substantiatedByCriterion[c.code] ?? 0)];
  });
  out.push({ kind: 'table', header: ['Tiêu chí', 'Lượt chấm', 'Đạt', 'Chưa thực hiện', 'Tỷ lệ đạt', 'Phản ánh có cơ sở'], rows, widths: [4, 1.1, 1.1, 1.2, 1.1, 1.3] });
  const weakest = criteria
    .map((c) => ({ c, r: f.results[c.code] }))
    .filter((x) => x.r && x.r.all > 0)
    .sort((a, b) => a.r!.ok / a.r!.all - b.r!.ok / b.r!.all)[0];
  if (weakest) out.push(para(`Tiêu chí có tỷ lệ đạt thấp nhất: ${weakest.c.code} “${weakest.c.name}” (${pct(weakest.r!.ok, weakest.r!.all)}).`));
  return out;
}

export function reportsSection(ctx: Context, wf: WindowFigures): ReportBlock[] {
  const out: ReportBlock[] = [heading('4. Tiếp nhận và xử lý phản ánh về ứng xử')];
  if (wf.reports === 0) {
    out.push(para(`Trong ${ctx.label}, ${NONE} phản ánh nào về ứng xử của cán bộ, công chức, viên chức, người lao động.`));
    return out;
  }
  const counts = reportCounts(ctx, wf);
  out.push(para(`Trong ${ctx.label} tiếp nhận ${counts.total} phản ánh (tính theo ngày tiếp nhận); tình trạng hiện nay: ${counts.statuses.join('; ')}.`));
  out.push(para(`Số phản ánh được kết luận có cơ sở (toàn bộ hoặc một phần): ${wf.substantiated ? (ctx.substantiatedHidden ? 'x' : showCount(ctx, wf.substantiated)) : NONE}.`));
  const remedies = Object.keys(REMEDY_LABELS).filter((k) => (wf.remedies[k] ?? 0) > 0).map((k) => `${REMEDY_LABELS[k]}: ${showCount(ctx, wf.remedies[k]!)} phản ánh`);
  out.push(para(`Biện pháp khắc phục đã ghi nhận: ${remedies.length ? remedies.join('; ') : NONE}.`));
  const h = wf.year.handlingFeedback;
  const answers = h.satisfied + h.neutral + h.dissatisfied;
  if (answers + h.reopened > 0)
    out.push(para(`Ý kiến của người phản ánh về kết quả xử lý${yearOnlyNote(ctx)}: hài lòng ${showCount(ctx, h.satisfied)}, bình thường ${showCount(ctx, h.neutral)}, không hài lòng ${showCount(ctx, h.dissatisfied)}; báo chưa được giải quyết ${showCount(ctx, h.reopened)}.`));
  return out;
}

export function dossiersSection(ctx: Context, f: UnitYearFigures): ReportBlock[] {
  const out: ReportBlock[] = [heading(`5. Hồ sơ thủ tục hành chính trễ hạn và phiếu xin lỗi${yearOnlyNote(ctx)}`)];
  if (f.lateDossiers === 0) out.push(para(`${NONE[0]!.toUpperCase()}${NONE.slice(1)} hồ sơ trễ hạn nào được ghi nhận.`));
  else {
    const withSlip = f.lateDossiers - f.apologyBreaches;
    out.push(
      para(
        `Số hồ sơ trễ hạn (quá ngày hẹn trả kết quả): ${num(f.lateDossiers)}; đã có Phiếu xin lỗi và hẹn lại ngày trả kết quả ${num(withSlip)} hồ sơ (${pct(withSlip, f.lateDossiers)}); chưa có phiếu xin lỗi ${num(f.apologyBreaches)} hồ sơ${f.apologyBreaches ? ', cần khắc phục' : ''}.`,
      ),
    );
  }
  return out;
}

export function satisfactionSection(ctx: Context, wf: WindowFigures): ReportBlock[] {
  const out: ReportBlock[] = [heading('6. Mức độ hài lòng tại Bộ phận tiếp nhận và trả kết quả')];
  const r = wf.ratings;
  out.push(
    para(
      r.total === 0
        ? `Trong ${ctx.label}, ${NONE} lượt đánh giá mức độ hài lòng nào.`
        : `Trong ${ctx.label} có ${num(r.total)} lượt đánh giá, trong đó ${num(r.satisfied)} lượt hài lòng; tỷ lệ hài lòng ${pct(r.satisfied, r.total)} (tỷ lệ hài lòng: số lượt chọn “Rất hài lòng” hoặc “Hài lòng” trên tổng số lượt đánh giá tại bộ phận một cửa).`,
    ),
  );
  return out;
}

const change = (now: number | null, before: number | null, asPoints = false) => {
  if (now === null || before === null) return NONE;
  const d = asPoints ? (now - before) * 100 : now - before;
  const text = Math.abs(d).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
  if (d === 0) return 'không đổi';
  return `${d > 0 ? 'tăng' : 'giảm'} ${text}${asPoints ? ' điểm %' : ''}`;
};

export function comparisonSection(ctx: Context, now: WindowFigures, before: WindowFigures): ReportBlock[] {
  const out: ReportBlock[] = [heading(`7. So sánh với cùng độ dài kỳ trước (${ctx.previousLabel})`)];
  const row = (label: string, a: number, b: number) => [label, num(a), num(b), change(a, b)];
  const rateRow = (label: string, a: number | null, b: number | null) => [label, a === null ? NONE : pct(a, 1), b === null ? NONE : pct(b, 1), change(a, b, true)];
  const countRow = (label: string, a: number, b: number) => {
    const sa = shownOf(ctx, a);
    const sb = shownOf(ctx, b);
    // A change between suppressed counts would give them away.
    return [label, cellCount(ctx, a), cellCount(ctx, b), typeof sa === 'number' && typeof sb === 'number' ? change(a, b) : '—'];
  };
  // This window's report count as section 4 prints it (suppressed with its breakdown by status).
  const nowReports = reportCounts(ctx, now);
  const reportsRow = (): string[] => {
    const sb = shownOf(ctx, before.reports);
    return ['Phản ánh tiếp nhận', nowReports.totalCell, cellCount(ctx, before.reports), nowReports.totalShown && typeof sb === 'number' ? change(now.reports, before.reports) : '—'];
  };
  const rows = [
    row('Lượt đánh giá mức độ hài lòng', now.ratings.total, before.ratings.total),
    rateRow('Tỷ lệ hài lòng', rateOf(now.ratings.satisfied, now.ratings.total), rateOf(before.ratings.satisfied, before.ratings.total)),
    reportsRow(),
    ctx.substantiatedHidden ? ['Phản ánh có cơ sở', 'x', cellCount(ctx, before.substantiated), '—'] : countRow('Phản ánh có cơ sở', now.substantiated, before.substantiated),
    rateRow('Tỷ lệ phiếu đánh giá đã hoàn tất', rateOf(now.evaluations.finalised, now.evaluations.total), rateOf(before.evaluations.finalised, before.evaluations.total)),
  ];
  if (ctx.wholeYear) {
    const a = now.year;
    const b = before.year;
    const fulfil = (f: UnitYearFigures) => {
      let ok = 0;
      let all = 0;
      for (const r of Object.values(f.results)) { ok += r.ok; all += r.all; }
      return rateOf(ok, all);
    };
    rows.push(
      row('Tổng số người', a.staff, b.staff),
      rateRow('Tỷ lệ thực hiện đầy đủ Bộ quy tắc', rateOf(a.fullyCompliant, a.evaluatedStaff), rateOf(b.fullyCompliant, b.evaluatedStaff)),
      rateRow('Tỷ lệ đạt theo tiêu chí', fulfil(a), fulfil(b)),
      row('Hồ sơ trễ hạn', a.lateDossiers, b.lateDossiers),
      row('Hồ sơ trễ hạn chưa có phiếu xin lỗi', a.apologyBreaches, b.apologyBreaches),
    );
  }
  out.push({ kind: 'table', header: ['Chỉ tiêu', 'Kỳ này', 'Kỳ trước', 'Thay đổi'], rows, widths: [3.4, 1.2, 1.2, 1.6] });
  if (!ctx.wholeYear) out.push(para('Các số liệu hệ thống chỉ tổng hợp theo năm (nhân sự, xếp loại, kết quả theo tiêu chí, hồ sơ trễ hạn) không so sánh được giữa hai kỳ ngắn hơn một năm.'));
  const sNow = rateOf(now.ratings.satisfied, now.ratings.total);
  const sBefore = rateOf(before.ratings.satisfied, before.ratings.total);
  if (sNow !== null && sBefore !== null) out.push(para(`Tỷ lệ hài lòng ${change(sNow, sBefore, true) === 'không đổi' ? 'không đổi' : change(sNow, sBefore, true)} so với kỳ trước.`));
  return out;
}

/**
 * How many substantiated reports make a commune one to watch: 2; in a published report (where counts below the
 * threshold are hidden) at least the threshold, so that being named or not says no more than a suppressed count
 * does — "named for 2 or more" beside "dưới 3" would be exactly 2.
 */
export const substantiatedAttention = (threshold: number) => Math.max(2, threshold);

/**
 * Whether the window's substantiated count, printed beside the attention list, would let a reader work out a commune's
 * count: the list gives each named commune's count and bounds the others (below the sign's floor); the printed count
 * is their sum. Then it is printed "x".
 */
export function substantiatedGivesAway(threshold: number, total: number, communes: readonly number[]): boolean {
  if (threshold <= 0 || total === 0) return false;
  const floor = substantiatedAttention(threshold);
  const [tLo, tHi] = total < threshold ? [1, threshold - 1] : [total, total];
  const bounds = communes.map((n) => (n >= floor ? [n, n] : [0, floor - 1]) as [number, number]);
  const sumLo = bounds.reduce((n, b) => n + b[0], 0);
  const sumHi = bounds.reduce((n, b) => n + b[1], 0);
  if (tLo !== tHi && Math.max(tLo, sumLo) >= Math.min(tHi, sumHi)) return true;
  return communes.some((n, i) => {
    const [lo, hi] = bounds[i]!;
    if (n === 0 || lo === hi) return false;
    return Math.max(lo, tLo - (sumHi - hi)) >= Math.min(hi, tHi - (sumLo - lo));
  });
}

/**
 * The rule for communes needing attention, in the window: a satisfaction rate under 90% on at least 10 ratings;
 * 2 (published: at least the threshold) or more substantiated reports; under 80% of evaluations finalised; a late
 * dossier without an apology slip (year).
 */
export const attentionRule = (threshold: number) =>
  `Xã, phường cần quan tâm là đơn vị có ít nhất một trong các dấu hiệu: tỷ lệ hài lòng dưới 90% (khi có từ 10 lượt đánh giá trở lên); từ ${substantiatedAttention(threshold)} phản ánh có cơ sở trở lên; tỷ lệ phiếu đánh giá đã hoàn tất dưới 80%; có hồ sơ trễ hạn chưa có phiếu xin lỗi.`;

export function attentionSection(ctx: Context, communes: { name: string; figures: WindowFigures }[]): ReportBlock[] {
  const out: ReportBlock[] = [heading('8. Các xã, phường cần quan tâm'), para(attentionRule(ctx.threshold))];
  const flagged: string[][] = [];
  for (const c of communes) {
    const f = c.figures;
    const reasons: string[] = [];
    if (f.ratings.total >= 10 && f.ratings.satisfied / f.ratings.total < 0.9) reasons.push(`tỷ lệ hài lòng ${pct(f.ratings.satisfied, f.ratings.total)}`);
    if (f.substantiated >= substantiatedAttention(ctx.threshold)) reasons.push(`${num(f.substantiated)} phản ánh có cơ sở`);
    if (f.evaluations.total > 0 && f.evaluations.finalised / f.evaluations.total < 0.8) reasons.push(`hoàn tất ${pct(f.evaluations.finalised, f.evaluations.total)} phiếu đánh giá`);
    if (f.year.apologyBreaches > 0) reasons.push(`${num(f.year.apologyBreaches)} hồ sơ trễ hạn chưa có phiếu xin lỗi`);
    if (reasons.length) flagged.push([c.name, reasons.join('; ')]);
  }
  if (!flagged.length) out.push(para(`Trong ${ctx.label}, ${NONE} xã, phường nào có dấu hiệu cần quan tâm (trên ${num(communes.length)} xã, phường).`));
  else {
    out.push(para(`Có ${num(flagged.length)} trên ${num(communes.length)} xã, phường cần quan tâm:`));
    out.push({ kind: 'table', header: ['Xã, phường', 'Dấu hiệu'], rows: flagged, widths: [2, 5], textColumns: [0, 1] });
  }
  return out;
}

export function closing(ctx: Context): ReportBlock[] {
  return [
    para(`${ctx.kind === 'PROVINCE' ? 'Sở Nội vụ' : 'Ủy ban nhân dân ' + ctx.unitName.replace(/^(Xã|Phường|Thị trấn)/u, (m) => m.toLocaleLowerCase('vi'))} báo cáo để cấp có thẩm quyền biết, chỉ đạo.`),
    para(`Phụ lục I: Sổ tổng hợp kết quả thực hiện Bộ quy tắc ứng xử năm ${ctx.window.year} của ${inSentence(ctx.unitName)} (tệp Excel lập tại mục “Xuất báo cáo” của hệ thống Công Bộc).`),
  ];
}

/** Names of merged units as they read inside a sentence ("xã Thanh Luông, xã Hua Thanh"). */
export function mergedNames(units: readonly { unitName: string }[]): string {
  return units.map((u) => u.unitName.charAt(0).toLocaleLowerCase('vi') + u.unitName.slice(1)).join(', ');
}

/** A commune's row name; in the merger year with the communes merged into it ("… (gồm số liệu của xã X trước sáp nhập)"). */
export function communeLabel(c: { unitName: string; includes?: { unitName: string }[] }): string {
  return c.includes?.length ? `${c.unitName} (gồm số liệu của ${mergedNames(c.includes)} trước sáp nhập)` : c.unitName;
}
