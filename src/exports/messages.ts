export const exportMessages = {
  vi: { exports: {} },
  en: { exports: {} },
};
