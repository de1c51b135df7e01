import { createMailer, type Mailer, type MailSettings } from '../notifications/index.js';
import type { Config } from '../config.js';
import { isLanguage, translator } from '../shared/i18n.js';
import { logger } from '../shared/logger.js';
import { ReporterIdentityModel, type IncidentReport, type ReportStatus } from './model.js';

/**
 * One e-mail to a named citizen who left an address, each time their case changes state (in review, a finding,
 * resolved, closed, reopened, joined to another case), in the language the report was written in. It says the case
 * number, the new state and where to look the case up — never the tracking code (they were given it, and an e-mail
 * box is not a safe place for it), the handler's notes, the unit or the person reported about.
 *
 * The address is read here, by the service that changed the state, from the sealed identity (the schema plugin opens
 * it) and goes only to the mail server: it is never logged, audited or written to a notice. Anonymous reports keep no
 * identity, so they get nothing; colleagues' reports (PEER) follow their cases in the app.
 *
 * A denouncer (tố cáo) is told too — the Law on Denunciation has the handler inform them of the acceptance and the
 * result — but only that their case has news, under its number, without the state or anything about the matter: the
 * message must reveal nothing to whoever else reads that mailbox.
 */

export type ReporterMailSettings = MailSettings & Pick<Config, 'PUBLIC_BASE_URL'>;

/** A new state as the reporter reads it: the case's status, or a reopening, or being joined to another case. */
export type ReporterChange = ReportStatus | 'REOPENED' | 'DUPLICATE';

export async function tellReporterOfChange(
  report: Pick<IncidentReport, '_id' | 'caseNumber' | 'kind' | 'source' | 'anonymous'>,
  change: ReporterChange,
  settings: ReporterMailSettings,
  deps: { mailer?: Mailer | null } = {},
): Promise<boolean> {
  if (report.source !== 'CITIZEN' || report.anonymous) return false;
  const mailer = deps.mailer === undefined ? createMailer(settings) : deps.mailer;
  if (!mailer) return false;
  const contact = await ReporterIdentityModel.findOne({ reportId: report._id }).select('email language').lean<{ email?: string | null; language?: string | null }>();
  if (!contact?.email) return false;
  const t = translator(isLanguage(contact.language) ? contact.language : 'vi');
  const which = report.kind === 'TO_CAO' ? 'denunciation' : 'report';
  const vars = { number: report.caseNumber, state: t(`reports.reporterMail.states.${change}`), url: `${settings.PUBLIC_BASE_URL ?? ''}/tra-cuu` };
  try {
    await mailer.send({ to: contact.email, subject: t(`reports.reporterMail.${which}Subject`, vars), text: t(`reports.reporterMail.${which}Text`, vars) });
    return true;
  } catch (err) {
    // The error's code only: a mail server's answer may quote the address.
    logger.warn({ code: (err as { code?: unknown }).code ?? null, caseNumber: report.caseNumber }, 'reporter state e-mail failed');
    return false;
  }
}
