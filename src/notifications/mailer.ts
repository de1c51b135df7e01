import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

export type MailSettings = Pick<Config, 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASS' | 'MAIL_FROM'>;

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/** A mailer from the SMTP settings, or null when none are configured (reminders are then only listed). */
export function createMailer(settings: MailSettings | undefined): Mailer | null {
  if (!settings?.SMTP_HOST) return null;
  const transport = nodemailer.createTransport({
    host: settings.SMTP_HOST,
    port: settings.SMTP_PORT,
    secure: settings.SMTP_SECURE,
    auth: settings.SMTP_USER ? { user: settings.SMTP_USER, pass: settings.SMTP_PASS ?? '' } : undefined,
    // Some mails are sent inside a request (a reporter told of a state change): a mail server that does not answer
    // must fail the mail in seconds, not hold the page for nodemailer's default minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(mail) {
      await transport.sendMail({ from: settings.MAIL_FROM, ...mail });
    },
  };
}
