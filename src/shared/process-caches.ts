/**
 * What a process remembers about the database between requests (the unit tree, "this collection is numbered", "the
 * counters are built"). Each such memory registers how to forget it, so that something that changes the database
 * behind the models' back (a test emptying every collection) can make the process look again.
 */
const forgetters: (() => void)[] = [];

export function rememberedAcrossRequests(forget: () => void): void {
  forgetters.push(forget);
}

export function forgetProcessCaches(): void {
  for (const forget of forgetters) forget();
}

const settlers: (() => Promise<void>)[] = [];

/** Work a process finishes after answering (numbering written entries): waited for before shutdown or a reset. */
export function finishedInBackground(settle: () => Promise<void>): void {
  settlers.push(settle);
}

export async function settleBackgroundWork(): Promise<void> {
  await Promise.all(settlers.map((settle) => settle()));
}
