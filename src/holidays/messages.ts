export const holidayMessages = {
  vi: { holidays: {} },
  en: { holidays: {} },
};
