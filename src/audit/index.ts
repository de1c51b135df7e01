/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { SequenceIndex, entriesByActor, eraseValuesOf, record } from './service.js';
