import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

const isMultipart = (req: Request) => req.is('multipart/form-data') === 'multipart/form-data';

// Synchroniser tokens kept in the (database-backed) session. Multipart forms are checked by
// `csrfAfterUpload`, placed after the upload parser on those routes, since the token is in the body.
const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req) => (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined),
  skipCsrfProtection: isMultipart,
  errorConfig: { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' },
});

const { csrfSynchronisedProtection: csrfAfterUpload } = csrfSync({
  getTokenFromRequest: (req) => (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined),
  errorConfig: { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' },
});

export { csrfSynchronisedProtection as csrfProtection, csrfAfterUpload, generateToken as csrfToken };
