import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import mongoose from 'mongoose';
import { buildWorkbook } from '../src/exports/build.js';
import * as statistics from '../src/statistics/index.js';
import { registerMessages } from '../src/catalogues.js';
import { ClassificationModel } from '../src/evaluations/model.js';
import { EvaluationResultModel } from '../src/evaluations/results-store.js';
import { IncidentReportModel } from '../src/incidents/model.js';
import { RatingModel } from '../src/satisfaction/model.js';
import { StaffModel } from '../src/staff/model.js';
import { UnitModel, type Unit } from '../src/units/model.js';

/**
 * One measurement in its own process, so that its peak RSS is its own:
 *   export   — the province workbook to a file
 *   baseline — the same documents read with lean cursors, then the same number of cells written bare
 *   server   — the app on a free port; on "load" messages, province exports back to back, reporting the longest event-loop stall
 */

const [mode, uri, dbName, outDir] = process.argv.slice(2) as [string, string, string, string];
const send = (msg: unknown) => process.send!(msg);

async function province(): Promise<Unit> {
  return (await UnitModel.findOne({ kind: 'province' }).lean<Unit>())!;
}

async function exportOnce(file: string): Promise<number> {
  const unit = await province();
  const out = fs.createWriteStream(file);
  const closed = new Promise<void>((resolve, reject) => out.on('close', () => resolve()).on('error', reject));
  const started = performance.now();
  await buildWorkbook('PROVINCE', unit, Number(process.env.BENCH_YEAR), out, { settings: { suppressBelow: 3 } });
  await closed;
  return performance.now() - started;
}

/** Reads what the export reads, with the same projections, holding nothing. */
async function rawRead(root: Unit, year: number): Promise<number> {
  let n = 0;
  const drain = async (cursor: AsyncIterable<unknown>) => {
    for await (const doc of cursor) if (doc) n++;
  };
  await UnitModel.find({ path: root._id }).select('name code kind path effectiveFrom effectiveTo').lean();
  // The communes' figures from the statistics read model (stored: see run.ts), the year and the year before, as the
  // province workbook's summary and comparison sheets read them.
  for (const y of [year, year - 1]) n += (await statistics.figuresUnder(root, y)).length;
  await drain(StaffModel.find({ unitPath: root._id }).select('fullName sortKey position unitId birthYear active').lean().cursor({ batchSize: 1000 }));
  await drain(EvaluationResultModel.find({ year, unitPath: root._id }).select('staffId staffName sortKey position unitId unitName reportingUnitId periodKey finalised criteria scores').lean().cursor({ batchSize: 1000 }));
  await drain(ClassificationModel.find({ year, unitPath: root._id }).select('staffId level').lean().cursor({ batchSize: 1000 }));
  await drain(IncidentReportModel.find({ year, unitPath: root._id }).select('reportingUnitId unitId staffId status substantiated confirmedCriterionCodes').lean().cursor({ batchSize: 1000 }));
  await drain(RatingModel.find({ year, unitPath: root._id }).select('unitId month satisfied').lean().cursor({ batchSize: 1000 }));
  return n;
}

/** The export's cells (one row per person, 4 + 12×13 + 13 + 4 columns), written with no logic at all. */
async function bareWrite(file: string, rows: number, width: number): Promise<void> {
  const stream = fs.createWriteStream(file);
  const closed = new Promise<void>((resolve) => stream.on('close', () => resolve()));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('Data');
  const row: unknown[] = new Array(width);
  for (let r = 0; r < rows; r++) {
    row[0] = r + 1;
    row[1] = 'Nguyễn Văn An';
    row[2] = 'Công chức';
    row[3] = 'Xã Thanh Nưa';
    for (let c = 4; c < width; c++) row[c] = c & 3;
    ws.addRow(row).commit();
    if (r % 32 === 31) {
      if (stream.writableNeedDrain) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }
  ws.commit();
  await wb.commit();
  await closed;
}

async function main() {
  registerMessages();
  await mongoose.connect(uri, { dbName });
  const year = Number(process.env.BENCH_YEAR);
  if (mode === 'export') {
    const ms = await exportOnce(path.join(outDir, `export-${dbName}.xlsx`));
    const size = fs.statSync(path.join(outDir, `export-${dbName}.xlsx`)).size;
    send({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, bytes: size });
  } else if (mode === 'baseline') {
    const started = performance.now();
    const root = await province();
    await rawRead(root, year);
    const staff = await StaffModel.countDocuments({});
    await bareWrite(path.join(outDir, `baseline-${dbName}.xlsx`), staff, 4 + 12 * 13 + 13 + 4);
    send({ ms: performance.now() - started, maxRssMb: process.resourceUsage().maxRSS / 1024 });
  } else if (mode === 'server') {
    // Loaded here only: the export and baseline processes stay free of the web app's modules.
    const { createApp } = await import('../src/app.js');
    const { loadConfig } = await import('../src/config.js');
    const { createLogger } = await import('../src/shared/logger.js');
    const config = loadConfig({ ...process.env, NODE_ENV: 'production', SESSION_SECRET: 'bench-secret-that-is-long-enough-0123456789', PUBLIC_BASE_URL: 'http://127.0.0.1', TWO_FACTOR_KEY: 'bench-two-factor-key-long-enough-0123456789', IDENTITY_KEY: 'bench-identity-key-long-enough-0123456789', TWO_FACTOR_REQUIRED: 'false', LOG_LEVEL: 'silent', DB_NAME: dbName });
    const app = createApp(config, { logger: createLogger('silent') });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    send({ ready: true, port: (server.address() as AddressInfo).port });
    let loading = false;
    let exports = 0;
    let loop: Promise<void> = Promise.resolve();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    process.on('message', (msg: { cmd: string }) => {
      if (msg.cmd === 'load') {
        loading = true;
        delay.reset();
        delay.enable();
        loop = (async () => {
          while (loading) {
            await exportOnce(path.join(outDir, `load-${dbName}.xlsx`));
            exports++;
          }
        })();
      } else if (msg.cmd === 'idle-delay') {
        delay.reset();
        delay.enable();
      } else if (msg.cmd === 'stop') {
        loading = false;
        void loop.then(() => {
          delay.disable();
          send({ exports, maxStallMs: delay.max / 1e6, p99DelayMs: delay.percentile(99) / 1e6 });
        });
      } else if (msg.cmd === 'exit') {
        server.close();
        void mongoose.disconnect().then(() => process.exit(0));
      }
    });
    return;
  }
  await mongoose.disconnect();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
