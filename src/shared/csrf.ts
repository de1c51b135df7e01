import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

/** The only endpoints that take file uploads; each checks its token with `csrfAfterUpload` after parsing the upload. */
const UPLOAD_ENDPOINTS = new Set(['/staff/import']);
// Any other multipart request is checked here like any form, so it fails without a token (its body is not parsed).
const isUpload = (req: Request) => req.is('multipart/form-data') === 'multipart/form-data' && UPLOAD_ENDPOINTS.has(req.path);
const tokenFromRequest = (req: Request) => (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined);
const errorConfig = { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' };

// Synchroniser tokens kept in the (database-backed) session. Multipart forms are checked by
// `csrfAfterUpload`, placed after the upload parser on those routes, since the token is in the body.
const { csrfSynchronisedProtection, generateToken } = csrfSync({ getTokenFromRequest: tokenFromRequest, skipCsrfProtection: isUpload, errorConfig });

const { csrfSynchronisedProtection: csrfAfterUpload } = csrfSync({ getTokenFromRequest: tokenFromRequest, errorConfig });

export { csrfSynchronisedProtection as csrfProtection, csrfAfterUpload, generateToken as csrfToken };
