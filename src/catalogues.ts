import { auditMessages } from './audit/messages.js';
import { authMessages } from './auth/messages.js';
import { codeMessages } from './conduct-code/messages.js';
import { complianceReportMessages } from './compliance-report/messages.js';
import { dashboardMessages } from './dashboard/messages.js';
import { disciplineMessages } from './discipline/messages.js';
import { dossierMessages } from './dossiers/messages.js';
import { evaluationMessages } from './evaluations/messages.js';
import { exportMessages } from './exports/messages.js';
import { holidayMessages } from './holidays/messages.js';
import { reportMessages } from './incidents/messages.js';
import { intakeMessages } from './incidents/intake-messages.js';
import { templateMessages } from './incidents/template-messages.js';
import { privacyMessages } from './privacy/messages.js';
import { satisfactionMessages } from './satisfaction/messages.js';
import { staffMessages } from './staff/messages.js';
import { unitMessages } from './units/messages.js';
import { userMessages } from './users/messages.js';
import { registerCatalogues } from './shared/i18n.js';

/** Every feature's messages: registered by the app at start, and by any tool that renders texts without it. */
export function registerMessages(): void {
  registerCatalogues([auditMessages, authMessages, codeMessages, complianceReportMessages, dashboardMessages, disciplineMessages, dossierMessages, evaluationMessages, exportMessages, holidayMessages, intakeMessages, privacyMessages, reportMessages, satisfactionMessages, staffMessages, templateMessages, unitMessages, userMessages]);
}
