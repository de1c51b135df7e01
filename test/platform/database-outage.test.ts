import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import * as XLSX from 'xlsx';
import * as jobs from '../../src/exports/jobs.js';
import { IncidentReportModel, ReporterIdentityModel } from '../../src/incidents/model.js';
import { hashOfTyped } from '../../src/incidents/tracking.js';
import { UnitModel } from '../../src/units/model.js';
import { agentFor, login, submitForm, testApp, type Agent } from '../helpers/app.js';
import { loadDemo } from '../helpers/demo.js';
import { embeddedTestDataDir } from '../helpers/global.js';

/** Waits for a condition (never for a fixed time), failing with `what` after `ms`. */
async function until(what: string, condition: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms / 1000} s for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Outcome {
  marker: string;
  named: boolean;
  /** What the form post answered (0: the form itself could not be had; see formStatus). */
  status: number;
  formStatus: number;
  code: string | null;
  body: string;
}

function binaryParser(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

const processState = (pid: number) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];

describe('the database goes away while citizens report and a province export runs', function () {
  this.timeout(300_000);

  it('when FerretDB is stopped and then killed, then requests get the 503 page, the app carries on by itself, every acknowledged report is stored whole and findable by its code, and the export ends failed or readable, never a partial file', async function () {
    const dataDir = embeddedTestDataDir();
    if (!dataDir) this.skip(); // TEST_MONGODB_URI names a server this test cannot stop
    await loadDemo();
    const app = testApp({ REPORT_RATE_LIMIT_PER_HOUR: '100000', REPORT_LOOKUP_RATE_LIMIT_PER_15_MIN: '100000' });
    const commune = (await UnitModel.findOne({ code: 'DB-THANHNUA' }).lean())!;
    const province = (await UnitModel.findOne({ kind: 'province' }).lean())!;
    const admin = agentFor(app);
    await login(admin, 'admin', 'CongBoc@2026');
    const pidFile = path.join(dataDir!, 'ferretdb.pid');
    const ferretPid = Number(fs.readFileSync(pidFile, 'utf8'));

    // Citizens filing one report after another, each marked so it can be found, half of them named.
    const outcomes: Outcome[] = [];
    let stopWriting = false;
    const citizen = async (n: number) => {
      const agent: Agent = agentFor(app);
      for (let i = 0; !stopWriting; i++) {
        const marker = `sự cố mất kết nối ${n}-${i}`;
        const named = n % 2 === 1;
        const outcome: Outcome = { marker, named, status: 0, formStatus: 0, code: null, body: '' };
        const form = await agent.get(`/phan-anh?unit=${commune._id}`).timeout(60_000);
        outcome.formStatus = form.status;
        const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
        if (form.status === 200 && csrf) {
          const identity = named ? { identity: 'named', name: `Công dân ${n}`, phone: '0912345678' } : { identity: 'anonymous' };
          const res = await agent
            .post('/phan-anh')
            .type('form')
            .send({ _csrf: csrf, unitId: String(commune._id), criterionCodes: ['X1'], occurredOn: new Date().toISOString().slice(0, 10), description: `Cán bộ không chào — ${marker}`, ...identity })
            .timeout(60_000);
          outcome.status = res.status;
          outcome.body = res.text;
          // The receipt, reloaded as a citizen would until it comes up (the database may have gone away since).
          for (let receipt = null; res.status === 302 && receipt?.status !== 200; ) {
            if (receipt) await new Promise((r) => setTimeout(r, 100));
            receipt = await agent.get('/phan-anh/bien-nhan').timeout(60_000);
            outcome.code = /data-tracking-code>([0-9A-Z-]+)</.exec(receipt.text)?.[1] ?? null;
          }
        } else {
          outcome.body = form.text;
        }
        outcomes.push(outcome);
        if (outcome.status !== 302) await new Promise((r) => setTimeout(r, 100)); // no busy loop against a dead server
      }
    };
    const acknowledged = (from = 0) => outcomes.slice(from).filter((o) => o.status === 302);
    const unavailable = (from = 0) => outcomes.slice(from).filter((o) => o.status === 503 || o.formStatus === 503);
    const writers = [0, 1, 2].map(citizen);

    let requested: Awaited<ReturnType<typeof submitForm>>;
    try {
      await until('three reports acknowledged before the outage', () => acknowledged().length >= 3);
      requested = await submitForm(admin, '/exports', '/exports', { unit: String(province._id), year: String(new Date().getUTCFullYear()) });
      expect(requested.status, 'export queued').to.equal(303);

      process.kill(ferretPid, 'SIGSTOP');
      await until('the kernel reports FerretDB stopped', () => processState(ferretPid) === 'T', 10_000);
      const stoppedAt = outcomes.length;
      await until('three requests answered 503 while FerretDB is stopped', () => unavailable(stoppedAt).length >= 3);
      const during = await agentFor(app).get(`/phan-anh?unit=${commune._id}`).timeout(60_000);
      expect(during.status, 'a new visitor while it is stopped').to.equal(503);
      expect(during.text).to.contain('Hệ thống tạm thời không truy cập được cơ sở dữ liệu');

      process.kill(ferretPid, 'SIGKILL');
      const killedAt = outcomes.length;
      await until('the app started a new FerretDB', () => Number(fs.readFileSync(pidFile, 'utf8')) !== ferretPid);
      await until('three reports acknowledged after the restart', () => acknowledged(killedAt).length >= 3);
    } finally {
      stopWriting = true;
      try {
        process.kill(ferretPid, 'SIGCONT');
      } catch {
        // already gone
      }
      await Promise.all(writers);
    }
    await jobs.idle();

    const answers = new Set(outcomes.flatMap((o) => [o.status, o.formStatus]).filter((s) => s !== 0));
    expect([...answers].every((s) => [200, 302, 503].includes(s)), `answers seen: ${[...answers].join(', ')}`).to.equal(true);
    expect(outcomes.filter((o) => o.status === 503).every((o) => o.body.includes('Hệ thống tạm thời không truy cập được cơ sở dữ liệu'))).to.equal(true);

    const stored = await IncidentReportModel.find({ description: /sự cố mất kết nối/ }).lean();
    const byMarker = new Map(stored.map((r) => [r.description.replace('Cán bộ không chào — ', ''), r]));
    for (const o of acknowledged()) {
      const report = byMarker.get(o.marker);
      expect(report, `acknowledged report ${o.marker} is stored`).to.not.equal(undefined);
      expect(report!.history.map((h) => h.to), o.marker).to.deep.equal(['RECEIVED']);
      expect(report!.caseNumber, o.marker).to.be.a('string').and.not.equal('');
      if (o.code) expect(report!.trackingHash, `${o.marker}: the receipt's code opens it`).to.equal(hashOfTyped(o.code));
      expect(await ReporterIdentityModel.countDocuments({ reportId: report!._id }), `${o.marker}: identity kept only when named`).to.equal(o.named ? 1 : 0);
    }
    // Whatever was stored without an answer reaching the citizen is a whole document too (one write creates it).
    for (const r of stored) expect({ status: r.status, entries: r.history.length, anonymous: typeof r.anonymous }).to.deep.equal({ status: 'RECEIVED', entries: 1, anonymous: 'boolean' });
    expect(outcomes.filter((o) => o.status === 302 && !o.code).length, 'receipts that came up (once the database answered) without their code').to.equal(0);

    // The export: failed with a message, or done with a workbook another reader opens; a failed one offers no file.
    const status = (await admin.get(`${requested.headers.location!}/status`)).body as { status: string; error: string | null; downloadUrl: string | null };
    expect(['DONE', 'FAILED']).to.include(status.status);
    if (status.status === 'FAILED') {
      expect(status.error).to.be.a('string').and.not.equal('');
      expect(status.downloadUrl).to.equal(null);
      expect((await admin.get(`${requested.headers.location!}/download`)).status).to.be.within(400, 499);
    } else {
      const file = await admin.get(status.downloadUrl!).buffer(true).parse(binaryParser as never);
      expect(XLSX.read(file.body as Buffer, { type: 'buffer' }).SheetNames.length).to.be.above(0);
    }

    // And the next export, with the database back, is whole.
    const again = await submitForm(admin, '/exports', '/exports', { unit: String(province._id), year: String(new Date().getUTCFullYear()) });
    await jobs.idle();
    const next = (await admin.get(`${again.headers.location!}/status`)).body as { status: string; downloadUrl: string };
    expect(next.status).to.equal('DONE');
    const file = await admin.get(next.downloadUrl).buffer(true).parse(binaryParser as never);
    expect(XLSX.read(file.body as Buffer, { type: 'buffer' }).SheetNames.length).to.be.above(0);
  });
});
