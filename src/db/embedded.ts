import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import type { Logger } from 'pino';

export class EmbeddedDbMissing extends Error {}

export interface EmbeddedDb {
  uri: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts FerretDB v1 on SQLite, loopback only, and resolves once it accepts connections. */
export async function startEmbeddedDb(opts: { bin: string; dataDir: string; port: number; logger: Logger }): Promise<EmbeddedDb> {
  if (!fs.existsSync(opts.bin)) {
    throw new EmbeddedDbMissing(
      `FerretDB binary not found at ${opts.bin}: run "npm run ferretdb:build" (needs Go), or set MONGODB_URI to a MongoDB server.`,
    );
  }
  const dbDir = path.join(opts.dataDir, 'db') + path.sep;
  const stateDir = path.join(opts.dataDir, 'state');
  fs.mkdirSync(dbDir, { recursive: true });
  fs.mkdirSync(stateDir, { recursive: true });
  const child = spawn(
    opts.bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dbDir}`,
      `--state-dir=${stateDir}`,
      `--listen-addr=127.0.0.1:${opts.port}`,
      '--telemetry=disable',
      '--debug-addr=-',
      '--log-level=error',
    ],
    { env: { ...process.env, DO_NOT_TRACK: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // "Listening on" is logged at info level only; the port accepting, then a ping from mongoose, is readiness.
  await waitUntilAccepting(child, opts.port, 60_000);
  child.stderr?.on('data', (chunk: Buffer) => opts.logger.warn({ ferretdb: chunk.toString().trim() }, 'embedded database'));
  opts.logger.info({ port: opts.port, dataDir: opts.dataDir }, 'embedded FerretDB started');
  return {
    uri: `mongodb://127.0.0.1:${opts.port}/?directConnection=true`,
    stop: () => stopChild(child),
  };
}

async function waitUntilAccepting(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  let exited: string | null = null;
  let output = '';
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-2000)));
  child.once('exit', (code) => (exited = `FerretDB exited with code ${code}: ${output.slice(-500)}`));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`FerretDB did not accept connections on port ${port} within ${timeoutMs} ms`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
