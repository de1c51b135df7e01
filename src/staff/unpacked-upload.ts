import { Unzip, UnzipInflate, zipSync, type Zippable } from 'fflate';

/**
 * An uploaded .xlsx unpacked under a cap and packed again, so that the spreadsheet parser reads only what was
 * counted here. The sizes an archive declares can lie (a zip bomb declares a few bytes), so the bytes are counted as
 * they are inflated, fed in small pieces: one piece of deflate data inflates to at most about a thousand times its
 * size, so the count stops within a few megabytes of the cap.
 */

const PIECE = 4 * 1024;

export class UnpackRefused extends Error {
  constructor(readonly reason: 'tooLarge' | 'tooManyEntries' | 'unreadable') {
    super(reason);
  }
}

export function repackWithin(buffer: Uint8Array, limits: { maxBytes: number; maxEntries: number }): Uint8Array {
  const entries: Zippable = Object.create(null);
  let total = 0;
  let count = 0;
  let failure: UnpackRefused | null = null;
  const unzip = new Unzip((file) => {
    if (failure) return;
    if (++count > limits.maxEntries) {
      failure = new UnpackRefused('tooManyEntries');
      return;
    }
    const chunks: Uint8Array[] = [];
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) {
        failure = new UnpackRefused('unreadable');
        return;
      }
      total += chunk.length;
      if (total > limits.maxBytes) {
        failure = new UnpackRefused('tooLarge');
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) entries[file.name] = concat(chunks);
    };
    try {
      file.start();
    } catch {
      failure = new UnpackRefused('unreadable'); // a compression method other than stored or deflate
    }
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < buffer.length && !failure; at += PIECE) unzip.push(buffer.subarray(at, at + PIECE), at + PIECE >= buffer.length);
  } catch {
    failure ??= new UnpackRefused('unreadable');
  }
  if (failure) throw failure;
  if (count === 0) throw new UnpackRefused('unreadable');
  return zipSync(entries, { level: 1 });
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
