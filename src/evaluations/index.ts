/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { CLASSIFICATION_LEVELS, LEVEL_SCORE } from './model.js';
export { scoresOf } from './results-store.js';
export { storePeopleSortKeys } from './sort-keys.js';
export { classificationsCountedBy, classificationsOfYearUnder, evaluationFor, periodKeysOfYear, resultsCountedBy, resultsOfYearUnder } from './readers.js';
// Heard when a reorganisation is carried out (open periods and unfinished evaluations move to the successor).
import './succession.js';
export { classificationsOfPerson, evaluationsOfPerson } from './subject-access.js';
