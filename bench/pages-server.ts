import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ejs from 'ejs';
import express from 'express';
import mongoose from 'mongoose';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase, disconnectDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/shared/logger.js';
import { prepareDerivedData } from '../src/startup.js';

/**
 * The app under test for bench/pages.ts, in its own process: `createApp` on a free port (production mode, logging
 * off, rate limits raised so the bench is not throttled), and beside it, in the same process, the yardstick — a bare
 * Express + EJS page of any requested size and a bare form POST. It counts requests still being handled (including
 * ones whose client gave up), so the bench can wait for the app to be idle between measurements.
 *
 * With BENCH_TRACE_MS=n, every database command slower than n ms is written to stderr (command, collection, duration,
 * filter), each request's start marked by a `request` line: a query trace of the pages being measured.
 *
 *   argv: <mongodb uri> <database name>
 *   → { ready, appPort, barePort }; ← { cmd: 'idle', id } → { id, idle, waitedMs, busy }; ← { cmd: 'exit' }
 */

const [uri, dbName] = process.argv.slice(2) as [string, string];
const send = (msg: unknown) => process.send!(msg);

/** A bare page: a table of rows until the page has the requested size, rendered by a compiled EJS template (no includes). */
function bareApp(): express.Express {
  const app = express();
  const template = ejs.compile(
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title><%= title %></title></head><body><h1><%= title %></h1><table><thead><tr><th>Họ và tên</th><th>Chức vụ</th><th>Trạng thái</th></tr></thead><tbody><% for (const r of rows) { %><tr><td><%= r.name %></td><td><%= r.position %></td><td><%= r.status %></td></tr><% } %></tbody></table></body></html>',
  );
  const pages = new Map<number, { rows: { name: string; position: string; status: string }[] }>();
  const rowsFor = (bytes: number) => {
    let page = pages.get(bytes);
    if (!page) {
      const rows: { name: string; position: string; status: string }[] = [];
      const size = () => Buffer.byteLength(template({ title: 'Danh sách', rows }));
      while (size() < bytes) rows.push({ name: `Lò Văn Bình ${rows.length}`, position: 'Công chức Văn hóa - Xã hội', status: 'Đã hoàn tất' });
      page = { rows };
      pages.set(bytes, page);
    }
    return page.rows;
  };
  app.get('/bare', (req, res) => {
    const bytes = Math.max(0, Math.min(5_000_000, Number(req.query.bytes) || 10_000));
    res.type('html').send(template({ title: 'Danh sách', rows: rowsFor(bytes) }));
  });
  app.post('/bare', express.urlencoded({ extended: true, limit: '200kb' }), (req, res) => {
    res.redirect(302, `/bare?n=${Object.keys(req.body ?? {}).length}`);
  });
  // The engine's floor for a form POST: one document inserted and read back by `_id`, then the redirect.
  const floor = mongoose.connection.db!.collection('benchfloor');
  app.post('/bare-db', express.urlencoded({ extended: true, limit: '200kb' }), async (req, res) => {
    const doc = { _id: new mongoose.Types.ObjectId(), fields: Object.keys(req.body ?? {}).length, at: new Date() };
    await floor.insertOne(doc);
    const back = await floor.findOne({ _id: doc._id });
    res.redirect(302, `/bare?n=${back?.fields ?? 0}`);
  });
  return app;
}

function listen(handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const traceMs = Number(process.env.BENCH_TRACE_MS ?? '');
  // The driver reports commands only on connections opened with monitoring on: connect as connectDatabase does, plus that.
  if (traceMs > 0) await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 10_000, monitorCommands: true });
  else await connectDatabase(uri, dbName);
  if (traceMs > 0) {
    const client = mongoose.connection.getClient();
    const started = new Map<number, { name: string; target: string; filter: string }>();
    client.on('commandStarted', (e) => {
      const cmd = e.command as Record<string, unknown>;
      const filter = cmd.filter ?? cmd.query ?? cmd.q ?? (Array.isArray(cmd.pipeline) ? cmd.pipeline[0] : undefined) ?? (Array.isArray(cmd.updates) ? (cmd.updates[0] as { q?: unknown })?.q : undefined);
      started.set(e.requestId, { name: e.commandName, target: String(cmd[e.commandName] ?? ''), filter: filter ? JSON.stringify(filter).slice(0, 300) : '' });
    });
    const done = (e: { requestId: number; duration: number }, failed = false) => {
      const s = started.get(e.requestId);
      started.delete(e.requestId);
      if (s && e.duration >= traceMs) process.stderr.write(`[trace ${dbName}] ${Math.round(e.duration)} ms ${s.name} ${s.target} ${s.filter}${failed ? ' FAILED' : ''}\n`);
    };
    client.on('commandSucceeded', (e) => done(e));
    client.on('commandFailed', (e) => done(e, true));
  }
  const raised = '1000000000';
  const config = loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: 'bench-pages-secret-that-is-long-enough-0123456789',
    PUBLIC_BASE_URL: 'http://127.0.0.1',
    TWO_FACTOR_KEY: 'bench-pages-two-factor-key-long-enough-0123456789',
    IDENTITY_KEY: 'bench-pages-identity-key-long-enough-0123456789',
    // The benchmark logs administrators and heads in with a password: two-factor login is not what it measures.
    TWO_FACTOR_REQUIRED: 'false',
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'silent',
    DB_NAME: dbName,
    MONGODB_URI: uri,
    LOGIN_RATE_LIMIT_PER_15_MIN: raised,
    REPORT_RATE_LIMIT_PER_HOUR: raised,
    REPORT_LOOKUP_RATE_LIMIT_PER_15_MIN: raised,
    KIOSK_RATINGS_PER_10_MIN: raised,
  });
  const app = createApp(config, { logger: createLogger('silent') });
  // What src/server.ts starts in the background at start-up, awaited here so that pages are measured in the steady
  // state (audit numbering, reports' counters, evaluation records and tallies, this year's statistics).
  const warmStarted = Date.now();
  if (process.env.BENCH_WARMUP !== '0') await prepareDerivedData(config, createLogger('silent'));
  const warmUpMs = Date.now() - warmStarted;

  // Requests in the app not yet answered: counted down when the response is ended, which also happens for a
  // request whose client has gone (the handler still runs its queries and renders), unlike 'close'.
  let busy = 0;
  const appServer = await listen((req, res) => {
    busy++;
    if (traceMs > 0) process.stderr.write(`[trace ${dbName}] request ${req.method} ${req.url}\n`);
    let counted = true;
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.end = ((...args: unknown[]) => {
      if (counted) {
        counted = false;
        busy--;
      }
      return end(...args);
    }) as typeof res.end;
    app(req, res);
  });
  // The app's pages may take minutes at province scale: let Node wait as long as the bench does.
  appServer.requestTimeout = 0;
  appServer.headersTimeout = 0;
  const bareServer = await listen(bareApp());
  send({ ready: true, appPort: (appServer.address() as AddressInfo).port, barePort: (bareServer.address() as AddressInfo).port, warmUpMs });

  process.on('message', (msg: { cmd: string; id?: number; maxMs?: number }) => {
    if (msg.cmd === 'idle') {
      const started = Date.now();
      const check = () => {
        const waited = Date.now() - started;
        if (busy === 0 || waited >= (msg.maxMs ?? 300_000)) send({ id: msg.id, idle: busy === 0, waitedMs: waited, busy });
        else setTimeout(check, 50);
      };
      check();
    } else if (msg.cmd === 'exit') {
      appServer.closeAllConnections();
      bareServer.closeAllConnections();
      appServer.close();
      bareServer.close();
      // Requests cut off may still be saving a session: give them a moment before disconnecting.
      setTimeout(() => void disconnectDatabase().finally(() => process.exit(0)), 500);
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
