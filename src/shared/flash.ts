import type { Request } from 'express';

export type FlashKind = 'success' | 'error' | 'info';

declare module 'express-session' {
  interface SessionData {
    flash?: { kind: FlashKind; key: string; params?: Record<string, unknown> }[];
    lang?: 'vi' | 'en';
  }
}

/** One-shot messages shown after a redirect (POST → redirect → GET). */
export function flash(req: Request, kind: FlashKind, key: string, params?: Record<string, unknown>): void {
  (req.session.flash ??= []).push({ kind, key, params });
}

export function takeFlash(req: Request) {
  const messages = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  return messages;
}
