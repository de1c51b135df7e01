import { catalogue } from '../shared/i18n.js';
export const authMessages = catalogue({
  vi: {
    auth: {
      title: 'Đăng nhập', username: 'Tên đăng nhập', password: 'Mật khẩu', submit: 'Đăng nhập',
      invalid: 'Tên đăng nhập hoặc mật khẩu không đúng.',
      locked: 'Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau ít phút.',
      intro: 'Dành cho cán bộ, công chức, viên chức và quản trị viên. Người dân không cần đăng nhập.',
    },
  },
  en: {
    auth: {
      title: 'Log in', username: 'Username', password: 'Password', submit: 'Log in',
      invalid: 'Wrong username or password.',
      locked: 'This account is locked for a while after too many failed attempts. Please try again in a few minutes.',
      intro: 'For civil servants, public employees and administrators. Citizens do not need to log in.',
    },
  },
});
