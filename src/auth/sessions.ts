import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import MongoStore from 'connect-mongo';
import mongoose from 'mongoose';
import type { Config } from '../config.js';

export const SESSION_COLLECTION = 'sessions';

// FerretDB v1 has no TTL indexes and connect-mongo's 'interval' mode writes with w:0,
// so expiry is our own acknowledged deleteMany on a timer (see sweepExpiredSessions).
export function sessionMiddleware(config: Config) {
  const ttlSeconds = Math.round(config.SESSION_MAX_AGE_HOURS * 3600);
  return session({
    name: 'congboc.sid',
    secret: config.sessionSecret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: config.TRUST_PROXY > 0,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, maxAge: ttlSeconds * 1000 },
    store: savingCopies(
      MongoStore.create({
        client: mongoose.connection.getClient(),
        dbName: config.DB_NAME,
        collectionName: SESSION_COLLECTION,
        ttl: ttlSeconds,
        autoRemove: 'disabled',
        stringify: false,
        // A session's expiry slides at most once every 5 minutes instead of being written on every request.
        touchAfter: 300,
      }),
    ),
  });
}

/**
 * connect-mongo's `set` deletes `lastModified` from the session it is given. Given the live session, that makes a
 * session saved before a redirect (sessionStoredBeforeRedirect) look changed again when the response ends, so it was
 * written twice. It is given a copy instead (the same enumerable fields, so the same document).
 */
function savingCopies(store: MongoStore): MongoStore {
  const set = store.set.bind(store);
  store.set = (sid, sess, callback) => set(sid, { ...sess }, callback);
  return store;
}

export async function sweepExpiredSessions(now = new Date()): Promise<number> {
  const result = await mongoose.connection.db!.collection(SESSION_COLLECTION).deleteMany({ expires: { $lt: now } });
  return result.deletedCount;
}

export function startSessionSweeper(everyMs = 10 * 60_000): () => void {
  const timer = setInterval(() => void sweepExpiredSessions().catch(() => undefined), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The session's content as express-session compares it (its cookie aside, which `rolling` renews on every request). */
const contentOf = (session: object) => JSON.stringify(session, (key, value) => (key === 'cookie' ? undefined : value));

/**
 * Post → redirect → get, made safe: express-session stores a changed session while the response is already on its
 * way, so a browser following a redirect could read the session before the write (a lost receipt or language, a new
 * sign-in). A redirect therefore waits until a changed session is stored; an unchanged one is not written at all.
 */
export function sessionStoredBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  const loaded = req.session ? { id: req.sessionID, content: contentOf(req.session) } : null;
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session) return redirect(...args);
    if (loaded && loaded.id === req.sessionID && loaded.content === contentOf(req.session)) return redirect(...args);
    req.session.save((err) => (err ? next(err) : redirect(...args)));
  }) as Response['redirect'];
  next();
}
