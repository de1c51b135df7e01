import { catalogue } from '../shared/i18n.js';

/** Reports received by a handler (phone, letter, hotline, suggestion box, in person) and duplicates. */
export const intakeMessages = catalogue({
  vi: {
    intake: {
      nav: 'Ghi nhận phản ánh trực tiếp',
      title: 'Ghi nhận phản ánh nhận qua điện thoại, thư, đường dây nóng, hòm thư góp ý hoặc trực tiếp',
      intro: 'Ghi lại phản ánh, tố cáo người dân gửi không qua mạng. Phản ánh được xử lý và thống kê như phản ánh của người dân; người gửi nhận phiếu tiếp nhận có mã tra cứu.',
      channel: 'Kênh tiếp nhận',
      chooseChannel: '— Chọn kênh —',
      channels: { ONLINE: 'Trực tuyến', PHONE: 'Điện thoại', LETTER: 'Thư, đơn', HOTLINE: 'Đường dây nóng', SUGGESTION_BOX: 'Hòm thư góp ý', IN_PERSON: 'Trực tiếp' },
      kindHint: 'Tố cáo phải có họ tên và địa chỉ người tố cáo; thông tin này chỉ cấp tỉnh xem được.',
      identity: 'Người gửi',
      anonymous: 'Ẩn danh — không ghi thông tin cá nhân nào',
      named: 'Có họ tên',
      identityHint: 'Chỉ ghi thông tin người gửi đồng ý cung cấp. Khi ẩn danh, các ô dưới đây không được lưu.',
      submit: 'Ghi nhận và in phiếu',
      errors: {
        channel: 'Chọn kênh tiếp nhận.',
        self: 'Bạn không thể ghi nhận phản ánh về chính mình; đề nghị người khác ghi nhận.',
      },
      receipt: {
        title: 'Phiếu tiếp nhận phản ánh',
        intro: 'Phản ánh của ông/bà đã được tiếp nhận.',
        howTitle: 'Cách theo dõi kết quả xử lý',
        how1: 'Truy cập địa chỉ',
        how2: 'Nhập mã tra cứu in trên phiếu này.',
        how3: 'Xem tiến độ, trả lời của đơn vị và đánh giá kết quả xử lý.',
        keep: 'Giữ phiếu này cẩn thận: mã tra cứu chỉ in một lần và không cấp lại.',
        forgetHint: 'Sau khi in hoặc chép mã cho người gửi, xoá phiếu khỏi trình duyệt này.',
        forget: 'Đã in, xoá phiếu',
        gone: 'Không còn phiếu để hiển thị. Mã tra cứu chỉ hiển thị một lần.',
      },
    },
  },
  en: {
    intake: {
      nav: 'Record a report received',
      title: 'Record a report received by phone, letter, hotline, suggestion box or in person',
      intro: 'Record a report or denunciation a citizen made offline. It is handled and counted like any citizen report; the citizen gets a receipt with a tracking code.',
      channel: 'Received by',
      chooseChannel: '— Choose —',
      channels: { ONLINE: 'Online', PHONE: 'Phone', LETTER: 'Letter', HOTLINE: 'Hotline', SUGGESTION_BOX: 'Suggestion box', IN_PERSON: 'In person' },
      kindHint: 'A denunciation needs the denouncer’s name and address; only the province can see them.',
      identity: 'Reporter',
      anonymous: 'Anonymous — nothing personal is recorded',
      named: 'Named',
      identityHint: 'Record only what the reporter agreed to give. When anonymous, the fields below are not stored.',
      submit: 'Record and print the receipt',
      errors: {
        channel: 'Choose how the report was received.',
        self: 'You cannot record a report about yourself; ask someone else to record it.',
      },
      receipt: {
        title: 'Report receipt',
        intro: 'Your report has been received.',
        howTitle: 'How to follow it',
        how1: 'Go to',
        how2: 'Enter the tracking code printed on this receipt.',
        how3: 'See its progress, the unit’s replies, and rate the outcome.',
        keep: 'Keep this receipt safe: the tracking code is printed once and cannot be issued again.',
        forgetHint: 'Once printed or copied for the reporter, remove the receipt from this browser.',
        forget: 'Printed — remove the receipt',
        gone: 'There is no receipt to show any more. The tracking code is shown only once.',
      },
    },
  },
});
