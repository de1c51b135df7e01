import type { NextFunction, Request, Response } from 'express';
import mongoose from 'mongoose';
import { MulterError } from 'multer';
import { AppError, NotFound, ValidationFailed } from './errors.js';
import { logger as defaultLogger } from './logger.js';
import { translator } from './i18n.js';

interface HttpishError {
  status?: number;
  statusCode?: number;
  code?: string;
  type?: string;
}

/** Maps anything thrown to a status and a user-safe message key. */
function classify(err: unknown): { status: number; key: string; params?: Record<string, unknown> } {
  if (err instanceof AppError) return { status: err.status, key: err.messageKey, params: err.params };
  if (err instanceof mongoose.Error.CastError) return { status: 404, key: 'errors.notFound' };
  if (err instanceof mongoose.Error.VersionError) return { status: 409, key: 'errors.conflict' };
  if (err instanceof MulterError) return { status: err.code === 'LIMIT_FILE_SIZE' ? 413 : 400, key: err.code === 'LIMIT_FILE_SIZE' ? 'errors.tooLarge' : 'errors.badRequest' };
  if (isDatabaseDown(err)) return { status: 503, key: 'errors.unavailable' };
  const e = err as HttpishError;
  if (e?.code === 'EBADCSRFTOKEN') return { status: 403, key: 'errors.csrf' };
  if (e?.type === 'entity.too.large') return { status: 413, key: 'errors.tooLarge' };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, key: status === 404 ? 'errors.notFound' : 'errors.badRequest' };
  return { status: 500, key: 'errors.server' };
}

function isDatabaseDown(err: unknown): boolean {
  const { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError } = mongoose.mongo;
  // Subclasses included: a pool cleared under a request when the server stopped answering is a network error too.
  if ([MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError].some((kind) => err instanceof kind)) return true;
  const name = (err as Error)?.name ?? '';
  if (name === 'MongooseServerSelectionError') return true;
  // Mongoose holds queries while it has no connection, then gives up with a plain error.
  return name === 'MongooseError' && /buffering timed out/.test((err as Error).message);
}

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFound());
}

/** The error page: a message in the user's language and the request id; the stack goes to the log only, in every mode. */
export function errorHandler() {
  // Express recognises error handlers by their four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const { status, key, params } = classify(err);
    const requestId = String(req.id ?? '');
    const logger = req.log ?? defaultLogger;
    if (status >= 500) logger.error({ err, requestId }, 'request failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    const t = res.locals.t ?? translator('vi');
    const view = status === 403 ? 'errors/403' : status === 404 ? 'errors/404' : 'errors/error';
    const locals = {
      // The request may have failed before the page locals were set (the session store being down): the page still
      // needs its translator.
      t,
      lang: res.locals.lang ?? 'vi',
      title: t(status === 403 ? 'errors.forbiddenTitle' : status === 404 ? 'errors.notFoundTitle' : status >= 500 ? 'errors.serverTitle' : 'errors.badRequest'),
      message: t(key, params),
      status,
      requestId,
      fieldErrors: err instanceof ValidationFailed ? err.fieldErrors : {},
    };
    res.status(status);
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ error: locals.message, requestId });
      return;
    }
    res.render(view, locals, (renderErr, html) => {
      if (renderErr) {
        logger.error({ err: renderErr, requestId }, 'error page failed to render');
        res.type('html').send(`<!doctype html><meta charset="utf-8"><title>${status}</title><p>${escapeHtml(locals.message)}</p><p>${escapeHtml(requestId)}</p>`);
        return;
      }
      res.send(html);
    });
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
