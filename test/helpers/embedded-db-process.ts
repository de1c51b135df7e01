/**
 * Starts the embedded database in a process of its own and waits: a test kills this process with SIGKILL to leave
 * its servers behind as a crashed app does.   argv: <data dir> <port>   → prints `ready <uri>` once serving.
 */
import path from 'node:path';
import { startEmbeddedDb } from '../../src/db/embedded.js';
import { createLogger } from '../../src/shared/logger.js';
import { projectRoot } from '../../src/shared/paths.js';
import { testBackend } from './database-server.js';

const [dataDir, port] = process.argv.slice(2) as [string, string];
const db = await startEmbeddedDb({
  backend: testBackend,
  bin: process.env.FERRETDB_BIN ?? path.join(projectRoot, '.ferretdb', 'ferretdb'),
  dataDir,
  port: Number(port),
  logger: createLogger('silent'),
  durable: false,
});
process.stdout.write(`ready ${db.uri}\n`);
setInterval(() => undefined, 60_000);
