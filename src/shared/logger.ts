import { pino, type Logger } from 'pino';

// Paths that may carry personal data never reach the log.
const redact = {
  paths: ['req.headers.cookie', 'req.headers.authorization', 'req.remoteAddress', 'req.remotePort', 'res.headers["set-cookie"]', '*.password', '*.passwordHash'],
  remove: true,
};

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return destination ? pino({ level, redact }, destination as never) : pino({ level, redact });
}

/** The process-wide logger; the app may be given another one (tests capture lines with it). */
export const logger: Logger = createLogger('info');
