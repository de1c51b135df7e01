import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDb, freePort, type EmbeddedDb, type EmbeddedBackend } from '../../src/db/embedded.js';
import { createLogger } from '../../src/shared/logger.js';
import { projectRoot } from '../../src/shared/paths.js';

/** The embedded backend the suite runs on: the app's default unless EMBEDDED_DB_BACKEND says otherwise. */
export const testBackend: EmbeddedBackend = process.env.EMBEDDED_DB_BACKEND === 'sqlite' ? 'sqlite' : 'postgresql';

/**
 * A real FerretDB (and PostgreSQL) on a free port and a throw-away folder, `prefix` and random letters (inside the
 * system's temporary folder unless the prefix is a path). The folder may be entered (not read) by others: as root,
 * PostgreSQL runs as the `postgres` user, which must reach its data folder inside it.
 */
export async function startThrowawayDb(prefix: string): Promise<{ db: EmbeddedDb; dataDir: string; dispose(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.resolve(os.tmpdir(), prefix));
  fs.chmodSync(dataDir, 0o711);
  try {
    const db = await startEmbeddedDb({
      backend: testBackend,
      bin: process.env.FERRETDB_BIN ?? path.join(projectRoot, '.ferretdb', 'ferretdb'),
      dataDir,
      port: await freePort(),
      logger: createLogger('error'),
      durable: false,
    });
    return {
      db,
      dataDir,
      async dispose() {
        await db.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
