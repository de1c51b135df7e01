import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import { UnitModel } from '../src/units/model.js';
import { StaffModel } from '../src/staff/model.js';
import { LateDossierModel, type SlipChannel } from '../src/dossiers/model.js';
import { documentNumber, issuingBodyOf, type Salutation } from '../src/letters/index.js';

interface DemoDossier {
  commune: string;
  dossierNumber: string;
  procedureName: string;
  applicantName: string;
  salutation: Salutation;
  /** Days before the seed day. */
  receivedDaysAgo: number;
  workingDays: number;
  slip?: { reason: string; extraDays: number; channel: SlipChannel };
}

// Fictional applicants; the procedures are common commune-level ones.
const DEMO: DemoDossier[] = [
  {
    commune: 'DB-THANHNUA', dossierNumber: 'H18.46-0001', procedureName: 'Đăng ký kết hôn', applicantName: 'Lò Thị Minh', salutation: 'Bà', receivedDaysAgo: 40, workingDays: 5,
    slip: { reason: 'Cần xác minh tình trạng hôn nhân tại nơi cư trú trước đây của người yêu cầu', extraDays: 5, channel: 'PAPER' },
  },
  {
    commune: 'DB-THANHNUA', dossierNumber: 'H18.46-0002', procedureName: 'Chứng thực hợp đồng chuyển nhượng quyền sử dụng đất', applicantName: 'Quàng Văn Đôi', salutation: 'Ông', receivedDaysAgo: 30, workingDays: 3,
    slip: { reason: 'Hệ thống cơ sở dữ liệu đất đai bị gián đoạn', extraDays: 3, channel: 'SMS' },
  },
  {
    commune: 'DB-THANHNUA', dossierNumber: 'H18.46-0003', procedureName: 'Cấp bản sao trích lục hộ tịch', applicantName: 'Cà Thị Hương', salutation: 'Bà', receivedDaysAgo: 20, workingDays: 2,
    slip: { reason: 'Sổ hộ tịch gốc đang được chỉnh lý', extraDays: 4, channel: 'EMAIL' },
  },
  // Late and no slip: the desk's breach of X2 "Xin lỗi".
  { commune: 'DB-THANHNUA', dossierNumber: 'H18.46-0004', procedureName: 'Đăng ký thường trú', applicantName: 'Lường Văn Tâm', salutation: 'Ông', receivedDaysAgo: 14, workingDays: 5 },
  {
    commune: 'DB-SINHPHINH', dossierNumber: 'H18.52-0001', procedureName: 'Đăng ký khai sinh', applicantName: 'Giàng A Chớ', salutation: 'Ông', receivedDaysAgo: 50, workingDays: 1,
    slip: { reason: 'Giấy chứng sinh cần được cơ sở y tế xác nhận lại', extraDays: 3, channel: 'PAPER' },
  },
  {
    commune: 'DB-SINHPHINH', dossierNumber: 'H18.52-0002', procedureName: 'Cấp giấy chứng nhận quyền sử dụng đất lần đầu', applicantName: 'Sùng Thị Mỷ', salutation: 'Bà', receivedDaysAgo: 60, workingDays: 20,
    slip: { reason: 'Phải lấy ý kiến của Văn phòng đăng ký đất đai tỉnh', extraDays: 10, channel: 'SMS' },
  },
  { commune: 'DB-MUONGNHE', dossierNumber: 'H18.40-0001', procedureName: 'Đăng ký kết hôn', applicantName: 'Vàng A Sềnh', salutation: 'Ông', receivedDaysAgo: 25, workingDays: 5 },
];

const DAY = 86_400_000;
function calendarDay(now: Date, daysAgo: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - daysAgo * DAY);
}
/** Adds working days, skipping Saturdays and Sundays (holidays are the reports feature's calendar, not needed here). */
function addWorkingDays(from: Date, days: number): Date {
  let d = from;
  for (let left = days; left > 0; ) {
    d = new Date(d.getTime() + DAY);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) left--;
  }
  return d;
}

/** A few late dossiers at the demo communes' desks, most with their apology slip. Skipped when some exist. */
export async function seedDossiersDemo(logger: Logger, now = new Date()): Promise<{ dossiers: number; withoutSlip: number }> {
  if (await LateDossierModel.exists({})) {
    logger.info('late dossiers already present: demo skipped');
    return { dossiers: 0, withoutSlip: 0 };
  }
  let created = 0;
  let withoutSlip = 0;
  const slipsAt = new Map<string, number>();
  const nextSlipAt = (deskId: string) => {
    const sequence = (slipsAt.get(deskId) ?? 0) + 1;
    slipsAt.set(deskId, sequence);
    return sequence;
  };
  for (const d of DEMO) {
    const commune = await UnitModel.findOne({ code: d.commune }).select('_id').lean();
    const desk = commune ? await UnitModel.findOne({ parentId: commune._id, kind: 'desk', effectiveTo: null }).select('name path').lean() : null;
    if (!commune || !desk) continue;
    // Decree 118/2025: a vice-chairman of the commune directs its service centre, which issues the slip.
    const [officer, director] = await Promise.all([
      StaffModel.findOne({ unitId: desk._id, active: true }).select('fullName').sort({ sortKey: 1 }).lean(),
      StaffModel.findOne({ unitId: commune._id, active: true, position: /^(Phó )?Chủ tịch UBND/ }).select('fullName position').sort({ position: -1 }).lean(),
    ]);
    const issuer = issuingBodyOf({ name: desk.name, kind: 'desk' });
    const receivedDate = calendarDay(now, d.receivedDaysAgo);
    const dueDate = addWorkingDays(receivedDate, d.workingDays);
    // Decree 61/2018 Art. 19: the slip goes out before the due date.
    const issuedDate = new Date(Math.max(receivedDate.getTime(), dueDate.getTime() - DAY));
    await LateDossierModel.create({
      dossierNumber: d.dossierNumber,
      procedureName: d.procedureName,
      applicantName: d.applicantName,
      receivedDate,
      dueDate,
      unitId: desk._id,
      unitPath: desk.path,
      unitName: desk.name,
      handlingStaffId: (officer?._id as Types.ObjectId | undefined) ?? null,
      handlingStaffName: officer?.fullName ?? '',
      slip: d.slip
        ? {
            documentNumber: documentNumber(nextSlipAt(String(desk._id)), 'PXL', issuer),
            reason: d.slip.reason,
            newReturnDate: addWorkingDays(dueDate, d.slip.extraDays),
            channel: d.slip.channel,
            salutation: d.salutation,
            signerName: director?.fullName ?? 'Giám đốc Trung tâm',
            signerTitle: 'Giám đốc',
            issuedDate,
          }
        : null,
    });
    created++;
    if (!d.slip) withoutSlip++;
  }
  logger.info({ dossiers: created, withoutSlip }, 'demo late dossiers loaded');
  return { dossiers: created, withoutSlip };
}
