export const dossierMessages = {
  vi: { dossiers: {} },
  en: { dossiers: {} },
};
