export const reportMessages = {
  vi: { reports: {} },
  en: { reports: {} },
};
