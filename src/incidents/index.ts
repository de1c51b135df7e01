/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { substantiatedIncidents, substantiatedIncidentsUnder } from './findings.js';
export type { SubstantiatedIncident } from './findings.js';
export { REPORT_STATUSES } from './model.js';
export { caseByNumber, casesOfYearUnder, casesReceivedBy, casesReceivedUnder, conductCasesOf } from './readers.js';
export type { ReportSettings } from './settings.js';
export { checkRetaliation, earlyWarnings } from './warnings.js';
export type { EarlyWarning } from './warnings.js';
export { deleteEvidenceOfCase, startEvidenceSweep } from './evidence.js';
export { useIdentityKey } from './identity-sealing.js';
export { checkIdentityKey } from './identity-key-check.js';
// Heard when a reorganisation is carried out (open cases move to the successor).
import './succession.js';
export { CASE_CLEANERS, eraseSettledCasesBefore } from './retention.js';
export type { CaseCleaner } from './retention.js';
export { casesForSubject, type SubjectCase } from './subject-access.js';
