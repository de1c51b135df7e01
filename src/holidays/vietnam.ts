import type { CalendarDayKind } from './working-days.js';

/**
 * Vietnamese public holidays 2025–2027 for civil servants, as loadable data: the administrator loads a
 * year into the calendar at /holidays and corrects it when the Ministry announces its schedule.
 *
 * Sources: Labour Code 45/2019/QH14 Art. 112 (1/1; Tết Âm lịch 5 days; Hùng Kings day 10/3 lunar;
 * 30/4; 1/5; Quốc khánh 2/9 plus one day before or after; a holiday falling on a weekly rest day is
 * taken on the next working day). Yearly schedules from the Ministry (Bộ LĐTBXH, from 3/2025 Bộ Nội vụ):
 * 2025 — Tết Ất Tỵ 27–31/1; 2/5 off in exchange for working Saturday 26/4; Quốc khánh 1–2/9.
 * 2026 — Tết Bính Ngọ: civil servants off 16–20/2/2026 (29 Chạp to mùng 4; with the weekends
 * 14–22/2, nine days), per the Ministry of Home Affairs' announcement reported on 17/10/2025;
 * Hùng Kings day 26/4/2026 is a Sunday, so Monday 27/4 is taken instead; 30/4 and 1/5 fall on Thursday
 * and Friday; the Quốc khánh adjacent day is taken as 1/9.
 * 2027 — not yet announced when this was written: dates follow the Labour Code (Tết Đinh Mùi on
 * Saturday 6/2/2027, so 29 Tết plus three substituted weekdays; 1/5 is a Saturday, taken Monday 3/5;
 * Quốc khánh with 3/9); they are marked provisional.
 */
export interface HolidayData {
  date: string;
  kind: CalendarDayKind;
  name: { vi: string; en: string };
  provisional?: boolean;
}

const h = (date: string, vi: string, en: string, provisional = false): HolidayData => ({ date, kind: 'HOLIDAY', name: { vi, en }, ...(provisional ? { provisional } : {}) });
const workday = (date: string, vi: string, en: string): HolidayData => ({ date, kind: 'WORKING_DAY', name: { vi, en } });

const TET_VI = 'Tết Nguyên Đán';
const TET_EN = 'Lunar New Year (Tết)';

export const VIETNAM_HOLIDAYS: Readonly<Record<number, readonly HolidayData[]>> = {
  2025: [
    h('2025-01-01', 'Tết Dương lịch', "New Year's Day"),
    h('2025-01-27', `${TET_VI} (28 tháng Chạp)`, TET_EN),
    h('2025-01-28', `${TET_VI} (29 tháng Chạp)`, TET_EN),
    h('2025-01-29', `${TET_VI} (mùng 1)`, TET_EN),
    h('2025-01-30', `${TET_VI} (mùng 2)`, TET_EN),
    h('2025-01-31', `${TET_VI} (mùng 3)`, TET_EN),
    h('2025-04-07', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'Hùng Kings Commemoration Day'),
    workday('2025-04-26', 'Làm bù cho ngày nghỉ 02/5', 'Working Saturday in exchange for 2 May'),
    h('2025-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', 'Reunification Day'),
    h('2025-05-01', 'Ngày Quốc tế Lao động', 'International Labour Day'),
    h('2025-05-02', 'Nghỉ hoán đổi (làm bù thứ Bảy 26/4)', 'Swapped day off (worked Saturday 26 April)'),
    h('2025-09-01', 'Quốc khánh (ngày liền kề)', 'National Day (adjacent day)'),
    h('2025-09-02', 'Quốc khánh', 'National Day'),
  ],
  2026: [
    h('2026-01-01', 'Tết Dương lịch', "New Year's Day"),
    h('2026-02-16', `${TET_VI} (29 tháng Chạp)`, TET_EN),
    h('2026-02-17', `${TET_VI} (mùng 1)`, TET_EN),
    h('2026-02-18', `${TET_VI} (mùng 2)`, TET_EN),
    h('2026-02-19', `${TET_VI} (mùng 3)`, TET_EN),
    h('2026-02-20', `${TET_VI} (mùng 4)`, TET_EN),
    h('2026-04-27', 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch rơi vào Chủ nhật 26/4)', 'Hùng Kings Day, taken on Monday (26 April is a Sunday)'),
    h('2026-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', 'Reunification Day'),
    h('2026-05-01', 'Ngày Quốc tế Lao động', 'International Labour Day'),
    h('2026-09-01', 'Quốc khánh (ngày liền kề)', 'National Day (adjacent day)'),
    h('2026-09-02', 'Quốc khánh', 'National Day'),
  ],
  2027: [
    h('2027-01-01', 'Tết Dương lịch', "New Year's Day"),
    h('2027-02-05', `${TET_VI} (29 tháng Chạp)`, TET_EN, true),
    h('2027-02-08', `${TET_VI} (mùng 3)`, TET_EN, true),
    h('2027-02-09', `${TET_VI} (mùng 4)`, TET_EN, true),
    h('2027-02-10', `${TET_VI} (nghỉ bù mùng 1 rơi vào thứ Bảy)`, `${TET_EN}, substituted`, true),
    h('2027-02-11', `${TET_VI} (nghỉ bù mùng 2 rơi vào Chủ nhật)`, `${TET_EN}, substituted`, true),
    h('2027-04-16', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'Hùng Kings Commemoration Day'),
    h('2027-04-30', 'Ngày Giải phóng miền Nam, thống nhất đất nước', 'Reunification Day'),
    h('2027-05-03', 'Nghỉ bù Ngày Quốc tế Lao động (01/5 rơi vào thứ Bảy)', 'Labour Day, taken on Monday (1 May is a Saturday)'),
    h('2027-09-02', 'Quốc khánh', 'National Day'),
    h('2027-09-03', 'Quốc khánh (ngày liền kề)', 'National Day (adjacent day)', true),
  ],
};

export const VIETNAM_HOLIDAY_YEARS = Object.keys(VIETNAM_HOLIDAYS).map(Number);
