/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { DISCIPLINE_FORMS, DISCIPLINE_SYSTEMS, type DisciplineForm, type DisciplineSystem } from './model.js';
export { decisionsAboutPerson, decisionsTakingEffectIn, administrativeDecisionUnitsOfYear, type DisciplineFact } from './service.js';
