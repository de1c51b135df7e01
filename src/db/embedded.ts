import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import type { Logger } from 'pino';
import { EMBEDDED_BACKENDS, type EmbeddedBackend } from './backends.js';
import { EmbeddedDbMissing } from './errors.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './postgres.js';
import { keepRunning, stopChild, stopOrphan, type KeptRunning } from './processes.js';

export { EmbeddedDbMissing };

export { EMBEDDED_BACKENDS, type EmbeddedBackend };

export interface EmbeddedDb {
  uri: string;
  backend: EmbeddedBackend;
  /** Set on the postgresql backend: where the app adds the indexes FerretDB cannot declare (see pg-indexes.ts). */
  postgres?: Pick<EmbeddedPostgres, 'socketDir' | 'user' | 'database'>;
  stop(): Promise<void>;
}

export interface EmbeddedDbOptions {
  backend?: EmbeddedBackend;
  bin: string;
  dataDir: string;
  port: number;
  logger: Logger;
  /** PostgreSQL only: its binaries, the system user it runs as under root, and whether to fsync (off for throw-away data). */
  pgBinDir?: string;
  pgOsUser?: string;
  durable?: boolean;
}

/**
 * FerretDB's Go garbage collector, unless the environment says otherwise: with Go's default (GOGC=100) its small heap
 * is collected over and over while it decodes documents, and at GOGC=400 it spent 0.61–0.64 × the CPU per command and
 * answered 1.3 × the commands per second, peak memory unchanged (~60 MB; `bench/engine-gc.ts`,
 * bench/RESULTS-engine-gc.md). The memory limit makes the collector work harder only near it (a whole collection
 * decoded on the SQLite backend).
 */
const GO_RUNTIME = { GOGC: '400', GOMEMLIMIT: '512MiB' };

/**
 * Connections a client may open to the embedded FerretDB. On PostgreSQL, FerretDB v1.24 answers an update or
 * findAndModify with its query's connection still held while it takes a second one from its pool of 50
 * (`pool_max_conns`) for the write: 50 such commands at once each hold one and wait for another, and FerretDB stops
 * answering anyone (seen in a goroutine dump: 50 in `UpdateDocument` waiting on the pool, after the audit numbering
 * updated 60-odd counters side by side). At most 20 commands at once need at most 40.
 */
const MAX_CLIENT_CONNECTIONS = 20;

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

/** Starts FerretDB v1 (and the PostgreSQL it stores into), loopback only, and resolves once it accepts connections. */
export async function startEmbeddedDb(opts: EmbeddedDbOptions): Promise<EmbeddedDb> {
  const backend = opts.backend ?? 'postgresql';
  if (!fs.existsSync(opts.bin)) {
    throw new EmbeddedDbMissing(
      `FerretDB binary not found at ${opts.bin}: run "npm run ferretdb:build" (needs Go), or set MONGODB_URI to a MongoDB server.`,
    );
  }
  const stateDir = path.join(opts.dataDir, 'state');
  fs.mkdirSync(stateDir, { recursive: true });
  // FerretDB first: it is the client of the PostgreSQL an earlier run may also have left behind.
  const pidFile = path.join(opts.dataDir, 'ferretdb.pid');
  await stopOrphan(pidFile, 'ferretdb', 'SIGTERM', opts.logger);
  let postgres: EmbeddedPostgres | null = null;
  let storageArgs: string[];
  if (backend === 'postgresql') {
    postgres = await startEmbeddedPostgres({ dataDir: opts.dataDir, binDir: opts.pgBinDir, osUser: opts.pgOsUser, durable: opts.durable, logger: opts.logger });
    storageArgs = ['--handler=postgresql', `--postgresql-url=${postgres.ferretdbUrl}`];
  } else {
    const dbDir = path.join(opts.dataDir, 'db') + path.sep;
    fs.mkdirSync(dbDir, { recursive: true });
    storageArgs = ['--handler=sqlite', `--sqlite-url=file:${dbDir}`];
  }
  const launch = async () => {
    const child = spawn(
      opts.bin,
      [...storageArgs, `--state-dir=${stateDir}`, `--listen-addr=127.0.0.1:${opts.port}`, '--telemetry=disable', '--debug-addr=-', '--log-level=error'],
      { env: { ...GO_RUNTIME, ...process.env, DO_NOT_TRACK: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    fs.writeFileSync(pidFile, `${child.pid}\n`);
    // "Listening on" is logged at info level only; the port accepting, then a ping from mongoose, is readiness.
    await waitUntilAccepting(child, opts.port, 60_000);
    child.stderr?.on('data', (chunk: Buffer) => opts.logger.warn({ ferretdb: chunk.toString().trim() }, 'embedded database'));
    return child;
  };
  let ferretdb: KeptRunning;
  try {
    if (await canConnect(opts.port)) throw new EmbeddedDbMissing(`Port ${opts.port} is already in use by another program: set EMBEDDED_DB_PORT to a free port.`);
    ferretdb = await keepRunning('embedded FerretDB', launch, opts.logger);
  } catch (err) {
    await postgres?.stop();
    throw err;
  }
  opts.logger.info({ port: opts.port, dataDir: opts.dataDir, backend }, 'embedded FerretDB started');
  return {
    uri: `mongodb://127.0.0.1:${opts.port}/?directConnection=true&maxPoolSize=${MAX_CLIENT_CONNECTIONS}`,
    backend,
    postgres: postgres ? { socketDir: postgres.socketDir, user: postgres.user, database: postgres.database } : undefined,
    stop: async () => {
      await ferretdb.stop((child) => stopChild(child));
      fs.rmSync(pidFile, { force: true });
      await postgres?.stop();
    },
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
