export const satisfactionMessages = {
  vi: { satisfaction: {} },
  en: { satisfaction: {} },
};
