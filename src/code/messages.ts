export const codeMessages = {
  vi: { code: {} },
  en: { code: {} },
};
