export const evaluationMessages = {
  vi: { evaluations: {} },
  en: { evaluations: {} },
};
