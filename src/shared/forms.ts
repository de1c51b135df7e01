import type { Request, RequestHandler, Response } from 'express';
import type { ZodType } from 'zod';
import { ValidationFailed } from './errors.js';
import { parseInput } from './validation.js';

// Secrets are never sent back into a re-rendered form.
const NEVER_ECHOED = new Set(['_csrf', 'password', 'currentPassword', 'newPassword', 'confirmPassword']);

/**
 * A form POST: validate the body with the form's schema, run the use case, and on a validation
 * failure (from the schema or the service) re-render the form with 422, the user's values and
 * messages beside the fields. Success is the use case's business (usually flash + redirect).
 */
export function formPost<T>(opts: {
  schema: ZodType<T>;
  view: string;
  locals: (req: Request, res: Response) => Promise<Record<string, unknown>> | Record<string, unknown>;
  submit: (req: Request, res: Response, input: T) => Promise<void>;
}): RequestHandler {
  return async (req, res) => {
    try {
      const input = parseInput(opts.schema, req.body ?? {});
      await opts.submit(req, res, input);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const values = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([k]) => !NEVER_ECHOED.has(k)));
      res.status(err.status).render(opts.view, { ...(await opts.locals(req, res)), values, errors: err.fieldErrors, formError: err.messageKey });
    }
  };
}
