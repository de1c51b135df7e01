/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { LETTER_VIEW, PRINT_LAYOUT, apologyLetterDocx, letterViewModel, officialReportDocx, reportViewModel } from './service.js';
export type { ApologyLetterData, OfficialReportData, ReportBlock } from './service.js';
export { documentNumber, documentNumberSuffix, isSigningTitleOf, issuingBodyOf, placeNameOf, signingTitles } from './issuers.js';
export type { IssuingBody } from './issuers.js';
export { sendDocx } from './send.js';
export { SALUTATIONS, salutationOf } from './wording.js';
export type { Salutation } from './wording.js';
