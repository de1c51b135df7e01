import { catalogue } from '../shared/i18n.js';
export const userMessages = catalogue({
  vi: {
    users: {
      title: 'Tài khoản đăng nhập', email: 'Thư điện tử', emailHint: 'Để nhận nhắc việc và thông báo. Có thể để trống.', new: 'Tạo tài khoản', edit: 'Sửa tài khoản', username: 'Tên đăng nhập', displayName: 'Tên hiển thị',
      password: 'Mật khẩu ban đầu', passwordHint: 'Ít nhất 10 ký tự. Người dùng nên đổi mật khẩu sau lần đăng nhập đầu.',
      staffId: 'Mã hồ sơ cán bộ (liên kết)', staffIdHint: 'Mở từ trang hồ sơ cán bộ để liên kết tự động.', roles: 'Vai trò và phạm vi',
      role: 'Vai trò', unit: 'Đơn vị', noRoleOption: '— Không chọn —', active: 'Đang hoạt động', status: 'Trạng thái', locked: 'Đang bị khóa',
      lastLogin: 'Đăng nhập gần nhất', unlock: 'Mở khóa', resetPassword: 'Đặt lại mật khẩu', newPassword: 'Mật khẩu mới',
      created: 'Đã tạo tài khoản {{username}}.', passwordReset: 'Đã đặt lại mật khẩu.', unlocked: 'Đã mở khóa tài khoản.',
      changePassword: 'Đổi mật khẩu', currentPassword: 'Mật khẩu hiện tại', confirmPassword: 'Nhập lại mật khẩu mới',
      passwordChanged: 'Đã đổi mật khẩu.', empty: 'Chưa có tài khoản nào.',
      errors: {
        username: 'Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang.',
        usernameTaken: 'Tên đăng nhập này đã được dùng.', noRole: 'Cần ít nhất một vai trò.', incompleteRole: 'Chọn cả vai trò và đơn vị.',
        unitOutOfScope: 'Đơn vị không thuộc phạm vi bạn quản lý.', staffNotFound: 'Không tìm thấy hồ sơ cán bộ trong phạm vi của bạn.',
        staffHasLogin: 'Hồ sơ cán bộ này đã có tài khoản.', cannotDeactivateSelf: 'Bạn không thể tự khóa tài khoản của mình.',
        wrongPassword: 'Mật khẩu hiện tại không đúng.', passwordMismatch: 'Hai mật khẩu không khớp.',
      },
    },
  },
  en: {
    users: {
      title: 'Login accounts', email: 'E-mail', emailHint: 'For reminders and notices. May be left empty.', new: 'Create account', edit: 'Edit account', username: 'Username', displayName: 'Display name',
      password: 'Initial password', passwordHint: 'At least 10 characters. The user should change it after the first login.',
      staffId: 'Staff record id (link)', staffIdHint: 'Open from a staff record to link it automatically.', roles: 'Roles and scope',
      role: 'Role', unit: 'Unit', noRoleOption: '— None —', active: 'Active', status: 'Status', locked: 'Locked',
      lastLogin: 'Last login', unlock: 'Unlock', resetPassword: 'Reset password', newPassword: 'New password',
      created: 'Account {{username}} created.', passwordReset: 'Password reset.', unlocked: 'Account unlocked.',
      changePassword: 'Change password', currentPassword: 'Current password', confirmPassword: 'Repeat the new password',
      passwordChanged: 'Password changed.', empty: 'No accounts yet.',
      errors: {
        username: 'Usernames are 3–40 characters: lower-case letters without accents, digits, dot, underscore or hyphen.',
        usernameTaken: 'This username is taken.', noRole: 'At least one role is needed.', incompleteRole: 'Choose both a role and a unit.',
        unitOutOfScope: 'This unit is outside the units you manage.', staffNotFound: 'No such staff record in your scope.',
        staffHasLogin: 'This staff record already has an account.', cannotDeactivateSelf: 'You cannot deactivate your own account.',
        wrongPassword: 'The current password is wrong.', passwordMismatch: 'The two passwords differ.',
      },
    },
  },
});
