import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { freePort, startEmbeddedDb } from '../src/db/embedded.js';
import { createLogger } from '../src/shared/logger.js';
import { projectRoot } from '../src/shared/paths.js';
import * as statistics from '../src/statistics/index.js';
import { UnitModel } from '../src/units/model.js';
import { generate, type Size } from './generate.js';

/**
 * `npm run bench`: generates a province and a larger set into a dedicated FerretDB, then measures the
 * province workbook against a raw baseline, its peak memory, its cost per 1,000 staff, and what an
 * export running does to a page's latency and to the event loop. Writes bench/RESULTS-exports.md.
 */

const YEAR = 2026;
const SIZES: Size[] = [
  { name: 'province', staff: 3_000, communes: 130, reports: 3_000, ratings: 6_000, year: YEAR },
  // The issue's floor for the larger set; BENCH_LARGE_STAFF changes it (generation is most of the bench's time).
  largeSize(Number(process.env.BENCH_LARGE_STAFF ?? 30_000)),
];

/** Same shape as the province (about 23 staff per commune, one report and two ratings per person). */
function largeSize(staff: number): Size {
  return { name: 'large', staff, communes: Math.round(staff / 23), reports: staff, ratings: staff * 2, year: YEAR };
}
const here = path.join(projectRoot, 'bench');
const log = (...args: unknown[]) => process.stderr.write(`${args.join(' ')}\n`);

function child(mode: string, uri: string, dbName: string, outDir: string) {
  return fork(path.join(here, 'child.ts'), [mode, uri, dbName, outDir], {
    // BENCH_CPU_PROF=<dir>: the export child writes a V8 CPU profile there (node --cpu-prof).
    execArgv: ['--import', 'tsx', ...(mode === 'export' && process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [])],
    env: { ...process.env, BENCH_YEAR: String(YEAR), NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function runChild<T>(mode: string, uri: string, dbName: string, outDir: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const c = child(mode, uri, dbName, outDir);
    let result: T | undefined;
    c.on('message', (m) => (result = m as T));
    c.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`${mode} child exited with ${code}`))));
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function pageLatency(url: string): Promise<{ p99: number; rps: number }> {
  const r = await autocannon({ url, connections: 10, duration: 10 });
  return { p99: r.latency.p99, rps: r.requests.average };
}

async function main() {
  const started = performance.now();
  // A throw-away database: in memory (/dev/shm) where there is one, so disk flushes do not slow generation.
  const dataDir = fs.mkdtempSync(path.join(process.env.BENCH_DATA_DIR ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()), 'congboc-bench-'));
  fs.chmodSync(dataDir, 0o711); // as root, PostgreSQL runs as the postgres user, which must reach its folder inside
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-bench-out-'));
  const backend = process.env.EMBEDDED_DB_BACKEND === 'sqlite' ? 'sqlite' : 'postgresql';
  const db = await startEmbeddedDb({ backend, bin: process.env.FERRETDB_BIN ?? path.join(projectRoot, '.ferretdb', 'ferretdb'), dataDir, port: await freePort(), logger: createLogger('error'), durable: false });
  const rows: Record<string, string | number>[] = [];
  const results: Record<string, { exportMs: number; baselineMs: number; rssMb: number; baselineRssMb: number; genS: number; evaluations: number; bytes: number }> = {};
  const warmed: Record<string, number> = {};
  let load: { idleP99: number; loadP99: number; idleRps: number; loadRps: number; maxStallMs: number; exports: number } | null = null;
  try {
    for (const size of SIZES) {
      const dbName = `bench${size.name}`;
      const t0 = performance.now();
      await mongoose.connect(db.uri, { dbName });
      await mongoose.connection.db!.dropDatabase();
      const { counts, seconds } = await generate(size);
      const genS = (performance.now() - t0) / 1000;
      log(`generated ${size.name}: ${JSON.stringify(counts)} in ${genS.toFixed(1)} s ${JSON.stringify(seconds)}`);
      // The data is generated straight into the collections, so the statistics read model is empty. In the app it is
      // kept as records are written (a stale unit recomputed on its next read): compute it once here, as the dashboard
      // would, so that the exports below read it stored (the province workbook reads the year and the year before).
      // Its cost is reported on its own row, not hidden in the first export.
      const w0 = performance.now();
      const root = (await UnitModel.findOne({ kind: 'province' }).lean())!;
      for (const y of [YEAR, YEAR - 1]) await statistics.figuresUnder(root, y);
      const warmS = (performance.now() - w0) / 1000;
      warmed[size.name] = warmS;
      log(`statistics read model of ${size.name} computed in ${warmS.toFixed(1)} s`);
      await mongoose.disconnect();
      const reps = size.staff <= 5_000 ? 2 : 1;
      const exportMs: number[] = [];
      const baselineMs: number[] = [];
      let rss = 0;
      let baseRss = 0;
      let bytes = 0;
      for (let i = 0; i < reps; i++) {
        const b = await runChild<{ ms: number; maxRssMb: number }>('baseline', db.uri, dbName, outDir);
        const e = await runChild<{ ms: number; maxRssMb: number; bytes: number }>('export', db.uri, dbName, outDir);
        baselineMs.push(b.ms);
        exportMs.push(e.ms);
        rss = Math.max(rss, e.maxRssMb);
        baseRss = Math.max(baseRss, b.maxRssMb);
        bytes = e.bytes;
        log(`${size.name} run ${i + 1}: export ${e.ms.toFixed(0)} ms (${e.maxRssMb.toFixed(0)} MB), baseline ${b.ms.toFixed(0)} ms (${b.maxRssMb.toFixed(0)} MB)`);
      }
      results[size.name] = { exportMs: mean(exportMs), baselineMs: mean(baselineMs), rssMb: rss, baselineRssMb: baseRss, genS, evaluations: counts.evaluations!, bytes };
    }

    // A page while province exports run back to back in the same process, against the same page idle.
    const server = child('server', db.uri, `bench${SIZES[0]!.name}`, outDir);
    const port = await new Promise<number>((resolve) => server.once('message', (m: { port: number }) => resolve(m.port)));
    const url = `http://127.0.0.1:${port}/login`;
    await autocannon({ url, connections: 10, duration: 2 });
    const idle = await pageLatency(url);
    server.send({ cmd: 'load' });
    await new Promise((r) => setTimeout(r, 500));
    const loaded = await pageLatency(url);
    server.send({ cmd: 'stop' });
    const stall = await new Promise<{ exports: number; maxStallMs: number }>((resolve) => server.once('message', (m) => resolve(m as never)));
    server.send({ cmd: 'exit' });
    await new Promise((r) => server.once('exit', r));
    load = { idleP99: idle.p99, loadP99: loaded.p99, idleRps: idle.rps, loadRps: loaded.rps, maxStallMs: stall.maxStallMs, exports: stall.exports };
  } finally {
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(outDir, { recursive: true, force: true });
  }

  const small = results[SIZES[0]!.name]!;
  const large = results[SIZES[1]!.name]!;
  const per1k = (r: typeof small, staff: number) => r.exportMs / (staff / 1000);
  const flat = per1k(large, SIZES[1]!.staff) / per1k(small, SIZES[0]!.staff);
  const check = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  for (const [i, size] of SIZES.entries()) {
    const r = i === 0 ? small : large;
    rows.push({ measure: `export / baseline, ${size.staff.toLocaleString('en')} staff`, value: `${(r.exportMs / 1000).toFixed(2)} s / ${(r.baselineMs / 1000).toFixed(2)} s = ${(r.exportMs / r.baselineMs).toFixed(2)}`, target: '≤ 1.3', result: check(r.exportMs / r.baselineMs <= 1.3) });
  }
  rows.push({ measure: `peak RSS of the export, ${SIZES[1]!.staff.toLocaleString('en')} staff`, value: `${large.rssMb.toFixed(0)} MB (baseline ${large.baselineRssMb.toFixed(0)} MB)`, target: '≤ 300 MB', result: check(large.rssMb <= 300) });
  for (const size of SIZES) rows.push({ measure: `statistics read model computed from nothing (before the runs), ${size.staff.toLocaleString('en')} staff`, value: `${warmed[size.name]!.toFixed(1)} s`, target: '', result: '' });
  rows.push({ measure: 'peak RSS of the export, province', value: `${small.rssMb.toFixed(0)} MB`, target: '', result: '' });
  rows.push({
    measure: 'time per 1,000 staff (province → large)',
    value: `${per1k(small, SIZES[0]!.staff).toFixed(0)} ms → ${per1k(large, SIZES[1]!.staff).toFixed(0)} ms (×${flat.toFixed(2)})`,
    target: 'flat (≤ ×1.25)',
    result: check(flat <= 1.25),
  });
  if (load) {
    rows.push({ measure: 'GET /login p99, idle → during exports', value: `${load.idleP99} ms → ${load.loadP99} ms (×${(load.loadP99 / Math.max(load.idleP99, 1)).toFixed(2)})`, target: '≤ ×3', result: check(load.loadP99 / Math.max(load.idleP99, 1) <= 3) });
    rows.push({ measure: 'longest event-loop stall during exports', value: `${load.maxStallMs.toFixed(1)} ms (${load.exports} exports)`, target: '≤ 50 ms', result: check(load.maxStallMs <= 50) });
    rows.push({ measure: 'GET /login req/s, idle → during exports', value: `${load.idleRps.toFixed(0)} → ${load.loadRps.toFixed(0)}`, target: '', result: '' });
  }
  const totalS = (performance.now() - started) / 1000;
  rows.push({ measure: 'whole bench (generation included)', value: `${totalS.toFixed(0)} s`, target: '< 600 s', result: check(totalS < 600) });

  const table = ['| measure | value | target | result |', '|---|---|---|---|', ...rows.map((r) => `| ${r.measure} | ${r.value} | ${r.target} | ${r.result} |`)].join('\n');
  process.stdout.write(`\n${table}\n`);
  const cpus = os.cpus();
  const md = `# Benchmarks — yearly compliance workbooks

Command: \`npm run bench\` (runs \`tsx bench/run.ts\`)
Date: ${new Date().toISOString().slice(0, 10)}
Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}
Database: embedded FerretDB v1.24.2 (${backend}), started by the bench with its own data directory (${dataDir.startsWith('/dev/shm') ? 'in memory, under /dev/shm' : 'on disk'}).

Data (generated straight into the collections in batches, year ${YEAR}, 13 criteria, 12 monthly evaluations per person):
${SIZES.map((s) => `- ${s.name}: ${s.staff.toLocaleString('en')} staff in ${s.communes} communes, ${results[s.name]!.evaluations.toLocaleString('en')} evaluations, ${s.reports.toLocaleString('en')} incident reports, ${s.ratings.toLocaleString('en')} ratings — generated in ${results[s.name]!.genS.toFixed(0)} s; workbook ${(results[s.name]!.bytes / 2 ** 20).toFixed(1)} MB`).join('\n')}

How: (a) the province workbook (\`buildWorkbook('PROVINCE', …)\` to a file) and (b) the baseline — lean cursors over the same
documents with the same projections (evaluations through their compact result records, \`evaluationresults\`; the communes' stored figures of the statistics read model, the year and the year before, computed once after generation as the app keeps them — its cost on its own row), then a bare ExcelJS streaming write of one row per person with the staff sheet's
177 columns — each run in a fresh child process (peak RSS = its \`maxRSS\`); the province size twice (means), the larger once.
Latency: \`GET /login\` with autocannon (10 connections, 10 s) on the app with nothing else running, then while the same
process builds province workbooks back to back; the stall is \`monitorEventLoopDelay\`'s maximum over that window.

${table}
`;
  // BENCH_OUT: another file for trial runs, so bench/RESULTS-exports.md keeps the last full measurement.
  const outFile = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : path.join(here, 'RESULTS-exports.md');
  fs.writeFileSync(outFile, md);
  log(`wrote ${path.relative(process.cwd(), outFile)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
