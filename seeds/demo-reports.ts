import { seededRandom } from '../src/shared/seeded-random.js';
import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import type { Actor } from '../src/auth/index.js';
import { UserModel } from '../src/auth/model.js';
import { actorOf } from '../src/auth/index.js';
import { calendarBetween } from '../src/holidays/index.js';
import { addWorkingDays, type CalendarDay } from '../src/holidays/index.js';
import { vietnamDay } from '../src/shared/dates.js';
import { StaffModel } from '../src/staff/model.js';
import { UnitModel } from '../src/units/model.js';
import { escalateOverdue } from '../src/incidents/deadlines.js';
import { addNote, addRemedy, addReply, extendDeadline, markLetterSent, submitExplanation, transition } from '../src/incidents/handling.js';
import { letterDraft, saveLetter } from '../src/incidents/letter.js';
import { recordExplanation } from '../src/incidents/due-process.js';
import { IncidentReportModel, ReporterIdentityModel, type RemedyKind, type ReportKind, type ReportStatus } from '../src/incidents/model.js';
import { addReporterMessage, fileReport, type Reporter } from '../src/incidents/service.js';
import { defaultReportSettings, type ReportSettings } from '../src/incidents/settings.js';
import type { Salutation } from '../src/letters/index.js';

/** The demo logins (seeds/demo.ts) that act on the cases. */
type ActorKey = 'admin' | 'truongxa' | 'truongxa2' | 'canbo';

/** The staff members the demo cases are about, found by post in the seeded communes. */
type PersonKey = 'tnDeskA' | 'tnDeskB' | 'tnLand' | 'tnFinance' | 'tnClerk' | 'spDesk' | 'spCulture' | 'spChair' | 'mnJustice' | 'mnLand' | 'dbpDesk' | 'tgJustice';

type ReporterSpec =
  | { anonymous: true }
  | { name: string; phone?: string; email?: string }
  | { peer: ActorKey; kind: ReportKind; anonymous: boolean; phone?: string; address?: string };

/** One handling step, `wd` working days after the day the case was filed (0: that day). */
type Step = { wd: number } & (
  | { t: 'to'; by: ActorKey; to: ReportStatus; note: string; confirmed?: string[] }
  | { t: 'reply' | 'note'; by: ActorKey; text: string }
  | { t: 'reporter'; text: string }
  | { t: 'explain'; by: ActorKey; text: string }
  /** An explanation received on paper or in person (or a refusal), recorded by the handler for a subject without a login. */
  | { t: 'paper'; by: ActorKey; channel: 'PAPER' | 'IN_PERSON' | 'DECLINED'; text: string }
  | { t: 'extend'; by: ActorKey; days: number; reason: string }
  | { t: 'remedy'; by: ActorKey; kind: RemedyKind; note: string }
  | { t: 'letter'; by: ActorKey; documentNumber: string; salutation: Salutation; recipientName?: string; recipientAddress?: string; body?: string[] }
  | { t: 'sent'; by: ActorKey }
);

interface DemoCase {
  /** Unit code from seeds/units-dienbien.ts; the case names the commune's one-stop desk when atDesk. */
  unit: string;
  atDesk?: boolean;
  subject?: PersonKey;
  criteria: string[];
  reporter: ReporterSpec;
  /** Days before the seed day, or a fixed day for the cases that happened before the 2025 reform. */
  filed: { daysAgo: number } | { on: string };
  occurredDaysBefore?: number;
  place?: string;
  description: string;
  dossierNumber?: string;
  steps: Step[];
}

const DESK_OFFICER = 'Công chức tiếp nhận và trả kết quả';
const PEOPLE: Record<PersonKey, { unit: string; desk?: boolean; position: string; nth?: number } | { login: ActorKey }> = {
  tnDeskA: { unit: 'DB-THANHNUA', desk: true, position: DESK_OFFICER, nth: 0 },
  tnDeskB: { unit: 'DB-THANHNUA', desk: true, position: DESK_OFFICER, nth: 1 },
  tnLand: { unit: 'DB-THANHNUA', position: 'Công chức Địa chính - Xây dựng' },
  tnFinance: { unit: 'DB-THANHNUA', position: 'Công chức Tài chính - Kế toán' },
  tnClerk: { login: 'canbo' },
  spDesk: { unit: 'DB-SINHPHINH', desk: true, position: DESK_OFFICER },
  spCulture: { unit: 'DB-SINHPHINH', position: 'Công chức Văn hóa - Xã hội' },
  spChair: { login: 'truongxa2' },
  mnJustice: { unit: 'DB-MUONGNHE', position: 'Công chức Tư pháp - Hộ tịch' },
  mnLand: { unit: 'DB-MUONGNHE', position: 'Công chức Địa chính - Xây dựng' },
  dbpDesk: { unit: 'DB-DIENBIENPHU', desk: true, position: DESK_OFFICER },
  tgJustice: { unit: 'DB-TUANGIAO', position: 'Công chức Tư pháp - Hộ tịch' },
};

// Fictional citizens and events; the first case is modelled on the Thanh Luông story of docs/domain.md.
const CASES: DemoCase[] = [
  {
    unit: 'DB-DB-THANHLUONG',
    criteria: ['X2', 'K1'],
    reporter: { name: 'Quàng Văn Hậu', phone: '0912 468 135' },
    filed: { on: '2025-03-11' },
    place: 'Bộ phận tiếp nhận và trả kết quả, UBND xã Thanh Luông',
    dossierNumber: 'H18.22-250303-0007',
    description:
      'Ngày 03/3/2025 tôi nộp hồ sơ đăng ký kết hôn, được hẹn trả kết quả ngày 05/3/2025. Đến hẹn tôi lên nhận thì chưa có, phải đi lại nhiều lần đến ngày 10/3/2025 mới được trả, không có phiếu xin lỗi và hẹn lại. Khi tôi hỏi lý do, công chức tư pháp - hộ tịch nói "chờ được thì chờ, không thì về" và không xin lỗi.',
    steps: [
      { wd: 1, t: 'to', by: 'admin', to: 'UNDER_REVIEW', note: 'Giao Văn phòng UBND xã xác minh, đối chiếu sổ theo dõi hồ sơ một cửa.' },
      { wd: 1, t: 'reply', by: 'admin', text: 'UBND xã Thanh Luông đã nhận phản ánh của ông và đang xác minh. Kết quả sẽ được thông báo qua mã tra cứu.' },
      { wd: 3, t: 'note', by: 'admin', text: 'Sổ theo dõi: hẹn trả 05/3, trả ngày 10/3, không lập phiếu xin lỗi và hẹn lại. Công chức tư pháp - hộ tịch thừa nhận có lời lẽ thiếu chuẩn mực khi công dân hỏi.' },
      { wd: 6, t: 'to', by: 'admin', to: 'SUBSTANTIATED', note: 'Phản ánh đúng: trả hồ sơ đăng ký kết hôn trễ 3 ngày làm việc mà không xin lỗi, thái độ hách dịch khi công dân hỏi lý do.' },
      { wd: 6, t: 'remedy', by: 'admin', kind: 'APOLOGY', note: 'Chủ tịch UBND xã gửi thư xin lỗi công dân.' },
      { wd: 6, t: 'remedy', by: 'admin', kind: 'REMINDER_TRAINING', note: 'Kiểm điểm, nhắc nhở công chức tư pháp - hộ tịch; rà soát việc lập phiếu xin lỗi và hẹn lại tại bộ phận một cửa.' },
      {
        wd: 7,
        t: 'letter',
        by: 'admin',
        documentNumber: '18/TXL-UBND',
        salutation: 'Ông',
        recipientName: 'Quàng Văn Hậu',
        recipientAddress: 'Bản Noong Ứng, xã Thanh Luông, huyện Điện Biên, tỉnh Điện Biên',
        body: [
          'Ngày 03/3/2025, Ông nộp hồ sơ đăng ký kết hôn (số H18.22-250303-0007) tại Bộ phận tiếp nhận và trả kết quả của UBND xã Thanh Luông, hẹn trả kết quả ngày 05/3/2025. Hồ sơ đã được trả chậm đến ngày 10/3/2025 mà đơn vị không gửi phiếu xin lỗi và hẹn lại ngày trả kết quả; khi Ông hỏi lý do, công chức tư pháp - hộ tịch đã có lời lẽ thiếu chuẩn mực, gây phiền hà cho Ông.',
          'Qua xác minh, UBND xã xác định nội dung phản ánh của Ông là đúng. Thay mặt UBND xã Thanh Luông, tôi thành thật xin lỗi Ông về sự chậm trễ và thái độ không đúng mực của công chức khi giải quyết hồ sơ của Ông.',
          'UBND xã đã tổ chức kiểm điểm, nhắc nhở công chức liên quan và chấn chỉnh việc lập phiếu xin lỗi, hẹn lại ngày trả kết quả tại bộ phận một cửa, cam kết không để tái diễn. Trân trọng cảm ơn Ông đã phản ánh, góp phần nâng cao chất lượng phục vụ Nhân dân.',
        ],
      },
      { wd: 8, t: 'sent', by: 'admin' },
      { wd: 8, t: 'reply', by: 'admin', text: 'UBND xã Thanh Luông đã gửi thư xin lỗi đến ông qua đường bưu điện; công chức liên quan đã bị kiểm điểm, nhắc nhở.' },
      { wd: 9, t: 'to', by: 'admin', to: 'RESOLVED', note: 'Đã gửi thư xin lỗi công dân; công chức đã được kiểm điểm, nhắc nhở.' },
    ],
  },
  {
    unit: 'DB-TC-TAPHIN',
    criteria: ['K3'],
    reporter: { anonymous: true },
    filed: { on: '2025-05-13' },
    occurredDaysBefore: 5,
    description: 'Khi làm hồ sơ cấp giấy chứng nhận quyền sử dụng đất lần đầu, có người ở xã gợi ý phải "bồi dưỡng" thì hồ sơ mới nhanh.',
    steps: [
      { wd: 1, t: 'to', by: 'admin', to: 'UNDER_REVIEW', note: 'Làm việc với bộ phận một cửa và các hộ nộp hồ sơ đất đai cùng đợt.' },
      { wd: 8, t: 'to', by: 'admin', to: 'NOT_SUBSTANTIATED', note: 'Không có căn cứ: các hộ cùng đợt không bị đề nghị nộp khoản nào ngoài lệ phí; phản ánh không nêu được người cụ thể.' },
      { wd: 9, t: 'reply', by: 'admin', text: 'Qua xác minh chưa có căn cứ kết luận. Nếu có thêm thông tin (người, thời gian cụ thể), đề nghị bổ sung qua mã tra cứu.' },
      { wd: 10, t: 'to', by: 'admin', to: 'CLOSED', note: 'Đóng: không có căn cứ.' },
    ],
  },
  // Three substantiated reports on L2 about one desk officer of Thanh Nưa: the early warning.
  {
    unit: 'DB-THANHNUA',
    atDesk: true,
    subject: 'tnDeskA',
    criteria: ['L2', 'X1'],
    reporter: { anonymous: true },
    filed: { daysAgo: 150 },
    description: 'Tôi hỏi lại giấy tờ cần bổ sung cho hồ sơ đăng ký khai sinh thì cán bộ quát "đã nói rồi mà không nghe à", lúc tôi đến cũng không chào hỏi.',
    steps: [
      { wd: 1, t: 'to', by: 'truongxa', to: 'UNDER_REVIEW', note: 'Xem lại camera bộ phận một cửa, làm việc với công chức.' },
      { wd: 2, t: 'note', by: 'truongxa', text: 'Camera ghi lại công chức to tiếng với người dân lúc đông người.' },
      { wd: 7, t: 'to', by: 'truongxa', to: 'SUBSTANTIATED', note: 'Phản ánh đúng: to tiếng và không chào hỏi người dân.' },
      { wd: 7, t: 'remedy', by: 'truongxa', kind: 'REMINDER_TRAINING', note: 'Nhắc nhở trực tiếp; bồi dưỡng kỹ năng giao tiếp tại bộ phận một cửa.' },
      { wd: 8, t: 'reply', by: 'truongxa', text: 'Phản ánh của Ông/Bà là đúng. UBND xã đã nhắc nhở công chức và xin lỗi Ông/Bà.' },
      { wd: 9, t: 'to', by: 'truongxa', to: 'RESOLVED', note: 'Đã nhắc nhở, bồi dưỡng kỹ năng giao tiếp.' },
    ],
  },
  {
    unit: 'DB-THANHNUA',
    atDesk: true,
    subject: 'tnDeskA',
    criteria: ['L2', 'L4'],
    reporter: { name: 'Cầm Thị Xuân', phone: '0386 214 975' },
    filed: { daysAgo: 75 },
    description: 'Cán bộ tiếp nhận nói to, gắt gỏng khi tôi chưa điền đúng tờ khai chứng thực, không hướng dẫn mà bảo tôi về tự tìm hiểu.',
    steps: [
      { wd: 1, t: 'to', by: 'truongxa', to: 'UNDER_REVIEW', note: 'Xác minh với công chức và người làm chứng.' },
      { wd: 5, t: 'paper', by: 'truongxa', channel: 'PAPER', text: 'Bản giải trình viết tay: hôm đó đông người, tôi có nói to để cả hàng nghe thấy; tôi đã đưa phiếu hướng dẫn ghi rõ giấy tờ cần bổ sung.' },
      { wd: 6, t: 'to', by: 'truongxa', to: 'PARTLY_SUBSTANTIATED', confirmed: ['L2'], note: 'Có to tiếng (người làm chứng xác nhận); việc hướng dẫn đã có phiếu hướng dẫn ghi rõ.' },
      { wd: 6, t: 'remedy', by: 'truongxa', kind: 'REMINDER_TRAINING', note: 'Nhắc nhở lần hai, ghi vào đánh giá tháng.' },
      { wd: 7, t: 'reply', by: 'truongxa', text: 'Phản ánh về thái độ của công chức là đúng; UBND xã đã nhắc nhở và xin lỗi bà.' },
      { wd: 8, t: 'to', by: 'truongxa', to: 'RESOLVED', note: 'Đã nhắc nhở; theo dõi thêm.' },
    ],
  },
  {
    unit: 'DB-THANHNUA',
    atDesk: true,
    subject: 'tnDeskA',
    criteria: ['L2'],
    reporter: { anonymous: true },
    filed: { daysAgo: 20 },
    description: 'Cán bộ bộ phận một cửa lớn tiếng với mẹ tôi (người cao tuổi) vì chưa mang đủ bản sao giấy tờ.',
    steps: [
      { wd: 1, t: 'to', by: 'truongxa', to: 'UNDER_REVIEW', note: 'Lần thứ ba trong năm về cùng một công chức: xác minh ngay.' },
      { wd: 4, t: 'paper', by: 'truongxa', channel: 'IN_PERSON', text: 'Trình bày trực tiếp tại buổi làm việc: công chức thừa nhận đã yêu cầu người dân chờ mà không giải thích lý do.' },
      { wd: 5, t: 'to', by: 'truongxa', to: 'SUBSTANTIATED', note: 'Phản ánh đúng; xem xét điều chuyển vị trí công tác.' },
    ],
  },
  // An apology owed for a late dossier without a slip (the dossiers demo's H18.46-0004): letter drafted, not yet sent.
  {
    unit: 'DB-THANHNUA',
    atDesk: true,
    subject: 'tnDeskB',
    criteria: ['X2'],
    reporter: { name: 'Lường Văn Tâm', phone: '0974 305 118' },
    filed: { daysAgo: 6 },
    dossierNumber: 'H18.46-0004',
    description: 'Hồ sơ đăng ký thường trú của tôi đã quá hạn trả mà không ai báo, không có phiếu xin lỗi và hẹn lại ngày trả kết quả.',
    steps: [
      { wd: 1, t: 'to', by: 'truongxa', to: 'UNDER_REVIEW', note: 'Kiểm tra hồ sơ trên hệ thống một cửa.' },
      { wd: 2, t: 'paper', by: 'truongxa', channel: 'DECLINED', text: '' },
      { wd: 3, t: 'to', by: 'truongxa', to: 'SUBSTANTIATED', note: 'Hồ sơ trễ hạn, không lập phiếu xin lỗi và hẹn lại.' },
      { wd: 3, t: 'remedy', by: 'truongxa', kind: 'APOLOGY', note: 'Gửi thư xin lỗi ông Tâm.' },
      { wd: 4, t: 'letter', by: 'truongxa', documentNumber: '07/TXL-UBND', salutation: 'Ông', recipientAddress: 'Bản Him Lam 2, xã Thanh Nưa, tỉnh Điện Biên' },
    ],
  },
  {
    unit: 'DB-SINHPHINH',
    atDesk: true,
    subject: 'spDesk',
    criteria: ['X4', 'L3'],
    reporter: { name: 'Giàng A Sử', phone: '0355 871 204' },
    filed: { daysAgo: 12 },
    description: 'Đang giải quyết hồ sơ của tôi thì cán bộ bỏ đi nghe điện thoại không nói gì; khi tôi trình bày hoàn cảnh thì không nghe, cắt ngang.',
    steps: [
      { wd: 1, t: 'to', by: 'truongxa2', to: 'UNDER_REVIEW', note: 'Làm việc với công chức một cửa.' },
      { wd: 1, t: 'reply', by: 'truongxa2', text: 'UBND xã Sính Phình đã nhận phản ánh và đang xác minh.' },
      { wd: 4, t: 'paper', by: 'truongxa2', channel: 'PAPER', text: 'Bản giải trình: tôi nghe một cuộc gọi công vụ khẩn của huyện nên phải ngắt lời người dân trong chốc lát.' },
      { wd: 5, t: 'to', by: 'truongxa2', to: 'PARTLY_SUBSTANTIATED', confirmed: ['L3'], note: 'Có cắt ngang, không lắng nghe; việc nghe điện thoại là cuộc gọi công vụ khẩn.' },
    ],
  },
  {
    unit: 'DB-THANHNUA',
    subject: 'tnLand',
    criteria: ['K3'],
    reporter: { anonymous: true },
    filed: { daysAgo: 25 },
    occurredDaysBefore: 3,
    description: 'Nghe nói muốn đo đạc đất nhanh thì phải gửi cán bộ địa chính "tiền xăng xe".',
    steps: [
      { wd: 1, t: 'to', by: 'truongxa', to: 'UNDER_REVIEW', note: 'Xác minh với các hộ được đo đạc trong tháng.' },
      { wd: 2, t: 'note', by: 'truongxa', text: 'Đã hỏi 6 hộ được đo đạc trong tháng: không hộ nào phải nộp khoản ngoài quy định.' },
      { wd: 8, t: 'to', by: 'truongxa', to: 'NOT_SUBSTANTIATED', note: 'Không có căn cứ; phản ánh dựa trên tin đồn.' },
    ],
  },
  {
    unit: 'DB-MUONGNHE',
    subject: 'mnJustice',
    criteria: ['L1'],
    reporter: { name: 'Vàng Thị Chở', email: 'vangthicho@example.vn' },
    filed: { daysAgo: 300 },
    description: 'Cán bộ tư pháp cau có, không niềm nở khi tôi đến xin trích lục khai sinh cho con.',
    steps: [
      { wd: 1, t: 'to', by: 'admin', to: 'UNDER_REVIEW', note: 'Đề nghị UBND xã Mường Nhé báo cáo.' },
      { wd: 7, t: 'to', by: 'admin', to: 'NOT_SUBSTANTIATED', note: 'Trích lục được cấp ngay trong ngày; không xác định được thái độ thiếu niềm nở.' },
      { wd: 8, t: 'reply', by: 'admin', text: 'Chưa có căn cứ kết luận công chức thiếu niềm nở. Cảm ơn bà đã phản ánh.' },
      { wd: 9, t: 'to', by: 'admin', to: 'CLOSED', note: 'Đóng sau khi trả lời công dân.' },
    ],
  },
  {
    unit: 'DB-THANHNUA',
    criteria: ['X3'],
    reporter: { anonymous: true },
    filed: { daysAgo: 200 },
    description: 'Họp thôn góp ý xong không ai cảm ơn.',
    steps: [
      { wd: 1, t: 'reply', by: 'truongxa', text: 'Nội dung chưa đủ để xác minh (thôn nào, buổi họp nào, cán bộ nào). Đề nghị gửi phản ánh mới với thông tin cụ thể.' },
      { wd: 1, t: 'to', by: 'truongxa', to: 'CLOSED', note: 'Không đủ thông tin để xác minh.' },
    ],
  },
  {
    unit: 'DB-THANHNUA',
    atDesk: true,
    criteria: ['L4'],
    reporter: { anonymous: true },
    filed: { daysAgo: 1 },
    description: 'Không ai hướng dẫn tôi cách nộp hồ sơ trực tuyến trên Cổng dịch vụ công, phải về rồi quay lại hôm sau.',
    steps: [],
  },
  {
    unit: 'DB-SINHPHINH',
    subject: 'spCulture',
    criteria: ['K2'],
    reporter: { anonymous: true },
    filed: { daysAgo: 9 },
    occurredDaysBefore: 2,
    description: 'Đề nghị xác nhận hộ nghèo ba lần, cán bộ văn hóa - xã hội đều bảo "để đó", đùn sang bộ phận khác.',
    steps: [],
  },
  {
    unit: 'DB-MUONGNHE',
    subject: 'mnLand',
    criteria: ['L3', 'L4'],
    reporter: { name: 'Sùng A Páo', phone: '0815 620 447' },
    filed: { daysAgo: 40 },
    description: 'Hồ sơ tách thửa của tôi bị trả lại hai lần, cán bộ địa chính không nghe tôi giải thích và không hướng dẫn cần sửa gì.',
    steps: [
      { wd: 1, t: 'to', by: 'admin', to: 'UNDER_REVIEW', note: 'Đề nghị UBND xã Mường Nhé báo cáo.' },
      { wd: 3, t: 'reply', by: 'admin', text: 'Sở Nội vụ đã đề nghị UBND xã Mường Nhé báo cáo, sẽ trả lời ông sau khi có kết quả.' },
      { wd: 15, t: 'reporter', text: 'Đã hơn ba tuần tôi chưa nhận được trả lời, hồ sơ vẫn chưa được giải quyết.' },
    ],
  },
  // The person reported about is the 'canbo' login: the explanation request is open.
  {
    unit: 'DB-THANHNUA',
    subject: 'tnClerk',
    criteria: ['X1', 'L1'],
    reporter: { name: 'Điêu Chính Tiến', phone: '0968 552 031' },
    filed: { daysAgo: 3 },
    description: 'Đến đăng ký khai tử cho bố, công chức tư pháp không chào, mặt cau có suốt buổi.',
    steps: [{ wd: 1, t: 'to', by: 'truongxa', to: 'UNDER_REVIEW', note: 'Đề nghị công chức giải trình.' }],
  },
  {
    unit: 'DB-THANHNUA',
    subject: 'tnClerk',
    criteria: ['L4'],
    reporter: { anonymous: true },
    filed: { daysAgo: 110 },
    description: 'Xin cấp bản sao trích lục kết hôn, cán bộ bảo sang xã cũ mà hỏi, không hướng dẫn gì.',
    steps: [
      { wd: 1, t: 'to', by: 'truongxa', to: 'UNDER_REVIEW', note: 'Đề nghị công chức giải trình.' },
      { wd: 3, t: 'explain', by: 'canbo', text: 'Sổ hộ tịch của xã Thanh Luông cũ đang được số hóa; tôi đã hướng dẫn công dân quay lại sau hai ngày và ghi phiếu hẹn.' },
      { wd: 6, t: 'to', by: 'truongxa', to: 'NOT_SUBSTANTIATED', note: 'Có phiếu hẹn lưu tại bộ phận một cửa; công chức đã hướng dẫn.' },
      { wd: 7, t: 'reply', by: 'truongxa', text: 'Sổ hộ tịch cũ đang được số hóa nên cần hẹn lại; bản sao trích lục đã sẵn sàng để nhận.' },
      { wd: 8, t: 'to', by: 'truongxa', to: 'CLOSED', note: 'Đóng sau khi trả lời công dân.' },
    ],
  },
  {
    unit: 'DB-THANHNUA',
    subject: 'tnFinance',
    criteria: ['K3', 'K5'],
    reporter: { peer: 'canbo', kind: 'TO_CAO', anonymous: false, phone: '0915 337 860', address: 'Bản Him Lam 2, xã Thanh Nưa, tỉnh Điện Biên' },
    filed: { daysAgo: 60 },
    occurredDaysBefore: 4,
    description: 'Tôi tố cáo công chức tài chính - kế toán yêu cầu ba hộ dân nộp 500.000 đồng mỗi hộ để "làm nhanh" hồ sơ hỗ trợ nhà ở, không có biên lai.',
    steps: [
      { wd: 1, t: 'to', by: 'truongxa', to: 'UNDER_REVIEW', note: 'Thụ lý tố cáo; lập tổ xác minh.' },
      { wd: 2, t: 'note', by: 'truongxa', text: 'Hai hộ xác nhận đã nộp tiền, không có biên lai.' },
      { wd: 9, t: 'to', by: 'truongxa', to: 'SUBSTANTIATED', note: 'Tố cáo đúng: thu tiền trái quy định của hai hộ.' },
      { wd: 9, t: 'remedy', by: 'truongxa', kind: 'DISCIPLINE_REFERRAL', note: 'Chuyển Hội đồng kỷ luật; yêu cầu hoàn trả tiền cho các hộ.' },
      { wd: 12, t: 'to', by: 'truongxa', to: 'RESOLVED', note: 'Đã chuyển xử lý kỷ luật; tiền đã được hoàn trả.' },
    ],
  },
  {
    unit: 'DB-THANHNUA',
    atDesk: true,
    subject: 'tnDeskB',
    criteria: ['K2'],
    reporter: { peer: 'canbo', kind: 'PHAN_ANH', anonymous: true },
    filed: { daysAgo: 8 },
    description: 'Đồng nghiệp ở bộ phận một cửa thường xuyên rời vị trí trong giờ làm việc, người dân phải chờ.',
    steps: [{ wd: 1, t: 'to', by: 'truongxa', to: 'UNDER_REVIEW', note: 'Kiểm tra sổ theo dõi giờ làm việc.' }],
  },
  // About the head of Sính Phình himself: handled one level up, by the province.
  {
    unit: 'DB-SINHPHINH',
    subject: 'spChair',
    criteria: ['K1'],
    reporter: { name: 'Thào A Dình', phone: '0347 190 632' },
    filed: { daysAgo: 95 },
    description: 'Chủ tịch xã nói tôi "không có việc gì thì đừng lên đây" khi tôi xin gặp để kiến nghị về đường vào bản.',
    steps: [
      { wd: 1, t: 'to', by: 'admin', to: 'UNDER_REVIEW', note: 'Xung đột lợi ích: Sở Nội vụ xác minh.' },
      { wd: 3, t: 'explain', by: 'truongxa2', text: 'Hôm đó tôi đang họp trực tuyến với tỉnh; tôi đã hẹn ông Dình buổi tiếp công dân định kỳ và đã tiếp ông sau đó.' },
      { wd: 7, t: 'to', by: 'admin', to: 'NOT_SUBSTANTIATED', note: 'Lịch tiếp công dân xác nhận ông Dình đã được tiếp; không đủ căn cứ về lời nói hách dịch.' },
      { wd: 8, t: 'to', by: 'admin', to: 'CLOSED', note: 'Đóng.' },
    ],
  },
  {
    unit: 'DB-DIENBIENPHU',
    atDesk: true,
    subject: 'dbpDesk',
    criteria: ['X2', 'K2'],
    reporter: { anonymous: true },
    filed: { daysAgo: 260 },
    description: 'Giấy phép kinh doanh hộ cá thể trễ hẹn một tuần, cán bộ không xin lỗi, còn nói "tại hệ thống".',
    steps: [
      { wd: 5, t: 'to', by: 'admin', to: 'UNDER_REVIEW', note: 'Tiếp nhận muộn do phường chưa phân công người theo dõi.' },
      { wd: 14, t: 'to', by: 'admin', to: 'SUBSTANTIATED', note: 'Trễ hẹn không có phiếu xin lỗi và hẹn lại.' },
      { wd: 14, t: 'remedy', by: 'admin', kind: 'REMINDER_TRAINING', note: 'Nhắc nhở; tập huấn lại quy trình phiếu xin lỗi và hẹn lại.' },
      { wd: 16, t: 'to', by: 'admin', to: 'RESOLVED', note: 'Đã nhắc nhở, tập huấn.' },
    ],
  },
  {
    unit: 'DB-TUANGIAO',
    subject: 'tgJustice',
    criteria: ['L4'],
    reporter: { name: 'Lò Thị Ánh', phone: '0392 604 518' },
    filed: { daysAgo: 180 },
    description: 'Hồ sơ cải chính hộ tịch của tôi bị trả về vì thiếu giấy tờ nhưng cán bộ không ghi rõ thiếu gì.',
    steps: [
      { wd: 1, t: 'to', by: 'admin', to: 'UNDER_REVIEW', note: 'Đề nghị UBND xã Tuần Giáo báo cáo.' },
      { wd: 8, t: 'extend', by: 'admin', days: 5, reason: 'Chờ ý kiến của Sở Tư pháp về thành phần hồ sơ cải chính.' },
      { wd: 14, t: 'to', by: 'admin', to: 'SUBSTANTIATED', note: 'Phiếu trả hồ sơ không ghi rõ giấy tờ cần bổ sung.' },
      { wd: 14, t: 'remedy', by: 'admin', kind: 'REMINDER_TRAINING', note: 'Nhắc nhở; dùng mẫu phiếu yêu cầu bổ sung hồ sơ.' },
      { wd: 16, t: 'to', by: 'admin', to: 'RESOLVED', note: 'Đã nhắc nhở.' },
    ],
  },
];

const DAY = 86_400_000;
const MINUTE = 60_000;
/** Việt Nam is UTC+7: 07:00 there is midnight UTC. */
const VN_MORNING = 0;

async function loadActors(): Promise<Record<ActorKey, Actor> | null> {
  const keys: ActorKey[] = ['admin', 'truongxa', 'truongxa2', 'canbo'];
  const users = await UserModel.find({ username: { $in: keys } }).select('username displayName staffId roles').lean();
  if (users.length < keys.length) return null;
  return Object.fromEntries(users.map((u) => [u.username, actorOf(u)])) as Record<ActorKey, Actor>;
}

async function findPerson(key: PersonKey, actors: Record<ActorKey, Actor>, rng: () => number): Promise<{ _id: Types.ObjectId } | null> {
  const spec = PEOPLE[key];
  if ('login' in spec) return actors[spec.login].staffId ? { _id: actors[spec.login].staffId! } : null;
  const commune = await UnitModel.findOne({ code: spec.unit }).select('_id').lean();
  const unit = spec.desk && commune ? await UnitModel.findOne({ parentId: commune._id, kind: 'desk', effectiveTo: null }).select('_id').lean() : commune;
  if (!unit) return null;
  const candidates = await StaffModel.find({ unitId: unit._id, active: true, position: spec.position }).select('_id').sort({ sortKey: 1 }).lean();
  if (!candidates.length) return null;
  return candidates[spec.nth ?? Math.floor(rng() * candidates.length)] ?? candidates[0]!;
}

/** The chairman who signs for the unit reported about (the one in office then, even if gone since). */
async function chairmanName(unitId: Types.ObjectId): Promise<string | null> {
  const chairs = await StaffModel.find({ unitId, position: /^Chủ tịch UBND/ }).select('fullName active').lean();
  return (chairs.find((c) => c.active) ?? chairs[0])?.fullName ?? null;
}

function reporterOf(spec: ReporterSpec, actors: Record<ActorKey, Actor>): Reporter {
  if ('peer' in spec) return { source: 'PEER', actor: actors[spec.peer], kind: spec.kind, anonymous: spec.anonymous, phone: spec.phone, address: spec.address };
  if ('name' in spec) return { source: 'CITIZEN', anonymous: false, name: spec.name, phone: spec.phone, email: spec.email };
  return { source: 'CITIZEN', anonymous: true };
}

/**
 * The moments of a case: filed at some hour of its day, then each step on its working day in office
 * hours — never later than the seed time, and in order.
 */
function timeline(c: DemoCase, today: Date, now: Date, notBefore: Date, calendar: CalendarDay[], rng: () => number): { filedAt: Date; stepsAt: Date[] } | null {
  let filingDay = 'on' in c.filed ? new Date(`${c.filed.on}T00:00:00Z`) : new Date(today.getTime() - c.filed.daysAgo * DAY);
  if (filingDay.getTime() < notBefore.getTime()) filingDay = notBefore;
  if (filingDay.getTime() > today.getTime()) return null;
  const latest = (i: number) => now.getTime() - (c.steps.length - i + 1) * 5 * MINUTE;
  const filedAt = new Date(Math.min(filingDay.getTime() + VN_MORNING + Math.floor(rng() * 11 * 60) * MINUTE, latest(-1)));
  const stepsAt: Date[] = [];
  let previous = filedAt.getTime();
  for (const [i, step] of c.steps.entries()) {
    const day = addWorkingDays(filingDay, step.wd, calendar);
    // Office hours: from 08:00 in Việt Nam, a little later for each step of the same day.
    const at = day.getTime() + VN_MORNING + 60 * MINUTE + (i * 25 + Math.floor(rng() * 20)) * MINUTE;
    previous = Math.min(Math.max(at, previous + MINUTE), latest(i));
    stepsAt.push(new Date(previous));
  }
  return { filedAt, stepsAt };
}

async function runStep(step: Step, reportId: string, at: Date, actors: Record<ActorKey, Actor>, settings: ReportSettings): Promise<void> {
  switch (step.t) {
    case 'to':
      return transition(actors[step.by], reportId, { to: step.to, note: step.note, confirmedCodes: step.confirmed }, settings, at);
    case 'reply':
      return addReply(actors[step.by], reportId, step.text, at);
    case 'note':
      return addNote(actors[step.by], reportId, step.text, at);
    case 'reporter':
      return addReporterMessage(reportId, step.text, settings, at);
    case 'explain':
      return submitExplanation(actors[step.by], reportId, step.text, at);
    case 'paper':
      return recordExplanation(actors[step.by], reportId, { channel: step.channel, receivedOn: vietnamDay(at), text: step.text }, at);
    case 'extend':
      return extendDeadline(actors[step.by], reportId, { days: step.days, reason: step.reason }, at);
    case 'remedy':
      return addRemedy(actors[step.by], reportId, { kind: step.kind, note: step.note }, at);
    case 'sent':
      return markLetterSent(actors[step.by], reportId, vietnamDay(at));
    case 'letter': {
      const actor = actors[step.by];
      const { report, values } = await letterDraft(actor, reportId, at);
      return saveLetter(actor, reportId, {
        documentNumber: step.documentNumber,
        date: vietnamDay(at),
        salutation: step.salutation,
        recipientName: step.recipientName ?? values.recipientName,
        recipientAddress: step.recipientAddress ?? '',
        body: step.body ? step.body.join('\n\n') : values.body,
        signerTitle: 'Chủ tịch',
        signerName: (await chairmanName(report.reportingUnitId)) ?? values.signerName,
      });
    }
  }
}

interface Plan {
  c: DemoCase;
  unitId: Types.ObjectId;
  deskId: Types.ObjectId | null;
  staffId: Types.ObjectId | null;
  filedAt: Date;
  stepsAt: Date[];
}

const PARALLEL_CASES = 4;

async function runCase(p: Plan, actors: Record<ActorKey, Actor>, settings: ReportSettings): Promise<void> {
  const { c, filedAt, stepsAt } = p;
  const { report } = await fileReport(
    {
      unitId: String(p.unitId),
      deskId: p.deskId ? String(p.deskId) : undefined,
      staffId: p.staffId ? String(p.staffId) : undefined,
      criterionCodes: c.criteria,
      occurredOn: new Date(vietnamDay(filedAt).getTime() - (c.occurredDaysBefore ?? 1) * DAY),
      place: c.place,
      description: c.description,
      dossierNumber: c.dossierNumber,
    },
    reporterOf(c.reporter, actors),
    settings,
    filedAt,
  );
  const id = String(report._id);
  for (const [i, step] of c.steps.entries()) await runStep(step, id, stepsAt[i]!, actors, settings);
  // The services take a clock, but mongoose stamps createdAt/updatedAt with the real time: align them.
  const stamps = { timestamps: false, overwriteImmutable: true } as const;
  await IncidentReportModel.updateOne({ _id: report._id }, { $set: { createdAt: filedAt, updatedAt: stepsAt.at(-1) ?? filedAt } }, stamps);
  await ReporterIdentityModel.updateOne({ reportId: report._id }, { $set: { createdAt: filedAt, updatedAt: filedAt } }, stamps);
}

/**
 * Demo incident reports for the Điện Biên demo, made through the feature's own service functions so that
 * they are what the app would store: every status, citizens (anonymous and named) and peers, a tố cáo,
 * overdue cases, an early warning, and the Thanh Luông case resolved with a letter of apology.
 * Skipped when any report exists.
 */
export async function seedReportsDemo(logger: Logger, now = new Date(), settings: ReportSettings = defaultReportSettings()): Promise<{ reports: number }> {
  if (await IncidentReportModel.exists({})) {
    logger.info('incident reports already present: demo skipped');
    return { reports: 0 };
  }
  const actors = await loadActors();
  if (!actors) {
    logger.warn('demo logins missing: incident reports demo skipped');
    return { reports: 0 };
  }
  const rng = seededRandom(20250311);
  const today = vietnamDay(now);
  const calendar = await calendarBetween(new Date(Date.UTC(2025, 0, 1)), new Date(today.getTime() + 90 * DAY));
  // Everything drawn from the generator is settled first, in order, so the cases may then run side by side.
  const plans: Plan[] = [];
  const people = new Map<PersonKey, { _id: Types.ObjectId } | null>();
  for (const c of CASES) {
    const unit = await UnitModel.findOne({ code: c.unit }).select('_id effectiveFrom').lean();
    if (c.subject && !people.has(c.subject)) people.set(c.subject, await findPerson(c.subject, actors, rng));
    const subject = c.subject ? people.get(c.subject) : undefined;
    const desk = c.atDesk && unit ? await UnitModel.findOne({ parentId: unit._id, kind: 'desk', effectiveTo: null }).select('_id').lean() : null;
    // A case about a unit that exists only since the reform cannot predate it.
    const times = unit ? timeline(c, today, now, new Date(unit.effectiveFrom.getTime() + DAY), calendar, rng) : null;
    if (!unit || !times || subject === null || (c.atDesk && !desk)) {
      logger.warn({ unit: c.unit, subject: c.subject }, 'demo incident report skipped: its unit, desk, person or day is missing');
      continue;
    }
    plans.push({ c, unitId: unit._id, deskId: desk?._id ?? null, staffId: subject?._id ?? null, ...times });
  }
  // FerretDB scans whole collections for most look-ups: a few cases at a time keep both cores busy.
  let next = 0;
  const worker = async () => {
    while (next < plans.length) await runCase(plans[next++]!, actors, settings);
  };
  await Promise.all(Array.from({ length: PARALLEL_CASES }, worker));
  // What the hourly job would have done by now: flag and escalate the overdue cases (no e-mail from a seed).
  const { escalated } = await escalateOverdue(now, { settings, mailer: null });
  logger.info({ reports: plans.length, escalated: escalated.length }, 'demo incident reports loaded');
  return { reports: plans.length };
}
