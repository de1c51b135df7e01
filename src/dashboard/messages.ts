export const dashboardMessages = {
  vi: { dashboard: {} },
  en: { dashboard: {} },
};
