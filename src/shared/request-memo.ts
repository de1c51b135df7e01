import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/**
 * Values worked out once per request (e.g. "is the unit tree I hold still current?"), however many services ask.
 * Outside a request (jobs, scripts, tests calling services) every call computes afresh.
 */
const store = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

export function requestMemoMiddleware(_req: Request, _res: Response, next: NextFunction): void {
  store.run(new Map(), next);
}

export function memoisedPerRequest<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const memo = store.getStore();
  if (!memo) return compute();
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = compute();
    memo.set(key, value);
  }
  return value;
}

/**
 * Drops a value worked out earlier in this request, so that the next ask computes it again: for a document read by a
 * route's authorisation check and handed to the write that follows, which must not be served after that write.
 */
export function forgetPerRequest(key: string): void {
  store.getStore()?.delete(key);
}
