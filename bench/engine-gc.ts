/**
 * `npx tsx bench/engine-gc.ts` — does the embedded FerretDB spend less CPU per command with a less eager Go garbage
 * collector (GOGC)? The same database is started alternately with each setting (A B A B …), and the same mix of
 * commands a form POST makes (a read by `_id`, a versioned update of an evaluation-sized document, an insert of an
 * audit-sized one) runs from 10 connections for a fixed time; FerretDB's own CPU time per command and the commands per
 * second are compared within the run: how the app's GOGC for FerretDB (src/db/embedded.ts) was chosen. Markdown to
 * stdout and bench/RESULTS-engine-gc.md.
 *
 * Environment: GC_SETTINGS=100,200,400,800 (GOGC values; the first, Go's default, is the baseline), ROUNDS=3,
 * SECONDS=10, FERRETDB_BIN, BENCH_OUT.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient, ObjectId } from 'mongodb';
import { freePort, startEmbeddedDb } from '../src/db/embedded.js';
import { createLogger } from '../src/shared/logger.js';
import { projectRoot } from '../src/shared/paths.js';

const settings = (process.env.GC_SETTINGS ?? '100,200,400,800').split(',');
const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 10);
const DOCS = 5000;
const CONNECTIONS = 10;

const clockTicks = 100; // USER_HZ on Linux
/** CPU seconds used so far by the process and its threads (user + system). */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}
/** The most memory the process has held (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}
function ferretPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8').trim());
}

const ratings = (level: string) => Array.from({ length: 13 }, (_, i) => ({ criterionCode: `C${i + 1}`, level, score: 2, comment: 'Luôn chào hỏi, hướng dẫn tận tình' }));
const evaluation = (i: number) => ({
  _id: new ObjectId(),
  staffId: new ObjectId(),
  periodKey: '2026-11',
  unitPath: [new ObjectId(), new ObjectId()],
  staffName: `Nguyễn Văn ${i}`,
  version: 0,
  selfAssessment: { ratings: ratings('GOOD'), overallComment: '', savedAt: new Date() },
  headEvaluation: { ratings: ratings('GOOD'), overallComment: '' },
});

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-gc-'));
fs.chmodSync(dataDir, 0o711);
const logger = createLogger('error');
const bin = process.env.FERRETDB_BIN ?? path.join(projectRoot, '.ferretdb', 'ferretdb');

type Round = { gogc: string; opsPerS: number; cpuMsPerOp: number; peakMb: number };
async function round(gogc: string, seed: boolean): Promise<Round> {
  process.env.GOGC = gogc; // the embedded FerretDB inherits the environment
  const db = await startEmbeddedDb({ backend: 'postgresql', bin, dataDir, port: await freePort(), logger, durable: true });
  const client = await MongoClient.connect(db.uri, { maxPoolSize: CONNECTIONS });
  try {
    const evaluations = client.db('gcbench').collection('evaluations');
    const audit = client.db('gcbench').collection('auditentries');
    if (seed) for (let i = 0; i < DOCS; i += 500) await evaluations.insertMany(Array.from({ length: 500 }, (_, j) => evaluation(i + j)));
    const ids = (await evaluations.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
    // Warm-up: connections open, statements prepared.
    for (let i = 0; i < 50; i++) await evaluations.findOne({ _id: ids[i]! });
    const pid = ferretPid(dataDir);
    const cpu0 = cpuSeconds(pid);
    const end = performance.now() + seconds * 1000;
    let ops = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, w) => {
        for (let k = w; performance.now() < end; k += CONNECTIONS) {
          const _id = ids[k % ids.length]!;
          const doc = await evaluations.findOne({ _id });
          await evaluations.findOneAndUpdate({ _id, version: doc!.version }, { $set: { 'selfAssessment.ratings': ratings(k % 2 ? 'DONE' : 'GOOD') }, $inc: { version: 1 } }, { returnDocument: 'after' });
          await audit.insertOne({ at: new Date(), objectId: _id, objectType: 'evaluation', action: 'selfAssessment.save', changes: [{ field: 'selfAssessment', before: doc!.selfAssessment, after: null }] });
          ops += 3;
        }
      }),
    );
    const cpu = cpuSeconds(pid) - cpu0;
    return { gogc, opsPerS: ops / seconds, cpuMsPerOp: (cpu * 1000) / ops, peakMb: peakRssMb(pid) };
  } finally {
    await client.close();
    await db.stop();
  }
}

const results: Round[] = [];
try {
  for (let r = 0; r < rounds; r++) for (const [i, s] of settings.entries()) results.push(await round(s, r === 0 && i === 0));
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const base = settings[0]!;
const mean = (s: string, f: (x: Round) => number) => results.filter((x) => x.gogc === s).reduce((a, x) => a + f(x), 0) / rounds;
const lines = [
  '# FerretDB\'s Go garbage collector (GOGC) on the embedded PostgreSQL backend',
  '',
  `Command: \`npm run bench:engine-gc\` (GC_SETTINGS=${settings.join(',')}) · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${os.cpus().length} cores, Node ${process.version}`,
  '',
  `The same database started with each setting in turn, ${rounds} rounds (A B … A B …); per round ${seconds} s of ${CONNECTIONS} connections each reading an`,
  `evaluation-sized document by \`_id\`, saving it with a version check and inserting an audit-sized entry (what a form POST asks),`,
  `fsync on. FerretDB's CPU time (user + system, from /proc) per command; the first setting is the baseline.`,
  '',
  '| GOGC | rounds: commands/s | mean commands/s | FerretDB CPU ms per command | × baseline (CPU per command) | FerretDB peak RSS |',
  '|---|---|---|---|---|---|',
  ...settings.map((s) => {
    const mine = results.filter((x) => x.gogc === s);
    const cpu = mean(s, (x) => x.cpuMsPerOp);
    return `| ${s} | ${mine.map((x) => x.opsPerS.toFixed(0)).join(', ')} | ${mean(s, (x) => x.opsPerS).toFixed(0)} | ${cpu.toFixed(3)} | ${(cpu / mean(base, (x) => x.cpuMsPerOp)).toFixed(2)} | ${Math.max(...mine.map((x) => x.peakMb)).toFixed(0)} MB |`;
  }),
  '',
];
const md = lines.join('\n');
process.stdout.write(md);
fs.writeFileSync(process.env.BENCH_OUT ?? path.join(projectRoot, 'bench', 'RESULTS-engine-gc.md'), md);
