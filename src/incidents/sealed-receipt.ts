import crypto from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';

/**
 * The receipt of a report just filed, kept so that a reload, a language switch or a printer dialog cannot lose it,
 * without the tracking code ever being stored readable: the session (in the database) holds the receipt sealed with
 * AES-256-GCM, and the key lives only in a cookie of the reporter's browser, sent to the receipt page alone. The
 * reporter removes both with "I have saved the code"; otherwise the key cookie expires after a day.
 */

export interface Receipt {
  code: string;
  caseNumber: string;
  receivedAt: string;
  /** A named citizen's e-mail address, for "e-mail me the code" (sealed like the code; never for anonymous reports). */
  email?: string;
  /** The unit reported about, on the paper receipt of a report recorded by a handler. */
  unitName?: string;
}

/** "E-mail me the code" on the receipt page: the rate-limited POST `route/gui-thu` and what sends the message. */
export interface ReceiptMail {
  /** False when no mail server is configured: the button is not offered. */
  available: boolean;
  limiter: RequestHandler;
  send: (req: Request, res: Response, receipt: Receipt & { email: string }) => Promise<void>;
}

const KEY_COOKIE = 'cb_receipt';
const KEY_MAX_AGE_MS = 24 * 3600_000;
const RECEIPT_PATHS = ['/phan-anh/bien-nhan', '/reports/receipt', '/reports/new-intake/receipt'] as const;
type ReceiptPath = (typeof RECEIPT_PATHS)[number];

function seal(receipt: Receipt): { sealed: string; key: string } {
  const key = crypto.randomBytes(32);
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(receipt), 'utf8'), cipher.final()]);
  return { sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url'), key: key.toString('base64url') };
}

function unseal(sealed: string, key: string): Receipt | null {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = crypto.createDecipheriv('aes-256-gcm', Buffer.from(key, 'base64url'), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as Receipt;
  } catch {
    return null;
  }
}

/** Keeps the receipt of the report just filed: sealed in the session, its key in a cookie for the receipt page. */
export function keepReceipt(req: Request, res: Response, receipt: Receipt, path: ReceiptPath, secure: boolean): void {
  const { sealed, key } = seal(receipt);
  req.session.sealedReceipt = sealed;
  res.cookie(KEY_COOKIE, key, { httpOnly: true, sameSite: 'strict', secure, path, maxAge: KEY_MAX_AGE_MS });
}

/** The receipt this browser may see, or null (none filed here, forgotten, or its key gone). */
function receiptOf(req: Request): Receipt | null {
  const sealed = req.session.sealedReceipt;
  // The key is base64url: no decoding needed, so the header is only split.
  const key = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${KEY_COOKIE}=`))?.slice(KEY_COOKIE.length + 1);
  return sealed && key ? unseal(sealed, key) : null;
}

/** Removes the receipt from the session and its key from the browser. */
export function forgetReceipt(req: Request, res: Response, path: ReceiptPath): void {
  delete req.session.sealedReceipt;
  res.clearCookie(KEY_COOKIE, { path });
}

/**
 * The receipt page (GET `route`, not cached) and its "I have saved the code" action (POST `route/xoa`), on a router
 * whose gate applies to both; `path` is the page's address in the app, where the key cookie is sent.
 */
export function receiptPages(router: Router, route: string, path: ReceiptPath, locals: Record<string, unknown> = {}, opts: { mail?: ReceiptMail; view?: string; gate?: RequestHandler[] } = {}): void {
  const { mail, view = 'public/receipt', gate = [] } = opts;
  const page = (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const receipt = receiptOf(req);
    res.render(view, {
      ...locals,
      title: res.locals.t('reports.receipt.title'),
      receipt: receipt && { code: receipt.code, caseNumber: receipt.caseNumber, receivedAt: receipt.receivedAt, unitName: receipt.unitName },
      forgetAction: `${path}/xoa`,
      mailAction: mail?.available && receipt?.email ? `${path}/gui-thu` : undefined,
    });
  };
  router.get(route, ...gate, page);
  if (mail) {
    // POST route/gui-thu — e-mail the code to the address the named reporter gave (the address and the code come
    // from the sealed receipt, never from the request body)
    router.post(`${route}/gui-thu`, ...gate, mail.limiter, async (req, res) => {
      const receipt = receiptOf(req);
      if (receipt?.email) await mail.send(req, res, { ...receipt, email: receipt.email });
      res.redirect(303, path);
    });
  }
  router.post(`${route}/xoa`, ...gate, (req, res) => {
    forgetReceipt(req, res, path);
    res.redirect(path);
  });
}
