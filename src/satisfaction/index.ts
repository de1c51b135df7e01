/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { ratingsOfYear } from './readers.js';
export { RATING_LEVELS } from './model.js';
export { eraseRatingCommentsBefore } from './retention.js';
