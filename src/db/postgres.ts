import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { EmbeddedDbMissing } from './errors.js';
import { keepRunning, stopChild, stopOrphan } from './processes.js';

/** The PostgreSQL server that FerretDB's postgresql handler stores into: private to this app, on a Unix socket. */
export interface EmbeddedPostgres {
  /** Connection settings for node-postgres and the URL FerretDB takes. */
  socketDir: string;
  user: string;
  database: string;
  ferretdbUrl: string;
  stop(): Promise<void>;
}

const SUPERUSER = 'ferretdb';
const DATABASE = 'ferretdb';

/** Debian installs server binaries per major version; the newest wins unless PG_BIN_DIR names one. */
export function findPostgresBinDir(configured?: string): string | null {
  const candidates = configured
    ? [configured]
    : (fs.existsSync('/usr/lib/postgresql')
        ? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`)
        : []);
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'postgres')) && fs.existsSync(path.join(dir, 'initdb'))) ?? null;
}

/** PostgreSQL refuses to run as root: as root, its files and processes belong to an unprivileged system user. */
function runAs(osUser: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${osUser}:`));
  if (!line) throw new EmbeddedDbMissing(`PostgreSQL cannot run as root and there is no "${osUser}" system user to run it as (set EMBEDDED_PG_OS_USER).`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  binDir?: string;
  osUser?: string;
  /** false for throw-away test and benchmark data: no fsync. */
  durable?: boolean;
  logger: Logger;
}): Promise<EmbeddedPostgres> {
  const binDir = findPostgresBinDir(opts.binDir);
  if (!binDir) {
    throw new EmbeddedDbMissing(
      'PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin): install Debian\'s "postgresql" package, set PG_BIN_DIR, or set EMBEDDED_DB_BACKEND=sqlite.',
    );
  }
  const owner = runAs(opts.osUser ?? 'postgres');
  const pgDir = path.resolve(opts.dataDir, 'pg');
  fs.mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  if (owner) {
    assertReachableBy(pgDir, opts.osUser ?? 'postgres');
    chownTree(pgDir, owner);
  }
  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) initdb(binDir, pgDir, owner);
  await stopOrphan(path.join(pgDir, 'postmaster.pid'), 'postgres', 'SIGINT', opts.logger);

  const connection = { host: pgDir, user: SUPERUSER };
  const launch = async () => {
    const child = spawn(
      path.join(binDir, 'postgres'),
      [
        '-D', pgDir,
        // No TCP at all: only a Unix socket inside the data folder, which only its owner can enter.
        '-c', "listen_addresses=",
        '-c', `unix_socket_directories=${pgDir}`,
        // FerretDB sends the field name as a bind parameter (`_jsonb -> $1 @> $2`); only a plan made with the values
        // can match the field to an expression index, and pgx caches prepared statements, which would go generic.
        '-c', 'plan_cache_mode=force_custom_plan',
        '-c', `fsync=${opts.durable === false ? 'off' : 'on'}`,
        '-c', `synchronous_commit=${opts.durable === false ? 'off' : 'on'}`,
        // LOG lines (start, checkpoints, shutdown) rank above ERROR in this setting: only what stops the server is kept.
        '-c', 'log_min_messages=fatal',
        '-c', 'log_checkpoints=off',
      ],
      { ...owner, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (c: Buffer) => (output = (output + c.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitForPostgres(child, connection, () => output);
    child.stderr?.on('data', (c: Buffer) => {
      const line = c.toString().trim();
      // Our own fast shutdown ends FerretDB's connections with a FATAL line; anything else is worth a warning.
      if (!line.includes('due to administrator command')) opts.logger.warn({ postgres: line }, 'embedded PostgreSQL');
    });
    return child;
  };
  const server = await keepRunning('embedded PostgreSQL', launch, opts.logger);
  await createDatabaseOnce(connection);
  opts.logger.info({ pgDir }, 'embedded PostgreSQL started');
  return {
    socketDir: pgDir,
    user: SUPERUSER,
    database: DATABASE,
    ferretdbUrl: `postgres:///${DATABASE}?host=${encodeURIComponent(pgDir)}&user=${SUPERUSER}`,
    // SIGINT is PostgreSQL's "fast" shutdown: clients are disconnected, the data is checkpointed.
    stop: () => server.stop((child) => stopChild(child, 'SIGINT', 30_000)),
  };
}

function initdb(binDir: string, pgDir: string, owner: { uid: number; gid: number } | undefined): void {
  const r = spawnSync(
    path.join(binDir, 'initdb'),
    ['-D', pgDir, '-U', SUPERUSER, '-E', 'UTF8', '--locale=C.UTF-8', '--auth=trust', '--no-instructions'],
    { ...owner, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`initdb failed in ${pgDir}: ${(r.stderr || r.stdout || String(r.error)).trim().slice(-500)}`);
}

function chownTree(dir: string, owner: { uid: number; gid: number }): void {
  const st = fs.statSync(dir);
  if (st.uid === owner.uid) return; // initdb made everything below as that user
  fs.chownSync(dir, owner.uid, owner.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, owner);
    else fs.lchownSync(p, owner.uid, owner.gid);
  }
}

/** The unprivileged user must be able to walk down to its folder; say so instead of failing inside initdb. */
function assertReachableBy(dir: string, osUser: string): void {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const mode = fs.statSync(d).mode;
    if ((mode & 0o001) === 0) {
      throw new EmbeddedDbMissing(`The "${osUser}" user cannot enter ${d} (mode ${(mode & 0o777).toString(8)}): choose an EMBEDDED_DB_DIR it can reach, or run as a normal user.`);
    }
    if (d === path.dirname(d)) return;
  }
}

async function waitForPostgres(child: ChildProcess, connection: pg.ClientConfig, output: () => string): Promise<void> {
  let exited: string | null = null;
  child.once('exit', (code) => (exited = `PostgreSQL exited with code ${code}: ${output().trim().slice(-500)}`));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    const client = new pg.Client({ ...connection, database: 'postgres' });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  child.kill('SIGKILL');
  throw new Error(`PostgreSQL did not accept connections within 60 s: ${output().trim().slice(-500)}`);
}

async function createDatabaseOnce(connection: pg.ClientConfig): Promise<void> {
  const client = new pg.Client({ ...connection, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE} ENCODING 'UTF8' TEMPLATE template0`);
  } finally {
    await client.end();
  }
}
