/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { LETTER_VIEW, PRINT_LAYOUT, apologyLetterDocx, issuingAuthorityName, letterViewModel, placeNameOf } from './service.js';
export type { ApologyLetterData } from './service.js';
