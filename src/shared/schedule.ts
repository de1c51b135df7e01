/**
 * Runs `tick` soon after start (`firstAfterMs`) and then every `everyMs`, never keeping the process (or a test run)
 * alive; returns the function that stops it. `tick` handles its own errors.
 */
export function repeatEvery(tick: () => void, everyMs: number, firstAfterMs: number): () => void {
  const first = setTimeout(tick, firstAfterMs);
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
