import type { CookieOptions, Request, Response } from 'express';

const KINDS = ['success', 'error', 'info'] as const;
export type FlashKind = (typeof KINDS)[number];

declare module 'express-session' {
  interface SessionData {
    lang?: 'vi' | 'en';
  }
}

interface FlashMessage {
  kind: FlashKind;
  key: string;
  params?: Record<string, unknown>;
}

/**
 * One-shot messages shown after a redirect (POST → redirect → GET), carried in a signed cookie rather than the
 * session: a form POST that changes nothing else in the session then writes no session document, and neither does
 * the page that shows the message (issue 8: each write is a round trip of the shared CPU). The messages are keys and
 * small parameters (counts, case numbers), never a reporter's identity; the signature (the session secret, through
 * cookie-parser) keeps a forged cookie from putting words on the page.
 */
export const FLASH_COOKIE = 'congboc.flash';
/** Far under a browser's 4 KB per cookie; a message that would not fit is dropped rather than breaking the cookie. */
const MAX_COOKIE_CHARS = 3000;

const SECURE_SETTING = 'flash cookie secure';

/** The `secure` flag follows the session cookie's: an app setting, as tests run apps of both kinds side by side. */
export function configureFlash(app: { set(name: string, value: unknown): unknown }, secure: boolean): void {
  app.set(SECURE_SETTING, secure);
}

const cookieOptions = (req: Request): CookieOptions => ({ httpOnly: true, sameSite: 'lax', path: '/', maxAge: 5 * 60_000, signed: true, secure: req.app.get(SECURE_SETTING) === true });

const pending = new WeakMap<Request, FlashMessage[]>();

export function flash(req: Request, kind: FlashKind, key: string, params?: Record<string, unknown>): void {
  const res = req.res!;
  const list = [...(pending.get(req) ?? []), { kind, key, ...(params ? { params } : {}) }];
  while (list.length && JSON.stringify(list).length > MAX_COOKIE_CHARS) list.shift();
  pending.set(req, list);
  // One Set-Cookie for the messages, replacing any written earlier in this request (a clearing one included).
  const others = ([] as string[]).concat((res.getHeader('Set-Cookie') as string[] | string | undefined) ?? []).filter((c) => !c.startsWith(`${FLASH_COOKIE}=`));
  res.setHeader('Set-Cookie', others);
  res.cookie(FLASH_COOKIE, JSON.stringify(list), cookieOptions(req));
}

function isMessage(m: unknown): m is FlashMessage {
  if (typeof m !== 'object' || m === null) return false;
  const { kind, key, params } = m as Record<string, unknown>;
  return typeof kind === 'string' && (KINDS as readonly string[]).includes(kind) && typeof key === 'string' && (params === undefined || (typeof params === 'object' && params !== null && !Array.isArray(params)));
}

/** The messages for this page, cleared from the browser; a cookie that is unsigned, altered or garbled shows nothing. */
export function takeFlash(req: Request, res: Response): FlashMessage[] {
  const raw = (req.signedCookies as Record<string, unknown> | undefined)?.[FLASH_COOKIE];
  if (raw === undefined && req.cookies?.[FLASH_COOKIE] === undefined) return [];
  res.clearCookie(FLASH_COOKIE, { ...cookieOptions(req), maxAge: undefined, signed: false });
  if (typeof raw !== 'string') return [];
  try {
    const list: unknown = JSON.parse(raw);
    return Array.isArray(list) ? list.filter(isMessage) : [];
  } catch {
    return [];
  }
}
