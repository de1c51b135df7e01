import { Writable } from 'node:stream';
import { pino } from 'pino';
import { logger } from '../../src/shared/logger.js';

/** Captures every log line the app writes during the tests, so tests can inspect what was logged. */
class LogSink extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (this.lines.length > 20_000) this.lines.splice(0, 10_000);
    done();
  }
  since(mark: number): string {
    return this.lines.slice(mark).join('\n');
  }
  mark(): number {
    return this.lines.length;
  }
}

export const logSink = new LogSink();

/**
 * The lines the process-wide logger (src/shared/logger.ts, used by services and jobs) writes while `fn` runs: its
 * destination is swapped for a collector for that time, so a test can check what a service logged.
 */
export async function processLogDuring<T>(fn: () => Promise<T>): Promise<{ result: T; logged: string }> {
  const holder = logger as unknown as Record<symbol, unknown>;
  const original = holder[pino.symbols.streamSym];
  const lines: string[] = [];
  holder[pino.symbols.streamSym] = { write: (s: string) => void lines.push(s) };
  try {
    return { result: await fn(), logged: lines.join('') };
  } finally {
    holder[pino.symbols.streamSym] = original;
  }
}
