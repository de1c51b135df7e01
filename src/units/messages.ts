export const unitMessages = {
  vi: { units: {} },
  en: { units: {} },
};
