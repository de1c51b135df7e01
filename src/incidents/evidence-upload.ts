import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { csrfAfterUpload, csrfRefused, csrfTokenValid } from '../shared/csrf.js';
import { ValidationFailed } from '../shared/errors.js';
import { EVIDENCE_FIELD, EVIDENCE_LIMITS, cleanEvidence, evidenceRefused, receivedEvidence, type CleanEvidence, type ReceivedEvidence } from './evidence-cleaning.js';

/**
 * The HTTP side of evidence, for any form that takes it (multipart, `enctype="multipart/form-data"`, its file field
 * `evidence` placed last): parse the upload into memory within the limits, check the CSRF token, check the files'
 * number, sizes and types by content. A refused upload does not stop the request: the form is shown again with the
 * reason beside the file field and every other value kept (the text fields come before the files in the body, so a
 * parser that stops at a file too big has read them all). The files are cleaned (re-encoded) only when the form is
 * otherwise valid, by `cleanedEvidence` in the form's submit.
 *
 * Order on a route: rate limiter, `...evidenceUpload`, then the form handler (formPost with `preCheck:
 * evidenceProblem`). The app-wide CSRF check skips these endpoints (shared/csrf.ts UPLOAD_ENDPOINTS) because their
 * token is inside the multipart body: the parser refuses the first file part unless a valid token came before it, and
 * `csrfAfterUpload` checks the token once the body is read, so a forged post is refused with 403 either way.
 */

interface Upload {
  files: ReceivedEvidence[];
  problem?: ValidationFailed;
}
const uploads = new WeakMap<Request, Upload>();

const parser = multer({
  storage: multer.memoryStorage(),
  // One byte over a limit is enough to know; the count limit stops the parser at the first file too many.
  limits: { fileSize: EVIDENCE_LIMITS.fileBytes, files: EVIDENCE_LIMITS.filesPerPost, fields: 200, fieldSize: 64 * 1024, parts: 220 },
  fileFilter: (req, _file, accept) => (csrfTokenValid(req) ? accept(null, true) : accept(csrfRefused)),
}).array(EVIDENCE_FIELD, EVIDENCE_LIMITS.filesPerPost);

const LIMIT_PROBLEMS: Partial<Record<multer.ErrorCode, Parameters<typeof evidenceRefused>[0]>> = {
  LIMIT_FILE_SIZE: 'tooBig',
  LIMIT_FILE_COUNT: 'tooMany',
};

function parseEvidence(req: Request, res: Response, next: NextFunction): void {
  parser(req, res, (err: unknown) => {
    void (async () => {
      const files = (Array.isArray(req.files) ? req.files : []).map((f) => f.buffer);
      if (err instanceof multer.MulterError) {
        const problem = LIMIT_PROBLEMS[err.code] ?? (err.code === 'LIMIT_UNEXPECTED_FILE' && err.field === EVIDENCE_FIELD ? 'tooMany' : undefined);
        if (!problem) return next(err);
        uploads.set(req, { files: [], problem: evidenceRefused(problem) });
        return next();
      }
      if (err) return next(err);
      try {
        uploads.set(req, { files: await receivedEvidence(files) });
      } catch (refusal) {
        if (!(refusal instanceof ValidationFailed)) return next(refusal);
        uploads.set(req, { files: [], problem: refusal });
      }
      next();
    })();
  });
}

/** The middleware pair for a route that takes evidence: the parser, then the CSRF check of the parsed body. */
export const evidenceUpload: RequestHandler[] = [parseEvidence, csrfAfterUpload];

/** A refused upload, for formPost's `preCheck`: shown beside the form's own errors. */
export const evidenceProblem = (req: Request): ValidationFailed | undefined => uploads.get(req)?.problem;

/** The files of this request, cleaned and ready to store (none for a form sent without files). */
export async function cleanedEvidence(req: Request): Promise<CleanEvidence[]> {
  const upload = uploads.get(req);
  if (upload?.problem) throw upload.problem;
  return cleanEvidence(upload?.files ?? []);
}
