import { Writable } from 'node:stream';

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
