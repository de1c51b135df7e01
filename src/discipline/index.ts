/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { DISCIPLINE_FORMS, type DisciplineForm } from './model.js';
export { decisionsAboutPerson, decisionsTakingEffectIn, decisionUnitsOfYear, type DisciplineFact } from './service.js';
