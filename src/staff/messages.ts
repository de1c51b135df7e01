export const staffMessages = {
  vi: { staff: {} },
  en: { staff: {} },
};
