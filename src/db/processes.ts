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

/** A child process kept running: started again when it exits without being asked to. */
export interface KeptRunning {
  /** Stops the current child (and any start under way) for good. */
  stop(stopOne: (child: ChildProcess) => Promise<void>): Promise<void>;
}

/**
 * Starts a server with `launch` (which resolves once it is ready) and starts it again whenever it exits unasked —
 * killed, crashed — with the data it keeps on disk: the app's embedded servers come back by themselves, and the
 * driver reconnects. Attempts back off from 1 s to 30 s while the server cannot start.
 */
export async function keepRunning(name: string, launch: () => Promise<ChildProcess>, logger: Logger): Promise<KeptRunning> {
  let stopping = false;
  let child = await launch();
  let delay = 1000;
  let timer: NodeJS.Timeout | null = null;
  let relaunching: Promise<void> | null = null;

  const watch = (c: ChildProcess) =>
    c.once('exit', (code, signal) => {
      if (stopping) return;
      logger.error({ code, signal }, `${name} stopped unexpectedly: starting it again`);
      schedule();
    });
  const schedule = () => {
    timer = setTimeout(() => {
      timer = null;
      relaunching = (async () => {
        try {
          child = await launch();
          // Stopped meanwhile: stop() stops this one, with its own signal.
          if (stopping) return;
          delay = 1000;
          watch(child);
          logger.warn(`${name} started again`);
        } catch (err) {
          logger.error({ err }, `${name} could not be started again`);
          delay = Math.min(delay * 2, 30_000);
          if (!stopping) schedule();
        }
      })().finally(() => (relaunching = null));
    }, delay);
  };
  watch(child);

  return {
    async stop(stopOne) {
      stopping = true;
      if (timer) clearTimeout(timer);
      await relaunching;
      await stopOne(child);
    },
  };
}
