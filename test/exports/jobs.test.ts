import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Types } from 'mongoose';
import * as XLSX from 'xlsx';
import * as jobs from '../../src/exports/jobs.js';
import { ExportJobModel } from '../../src/exports/model.js';
import { agentFor, login, submitForm, testApp, testConfig, type Agent } from '../helpers/app.js';
import { exportSettingsFrom } from '../../src/exports/settings.js';
import { clearDatabase } from '../helpers/db.js';
import { makeUser } from '../helpers/factories.js';
import { evaluate, exportWorld, person, type ExportWorld } from './world.js';

/** Keeps the downloaded workbook as bytes. */
function binaryParser(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('exports: background jobs and who may export what', () => {
  let app: ReturnType<typeof testApp>;
  let w: ExportWorld;
  let admin: Agent;
  let headA: Agent;
  let headAUser: Awaited<ReturnType<typeof makeUser>>;

  beforeEach(async function () {
    this.timeout(20_000);
    await clearDatabase();
    app ??= testApp();
    w = await exportWorld(2026);
    const s = await person('Nguyễn Văn An', w.communeA);
    await evaluate(w, s, 1);
    const adminUser = await makeUser({ roles: [{ role: 'admin', unit: w.province }] });
    headAUser = await makeUser({ roles: [{ role: 'head', unit: w.communeA }] });
    admin = agentFor(app);
    headA = agentFor(app);
    await login(admin, adminUser.username);
    await login(headA, headAUser.username);
  });

  async function finished(agent: Agent, location: string) {
    await jobs.idle();
    const res = await agent.get(`${location}/status`);
    expect(res.status).to.equal(200);
    return res.body as { status: string; progress: number; downloadUrl: string | null; error: string | null };
  }

  it('when a head exports their own commune, then the job runs in the background and the download names the unit, the year and the internal copy', async () => {
    const res = await submitForm(headA, '/exports', '/exports', { unit: String(w.communeA._id), year: '2026' });
    expect(res.status).to.equal(303);
    const page = await headA.get(res.headers.location!);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('data-status-url=').and.to.contain('<progress');
    const status = await finished(headA, res.headers.location!);
    expect(status.status).to.equal('DONE');
    expect(status.progress).to.equal(100);
    const file = await headA.get(status.downloadUrl!).buffer(true).parse(binaryParser as never);
    expect(file.status).to.equal(200);
    expect(file.headers['content-disposition']).to.contain('Tuan-thu-quy-tac-ung-xu_Xa-Thanh-Nua_2026_noi-bo.xlsx');
    const wb = XLSX.read(file.body as Buffer, { type: 'buffer' });
    expect(wb.SheetNames[0]).to.equal('Tổng hợp');
    const done = await headA.get(res.headers.location!);
    expect(done.text).to.contain(`${status.downloadUrl}`).and.not.to.contain('http-equiv="refresh"');
  });

  it('when a workbook is written, then it and its folder are readable by the app’s account only, and the folders above keep the usual mode', async () => {
    // A folder that does not exist yet, as ./data/exports on a fresh machine.
    const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'congboc-exportdir-'));
    const agent = agentFor(testApp({ EXPORT_DIR: path.join(root, 'data', 'exports') }));
    await login(agent, headAUser.username);
    const res = await submitForm(agent, '/exports', '/exports', { unit: String(w.communeA._id), year: '2026' });
    expect((await finished(agent, res.headers.location!)).status).to.equal('DONE');
    const job = (await ExportJobModel.findOne({ status: 'DONE' }).lean())!;
    expect((await fs.promises.stat(job.filePath!)).mode & 0o077, 'file').to.equal(0);
    expect((await fs.promises.stat(path.dirname(job.filePath!))).mode & 0o077, 'folder').to.equal(0);
    // Its parent keeps the usual mode: the embedded database's system user must still enter ./data.
    expect((await fs.promises.stat(path.join(root, 'data'))).mode & 0o005, 'parent').to.equal(0o005);
    await fs.promises.rm(root, { recursive: true, force: true });
  });

  it('when a job cannot even be claimed (a malformed id), then the queue logs it and the next job still runs, with no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      jobs.enqueue('not-an-id', exportSettingsFrom(testConfig()));
      const res = await submitForm(headA, '/exports', '/exports', { unit: String(w.communeA._id), year: '2026' });
      expect((await finished(headA, res.headers.location!)).status).to.equal('DONE');
      // Let any rejection of the settled work reach the process's handler before looking.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('when a head asks for another commune, then 403 and no job is queued', async () => {
    const res = await submitForm(headA, '/exports', '/exports', { unit: String(w.communeB._id), year: '2026' });
    expect(res.status).to.equal(403);
    expect(await ExportJobModel.countDocuments()).to.equal(0);
  });

  it('when a head asks for the province, then 403: only administrators export it', async () => {
    const res = await submitForm(headA, '/exports', '/exports', { unit: String(w.province._id), year: '2026' });
    expect(res.status).to.equal(403);
    const page = await headA.get('/exports');
    expect(page.text).not.to.contain(String(w.province._id));
  });

  it('when an administrator exports the province, then by default the workbook is the copy for publication, with the summary, the comparison sheets, a sheet per commune and the desks’ feedback', async () => {
    const res = await submitForm(admin, '/exports', '/exports', { unit: String(w.province._id), year: '2026' });
    expect(res.status).to.equal(303);
    const status = await finished(admin, res.headers.location!);
    expect(status.status).to.equal('DONE');
    const file = await admin.get(status.downloadUrl!).buffer(true).parse(binaryParser as never);
    expect(file.headers['content-disposition']).to.contain('Tuan-thu-quy-tac-ung-xu_Tinh-Dien-Bien_2026_cong-bo.xlsx');
    expect(XLSX.read(file.body as Buffer, { type: 'buffer' }).SheetNames).to.deep.equal(['Tổng hợp', 'Theo tiêu chí', 'Theo quý', 'So với năm trước', 'Khắc phục, kỷ luật', 'Xã Thanh Nưa', 'Góp ý tại quầy']);
  });

  it('when someone else opens or downloads a job, then 403', async () => {
    const res = await submitForm(admin, '/exports', '/exports', { unit: String(w.communeA._id), year: '2026' });
    await jobs.idle();
    expect((await headA.get(res.headers.location!)).status).to.equal(403);
    expect((await headA.get(`${res.headers.location!}/download`)).status).to.equal(403);
  });

  it('when a staff member without a head role opens exports, then 403', async () => {
    const staffUser = await makeUser({ roles: [{ role: 'staff', unit: w.communeA }] });
    const agent = agentFor(app);
    await login(agent, staffUser.username);
    expect((await agent.get('/exports')).status).to.equal(403);
  });

  it('when the year is not a year, then 422 with the message beside the field and the choice kept', async () => {
    const res = await submitForm(headA, '/exports', '/exports', { unit: String(w.communeA._id), year: '20x6' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Năm không hợp lệ');
    expect(res.text).to.match(new RegExp(`<option value="${String(w.communeA._id)}" selected`));
  });

  it('when an unknown job is asked for, then 404', async () => {
    expect((await headA.get(`/exports/${String(new Types.ObjectId())}`)).status).to.equal(404);
    expect((await headA.get('/exports/not-an-id')).status).to.equal(404);
  });

  it('when a job fails, then its page says why', async () => {
    const job = await ExportJobModel.create({ kind: 'COMMUNE', unitId: new Types.ObjectId(), unitName: 'Xã Đã Xóa', year: 2026, requestedBy: headAUser._id, fileName: 'x.xlsx' });
    await jobs.runJob(String(job._id), { suppressBelow: 3, dir: path.join(os.tmpdir(), 'congboc-exports-test'), retentionHours: 24 });
    const page = await headA.get(`/exports/${String(job._id)}`);
    expect(page.text).to.contain('Không lập được báo cáo: lỗi hệ thống');
    const status = await headA.get(`/exports/${String(job._id)}/status`);
    expect(status.body.status).to.equal('FAILED');
    expect((await headA.get(`/exports/${String(job._id)}/download`)).status).to.equal(409);
  });

  it('when a job was cut off by a restart, then it shows as interrupted instead of running for ever', async () => {
    const old = new Date(Date.now() - 10 * 60_000);
    const job = await ExportJobModel.create({ kind: 'COMMUNE', unitId: w.communeA._id, unitName: w.communeA.name, year: 2026, requestedBy: headAUser._id, status: 'RUNNING', heartbeatAt: old, fileName: 'x.xlsx' });
    const page = await headA.get(`/exports/${String(job._id)}`);
    expect(page.text).to.contain('máy chủ đã khởi động lại');
    expect((await ExportJobModel.findById(job._id).lean())!.status).to.equal('FAILED');
  });

  it('when jobs pass the retention period, then the clean-up deletes them and their files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'congboc-exports-'));
    const file = path.join(dir, 'old.xlsx');
    fs.writeFileSync(file, 'x');
    const created = new Date(Date.now() - 48 * 3600_000);
    await ExportJobModel.collection.insertOne({ kind: 'COMMUNE', unitId: w.communeA._id, unitName: 'x', year: 2026, requestedBy: headAUser._id, status: 'DONE', filePath: file, createdAt: created, updatedAt: created });
    const fresh = await ExportJobModel.create({ kind: 'COMMUNE', unitId: w.communeA._id, unitName: 'x', year: 2026, requestedBy: headAUser._id, status: 'DONE' });
    expect(await jobs.removeExpired({ suppressBelow: 3, dir, retentionHours: 24 })).to.equal(1);
    expect(fs.existsSync(file)).to.equal(false);
    expect(await ExportJobModel.countDocuments()).to.equal(1);
    expect(await ExportJobModel.exists({ _id: fresh._id })).to.not.equal(null);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
