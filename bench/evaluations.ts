/**
 * Benchmark: saving an evaluation and rendering the unit roster of a 60-person commune, each reported
 * against a bare Express+EJS page (60 table rows) served by the same process in the same run, so the
 * ratios mean something on any machine. Runs on its own FerretDB (throw-away directory, free port).
 *
 *   npx tsx bench/evaluations.ts            (or through `npm run bench`, which calls runEvaluationsBench)
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import ejs from 'ejs';
import express from 'express';
import mongoose, { Types } from 'mongoose';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase, ensureIndexes } from '../src/db/connection.js';
import { freePort, startEmbeddedDb } from '../src/db/embedded.js';
import { createLogger } from '../src/shared/logger.js';
import { projectRoot } from '../src/shared/paths.js';
import { foldForSearch, vietnameseSortKey } from '../src/shared/vietnamese.js';
import { UnitModel } from '../src/units/model.js';
import { StaffModel } from '../src/staff/model.js';
import { CodeVersionModel } from '../src/code/model.js';
import { officialCatalogue } from '../src/code/official.js';
import { createUser } from '../src/auth/service.js';
import { actorOf } from '../src/auth/service.js';
import { UserModel } from '../src/auth/model.js';
import { EvaluationModel } from '../src/evaluations/model.js';
import { createPeriod, openPeriod } from '../src/evaluations/periods.js';

export interface Row {
  name: string;
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Requests per second relative to the bare Express+EJS page (1 = as fast). */
  ratioToBare: number;
}

const PASSWORD = 'Bench@2026-password';
const FAMILY = ['Lò', 'Quàng', 'Lường', 'Cầm', 'Tòng', 'Vàng', 'Giàng', 'Nguyễn', 'Trần', 'Lê'];
const GIVEN = ['An', 'Bình', 'Chung', 'Dung', 'Hoa', 'Khánh', 'Lan', 'Minh', 'Nga', 'Phúc', 'Sơn', 'Thảo'];

async function unit(name: string, kind: 'province' | 'commune', parent: { _id: Types.ObjectId; path: Types.ObjectId[] } | null) {
  const _id = new Types.ObjectId();
  const path = [...(parent?.path ?? []), _id];
  await UnitModel.create({ _id, code: `B-${String(_id)}`, name, searchName: foldForSearch(name), kind, parentId: parent?._id ?? null, path, depth: path.length - 1, effectiveFrom: new Date(Date.UTC(2020, 0, 1)) });
  return { _id, path };
}

/** A province with the 60-person commune and five 30-person ones, the code, a head, and an open quarter. */
async function buildData() {
  const province = await unit('Tỉnh Benchmark', 'province', null);
  const communes = [await unit('Xã Thanh Nưa', 'commune', province)];
  for (let i = 1; i <= 5; i++) communes.push(await unit(`Xã số ${i}`, 'commune', province));
  const staff = communes.flatMap((c, ci) =>
    Array.from({ length: ci === 0 ? 60 : 30 }, (_, i) => {
      const fullName = `${FAMILY[(i + ci) % FAMILY.length]} Văn ${GIVEN[i % GIVEN.length]} ${i}`;
      return { fullName, sortKey: vietnameseSortKey(fullName), searchName: foldForSearch(fullName), unitId: c._id, unitPath: c.path, birthYear: 1985, gender: 'male', category: 'congChuc', position: 'Công chức', codeKey: `BENCH-${ci}-${i}` };
    }),
  );
  await StaffModel.insertMany(staff);
  await CodeVersionModel.create({
    provinceId: province._id,
    versionNumber: 1,
    title: officialCatalogue.title,
    effectiveFrom: new Date(Date.UTC(2020, 0, 1)),
    groups: officialCatalogue.groups.map((g) => ({ ...g })),
    criteria: officialCatalogue.criteria.map((c) => ({ ...c })),
  });
  await createUser({ username: 'bench-admin', password: PASSWORD, displayName: 'Admin', roles: [{ role: 'admin', unitId: province._id }] });
  await createUser({ username: 'bench-head', password: PASSWORD, displayName: 'Chủ tịch xã', roles: [{ role: 'head', unitId: communes[0]!._id }] });
  const admin = actorOf((await UserModel.findOne({ username: 'bench-admin' }).lean())!);
  // Two earlier quarters make the collection look lived-in (FerretDB scans it for non-_id filters).
  for (const number of [1, 2, 3]) {
    const period = await createPeriod(admin, { unitId: String(province._id), kind: 'quarterly', year: 2026, number, deadline: new Date(Date.UTC(2026, number * 3, 15)) });
    await openPeriod(admin, String(period._id));
    if (number === 3) return { periodId: String(period._id), communeId: communes[0]!._id };
  }
  throw new Error('unreachable');
}

/** Signs in through the login form and returns the session cookie and a CSRF token for later posts. */
async function signIn(base: string, username: string): Promise<{ cookie: string; csrf: string }> {
  const loginPage = await fetch(`${base}/login`);
  let cookie = (loginPage.headers.get('set-cookie') ?? '').split(';')[0]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1]!;
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, username, password: PASSWORD }).toString(),
  });
  cookie = (res.headers.get('set-cookie') ?? cookie).split(';')[0]!;
  const home = await fetch(`${base}/evaluations`, { headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await home.text())![1]!;
  return { cookie, csrf };
}

function measure(name: string, opts: autocannon.Options): Promise<Omit<Row, 'ratioToBare'>> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => {
      if (err) return reject(err);
      if (result.non2xx > 0 && !opts.method) return reject(new Error(`${name}: ${result.non2xx} non-2xx responses`));
      resolve({ name, requestsPerSec: Math.round(result.requests.average * 10) / 10, latencyP50Ms: result.latency.p50, latencyP99Ms: result.latency.p99 });
    });
  });
}

/** A bare Express app rendering a 60-row EJS table: the yardstick. */
function bareApp(): express.Express {
  const app = express();
  const template = ejs.compile('<!doctype html><html><body><table><% for (const r of rows) { %><tr><td><%= r.name %></td><td><%= r.status %></td></tr><% } %></table></body></html>');
  const rows = Array.from({ length: 60 }, (_, i) => ({ name: `Lò Văn Bình ${i}`, status: 'Đã hoàn tất' }));
  app.get('/', (_req, res) => {
    res.type('html').send(template({ rows }));
  });
  return app;
}

function listen(app: express.Express): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer(app);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ base, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) });
    }),
  );
}

export async function runEvaluationsBench(seconds = 5): Promise<Row[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-bench-'));
  const logger = createLogger('silent');
  const db = await startEmbeddedDb({ bin: process.env.FERRETDB_BIN ?? path.join(projectRoot, '.ferretdb', 'ferretdb'), dataDir, port: await freePort(), logger });
  const servers: { close: () => Promise<void> }[] = [];
  try {
    await connectDatabase(db.uri, 'congbocbench');
    await ensureIndexes();
    const { periodId, communeId } = await buildData();
    const app = await listen(createApp(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'bench-secret-that-is-long-enough-0123456789', COOKIE_SECURE: 'false', DB_NAME: 'congbocbench', LOG_LEVEL: 'silent' }), { logger }));
    const bare = await listen(bareApp());
    servers.push(app, bare);
    const { cookie, csrf } = await signIn(app.base, 'bench-head');

    const yardstick = await measure('bare Express+EJS page (60 rows)', { url: `${bare.base}/`, connections: 10, duration: seconds });
    const roster = await measure('roster of a 60-person commune', { url: `${app.base}/evaluations/periods/${periodId}`, headers: { cookie }, connections: 10, duration: seconds });

    // Each save must carry the version it read, so saves go one after another on one connection.
    const target = await EvaluationModel.findOne({ periodId, unitId: communeId }).lean();
    let version = target!.version;
    const ratings = Object.fromEntries(officialCatalogue.criteria.map((c, i) => [`ratings[${c.code}][level]`, i === 4 ? 'DONE' : 'GOOD']));
    const save = await measure('save a head evaluation', {
      url: `${app.base}/evaluations/${String(target!._id)}/evaluate`,
      connections: 1,
      pipelining: 1,
      duration: seconds,
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: new URLSearchParams({ _csrf: csrf, version: String(version++), action: 'save', ...ratings }).toString() }) }],
    });
    const saved = await EvaluationModel.findById(target!._id).lean();
    if (saved!.version <= target!.version) throw new Error('the save benchmark did not save (check the login and CSRF token)');

    return [yardstick, roster, save].map((r) => ({ ...r, ratioToBare: Math.round((r.requestsPerSec / yardstick.requestsPerSec) * 1000) / 1000 }));
  } finally {
    for (const s of servers) await s.close();
    // Requests cut off by autocannon may still be saving their session: let them finish before disconnecting.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await mongoose.disconnect();
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runEvaluationsBench(Number(process.argv[2] ?? 5));
  console.table(rows);
}
