import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

/**
 * The only endpoints that take file uploads (POST): the staff import, and the report forms and the reporter's message
 * that take evidence. Each checks its token with `csrfAfterUpload` once the upload is parsed; the evidence parser also
 * refuses a file part that no valid token came before (`csrfTokenValid`), so nothing is read into memory for a
 * forged request.
 */
const UPLOAD_ENDPOINTS = new Set(['/staff/import', '/phan-anh', '/tra-cuu/ho-so/tin-nhan', '/reports', '/reports/new-intake']);
// Any other multipart request is checked here like any form, so it fails without a token (its body is not parsed).
const isUpload = (req: Request) => req.is('multipart/form-data') === 'multipart/form-data' && UPLOAD_ENDPOINTS.has(req.path);
const tokenFromRequest = (req: Request) => (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined);
const errorConfig = { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' };

// Synchroniser tokens kept in the (database-backed) session. Multipart forms are checked by
// `csrfAfterUpload`, placed after the upload parser on those routes, since the token is in the body.
const { csrfSynchronisedProtection, generateToken } = csrfSync({ getTokenFromRequest: tokenFromRequest, skipCsrfProtection: isUpload, errorConfig });

const { csrfSynchronisedProtection: csrfAfterUpload, isRequestValid: csrfTokenValid, invalidCsrfTokenError: csrfRefused } = csrfSync({ getTokenFromRequest: tokenFromRequest, errorConfig });

export { csrfSynchronisedProtection as csrfProtection, csrfAfterUpload, csrfTokenValid, csrfRefused, generateToken as csrfToken };
