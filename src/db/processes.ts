import fs from 'node:fs';
import type { Logger } from 'pino';
import type { ChildProcess } from 'node:child_process';

/** Asks a child to stop with `signal`, kills it after `graceMs`, and resolves once it has exited. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill(signal);
  });
}

/** True while a process with this id runs a command whose line contains `name` (Linux /proc; false elsewhere). */
function isRunning(pid: number, name: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(name);
  } catch {
    return false;
  }
}

/**
 * Stops a server left running by an app that died without stopping it (its pid file names it), so the new start
 * does not find the port or the data folder taken — or connect to the orphan by mistake.
 */
export async function stopOrphan(pidFile: string, name: string, signal: NodeJS.Signals, logger: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isRunning(pid, name)) return;
  logger.warn({ pid, name }, 'stopping an embedded database server left over from an earlier run');
  process.kill(pid, signal);
  const deadline = Date.now() + 30_000;
  while (isRunning(pid, name)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
