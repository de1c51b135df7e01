import type { NextFunction, Request, Response } from 'express';
import { Forbidden } from '../shared/errors.js';
import { hasRole, type Actor } from './actor.js';
import { findActor } from './service.js';
import type { Role } from './model.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Passport puts the signed-in actor here.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends Actor {}
  }
}

export function requireLogin(req: Request, res: Response, next: NextFunction): void {
  if (req.user) return next();
  if (req.method === 'GET') req.session.returnTo = req.originalUrl;
  res.redirect('/login');
}

export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.user) return next(new Forbidden());
    if (!hasRole(req.user, ...roles)) return next(new Forbidden());
    next();
  };
}

/** The signed-in actor; only for routes behind requireLogin. */
export function actor(req: Request): Actor {
  if (!req.user) throw new Forbidden();
  return req.user;
}

declare module 'express-session' {
  interface SessionData {
    returnTo?: string;
  }
}

/** The signed-in user for every view, and which menus they get (the server checks every route again). */
export function userLocals(req: Request, res: Response, next: NextFunction): void {
  res.locals.currentUser = req.user ?? null;
  res.locals.isAdmin = req.user ? hasRole(req.user, 'admin') : false;
  res.locals.isHead = req.user ? hasRole(req.user, 'head', 'admin') : false;
  next();
}

/**
 * Signs this browser in again with the account as it is now: after the user changed their own password (which ended
 * every session of the account), the session they did it from carries on.
 */
export async function renewSignIn(req: Request): Promise<void> {
  const fresh = req.user ? await findActor(String(req.user.userId)) : null;
  if (!fresh) return;
  await new Promise<void>((resolve, reject) => req.login(fresh, (err) => (err ? reject(err) : resolve())));
}

/** Where an administrator or head without two-factor login may still go while enrolment is required. */
const OPEN_WHILE_ENROLLING = ['/account/two-factor', '/logout', '/lang/', '/login'];

/**
 * With TWO_FACTOR_REQUIRED, administrators and heads must enrol in two-factor login before using anything else:
 * every other request is sent to the enrolment page.
 */
export function requireTwoFactorEnrolment(required: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const user = req.user;
    if (!required || !user || user.twoFactor || !hasRole(user, 'admin', 'head')) return next();
    if (OPEN_WHILE_ENROLLING.some((p) => req.path === p || req.path.startsWith(p.endsWith('/') ? p : `${p}/`))) return next();
    res.redirect('/account/two-factor');
  };
}
