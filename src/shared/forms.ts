import type { Request, RequestHandler, Response } from 'express';
import type { ZodType } from 'zod';
import { Conflict, ValidationFailed } from './errors.js';
import { parseInput } from './validation.js';

// Secrets are never sent back into a re-rendered form.
const NEVER_ECHOED = new Set(['_csrf', 'password', 'currentPassword', 'newPassword', 'confirmPassword']);

/**
 * What of a posted value can be shown again in a form: text, lists of text, and nested fields of those (ratings).
 * A field posted as `title[toString]=x` arrives as an object whose `toString` is not a function, which a template
 * cannot print; keys that name Object.prototype members are dropped.
 */
function echoable(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string');
  if (value === null || typeof value !== 'object' || depth > 3) return undefined;
  const kept = Object.entries(value)
    .filter(([k]) => !(k in Object.prototype))
    .map(([k, v]) => [k, echoable(v, depth + 1)] as const)
    .filter(([, v]) => v !== undefined);
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/**
 * A form POST: check that the actor may use the form on this object (`authorize`: 403 or 404 before anything in
 * the body is read or echoed), validate the body with the form's schema, run the use case, and on a validation
 * failure (from the schema or the service) re-render the form with 422, the user's values and
 * messages beside the fields. Success is the use case's business (usually flash + redirect).
 */
export interface FormPostOptions<T> {
  schema: ZodType<T>;
  view: string;
  locals: (req: Request, res: Response) => Promise<Record<string, unknown>> | Record<string, unknown>;
  submit: (req: Request, res: Response, input: T) => Promise<void>;
  authorize?: (req: Request) => Promise<unknown>;
  /** A problem found before the body is validated (an upload refused by its parser): shown beside the fields' own. */
  preCheck?: (req: Request) => ValidationFailed | undefined;
}

export function formPost<T>(opts: FormPostOptions<T>): RequestHandler {
  return async (req, res) => {
    await opts.authorize?.(req);
    try {
      const early = opts.preCheck?.(req);
      let input: T;
      try {
        input = parseInput(opts.schema, req.body ?? {});
      } catch (err) {
        if (early && err instanceof ValidationFailed) throw new ValidationFailed({ ...err.fieldErrors, ...early.fieldErrors });
        throw err;
      }
      if (early) throw early;
      await opts.submit(req, res, input);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const values = (echoable(Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([k]) => !NEVER_ECHOED.has(k)))) ?? {}) as Record<string, unknown>;
      res.status(err.status).render(opts.view, { ...(await opts.locals(req, res)), values, errors: err.fieldErrors, formError: err.messageKey });
    }
  };
}

/**
 * A form POST whose page shows a record that others may change at the same time: like formPost, and a stale version
 * (a Conflict with `staleKey`) re-renders the page with the latest data and a 409 message instead of overwriting.
 * `latestValues` fills the form from the page's locals (the latest record); without it the page's own values stand.
 */
export function versionedPost<T>(opts: FormPostOptions<T> & { staleKey: string; latestValues?: (locals: Record<string, unknown>) => Record<string, unknown> }): RequestHandler {
  const handler = formPost(opts);
  return async (req, res, next) => {
    try {
      await handler(req, res, next);
    } catch (err) {
      if (!(err instanceof Conflict) || err.messageKey !== opts.staleKey) throw err;
      const locals = await opts.locals(req, res);
      res.status(409).render(opts.view, { ...locals, ...(opts.latestValues ? { values: opts.latestValues(locals) } : {}), formError: err.messageKey });
    }
  };
}
