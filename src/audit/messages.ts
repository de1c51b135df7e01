export const auditMessages = {
  vi: { audit: {} },
  en: { audit: {} },
};
