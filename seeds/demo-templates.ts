import type { Logger } from 'pino';
import { UnitModel } from '../src/units/model.js';
import { ResponseTemplateModel } from '../src/incidents/template-model.js';

/**
 * The demo's reply templates (mẫu trả lời) of the province: acknowledgement, a request for more information, the two
 * conclusions, and one for a report of asking for money or gifts. Plain Vietnamese administrative wording; the
 * placeholders are filled from the case when a handler picks one, never with anything about the reporter.
 */
export const DEMO_TEMPLATES = [
  {
    title: 'Xác nhận đã tiếp nhận phản ánh',
    statuses: ['RECEIVED'],
    criterionCode: '',
    textVi:
      'Kính gửi ông/bà,\n\nỦy ban nhân dân xã đã tiếp nhận phản ánh số {ma_ho_so} ngày {ngay_tiep_nhan}. Phản ánh đang được xem xét, xử lý theo quy định; thời hạn xử lý bước này là ngày {han_xu_ly}. Ông/bà có thể theo dõi tiến độ bằng mã tra cứu đã được cấp.\n\nTrân trọng cảm ơn ông/bà đã góp ý để cán bộ, công chức phục vụ Nhân dân ngày càng tốt hơn.',
    textEn:
      'Dear Sir or Madam,\n\nThe commune People’s Committee has received your report no. {ma_ho_so} of {ngay_tiep_nhan}. It is being reviewed as the rules require; this step is due by {han_xu_ly}. You can follow its progress with your tracking code.\n\nThank you for helping our officers serve the public better.',
  },
  {
    title: 'Đề nghị bổ sung thông tin',
    statuses: ['RECEIVED', 'UNDER_REVIEW'],
    criterionCode: '',
    textVi:
      'Kính gửi ông/bà,\n\nĐể có cơ sở xác minh phản ánh số {ma_ho_so}, đề nghị ông/bà cung cấp thêm: thời gian cụ thể (ngày, giờ), nơi xảy ra sự việc, diễn biến sự việc và hình ảnh, giấy tờ liên quan (nếu có). Ông/bà vui lòng trả lời qua trang tra cứu phản ánh trước ngày {han_xu_ly}.\n\nTrân trọng.',
    textEn: '',
  },
  {
    title: 'Kết luận phản ánh có cơ sở và lời xin lỗi',
    statuses: ['SUBSTANTIATED', 'PARTLY_SUBSTANTIATED'],
    criterionCode: '',
    textVi:
      'Kính gửi ông/bà,\n\nQua xác minh, Ủy ban nhân dân xã kết luận phản ánh số {ma_ho_so} của ông/bà là có cơ sở. Ủy ban nhân dân xã thành thật xin lỗi ông/bà về thái độ, cách ứng xử chưa đúng mực của cán bộ, công chức. Cán bộ, công chức liên quan đã được nhắc nhở, chấn chỉnh theo quy định.\n\nTrân trọng cảm ơn ông/bà đã phản ánh, giúp chúng tôi nâng cao chất lượng phục vụ Nhân dân.',
    textEn:
      'Dear Sir or Madam,\n\nHaving looked into it, the commune People’s Committee finds your report no. {ma_ho_so} substantiated. We sincerely apologise for the improper conduct of our officer, who has been reminded and corrected as the rules require.\n\nThank you for your report, which helps us serve the public better.',
  },
  {
    title: 'Kết luận phản ánh không có cơ sở',
    statuses: ['NOT_SUBSTANTIATED'],
    criterionCode: '',
    textVi:
      'Kính gửi ông/bà,\n\nQua xác minh, làm việc với các bên liên quan, Ủy ban nhân dân xã chưa có cơ sở kết luận nội dung phản ánh số {ma_ho_so} là đúng. Nếu ông/bà có thêm thông tin, tài liệu mới, đề nghị gửi qua trang tra cứu phản ánh để được xem xét lại.\n\nTrân trọng cảm ơn ông/bà đã quan tâm, góp ý.',
    textEn: '',
  },
  {
    title: 'Tiếp nhận phản ánh về việc gợi ý, đòi tiền, quà',
    statuses: ['RECEIVED', 'UNDER_REVIEW'],
    criterionCode: 'K3',
    textVi:
      'Kính gửi ông/bà,\n\nỦy ban nhân dân xã đã tiếp nhận phản ánh số {ma_ho_so} về việc cán bộ, công chức gợi ý hoặc đòi tiền, quà. Nội dung này được xác minh khẩn trương; thông tin về người phản ánh được giữ bí mật theo quy định của pháp luật. Ông/bà không phải nộp bất kỳ khoản tiền, quà nào ngoài phí, lệ phí đã được niêm yết công khai.\n\nTrân trọng.',
    textEn: '',
  },
] as const;

export async function seedTemplatesDemo(logger: Logger): Promise<{ templates: number }> {
  const province = await UnitModel.findOne({ parentId: null, kind: 'province' }).select('_id').lean();
  if (!province || (await ResponseTemplateModel.exists({ provinceId: province._id }))) return { templates: 0 };
  await ResponseTemplateModel.insertMany(DEMO_TEMPLATES.map((t) => ({ ...t, statuses: [...t.statuses], provinceId: province._id, active: true })));
  logger.info({ templates: DEMO_TEMPLATES.length }, 'demo reply templates loaded');
  return { templates: DEMO_TEMPLATES.length };
}
