/** Runs async work one at a time, in call order, within this process (a failure does not stop the next). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(f: () => Promise<T>): Promise<T> {
    const next = this.tail.then(f, f);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** A queue per key: work on one key runs one at a time, in call order; other keys run alongside. */
export class KeyedSerialQueue {
  private readonly queues = new Map<string, { queue: SerialQueue; waiting: number }>();

  async run<T>(key: string, f: () => Promise<T>): Promise<T> {
    const entry = this.queues.get(key) ?? { queue: new SerialQueue(), waiting: 0 };
    this.queues.set(key, entry);
    entry.waiting++;
    try {
      return await entry.queue.run(f);
    } finally {
      if (--entry.waiting === 0) this.queues.delete(key);
    }
  }
}
