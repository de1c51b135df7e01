import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import { PDFDocument, PDFName } from 'pdf-lib';
import sharp from 'sharp';
import type { Express } from 'express';
import { AuditEntryModel } from '../../src/audit/model.js';
import { deleteEvidenceOfCase } from '../../src/incidents/index.js';
import { storeEvidence, sweepUnkeptEvidence } from '../../src/incidents/evidence.js';
import { IncidentReportModel, type IncidentReport } from '../../src/incidents/model.js';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { logSink } from '../helpers/log-sink.js';
import { openedByCode } from './reporter.js';
import { fileAbout, makeWorld, type World } from './world.js';

const today = () => new Date().toISOString().slice(0, 10);
const MiB = 1024 * 1024;

interface Upload {
  name: string;
  bytes: Buffer;
}

/** A multipart post as a browser sends the form: the token and the text fields first, the files last. */
function postMultipart(agent: Agent, url: string, fields: Record<string, string | string[]>, files: Upload[] = []) {
  let req = agent.post(url);
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) req = req.field(name, v);
  for (const f of files) req = req.attach('evidence', f.bytes, f.name);
  return req;
}

const reportFields = (w: World) => ({
  unitId: String(w.communeA._id),
  staffId: String(w.lan._id),
  criterionCodes: ['X1', 'L3'],
  occurredOn: today(),
  description: 'Chị cán bộ không chào và không nghe tôi trình bày. Tôi có chụp ảnh quầy.',
  place: 'Quầy số 2',
});

async function fileCitizenReport(agent: Agent, w: World, files: Upload[], fields: Record<string, string | string[]> = {}) {
  const _csrf = await csrfFrom(agent, `/phan-anh?unit=${w.communeA._id}`);
  return postMultipart(agent, '/phan-anh', { _csrf, ...reportFields(w), identity: 'anonymous', ...fields }, files);
}

/** A phone photo: EXIF with the make, model, owner and the GPS position of the place it was taken. */
async function phonePhoto(format: 'jpeg' | 'png' = 'jpeg', size = { width: 640, height: 480 }): Promise<Buffer> {
  const image = sharp({ create: { ...size, channels: 3, background: '#2a6f97' } });
  const exif = {
    IFD0: { Make: 'Apple', Model: 'iPhone 15 Pro', Artist: 'Hoang Van Ty' },
    IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '21/1 23/1 1234/100', GPSLongitudeRef: 'E', GPSLongitude: '103/1 1/1 5678/100' },
  };
  return (format === 'jpeg' ? image.jpeg() : image.png()).withExif(exif).toBuffer();
}

/** A PDF whose Info dictionary and XMP metadata name its author. */
async function signedPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setAuthor('Hoang Van Ty');
  doc.setCreator('Hoang Van Ty laptop');
  doc.setTitle('Don phan anh');
  doc.addPage().drawText('Bien ban su viec', { x: 50, y: 700 });
  const xmp = doc.context.stream('<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Hoang Van Ty</dc:creator></x:xmpmeta>', { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(xmp));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** The bytes the database holds for a file, read back from the bucket. */
async function storedBytes(id: Types.ObjectId): Promise<Buffer> {
  const bucket = new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: 'evidence' });
  const chunks: Buffer[] = [];
  for await (const chunk of bucket.openDownloadStream(id)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const binary = (req: ReturnType<Agent['get']>) =>
  req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

const theCase = async () => (await IncidentReportModel.findOne({}).lean<IncidentReport>())!;
const filesInBucket = () => mongoose.connection.db!.collection('evidence.files').countDocuments();
const chunksInBucket = () => mongoose.connection.db!.collection('evidence.chunks').countDocuments();

describe('evidence: photos and documents attached to a case', function () {
  this.timeout(60_000);
  let w: World;
  let app: Express;
  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    app = testApp();
  });

  async function as(username: string): Promise<Agent> {
    const agent = agentFor(app);
    await login(agent, username);
    return agent;
  }

  it('when an anonymous citizen sends phone photos with GPS in their EXIF, then the stored bytes carry no EXIF, XMP or ICC, nothing names the files, and the audit and the log hold only their number', async () => {
    const jpeg = await phonePhoto('jpeg');
    const png = await phonePhoto('png', { width: 300, height: 200 });
    expect((await sharp(jpeg).metadata()).exif, 'the photo sent has EXIF').to.be.instanceOf(Buffer);
    expect((await sharp(png).metadata()).exif, 'the PNG sent has EXIF').to.be.instanceOf(Buffer);
    expect(jpeg.toString('latin1')).to.contain('iPhone 15 Pro');

    const mark = logSink.mark();
    const res = await fileCitizenReport(agentFor(app), w, [
      { name: 'IMG_Hoang_Van_Ty_quay2.jpg', bytes: jpeg },
      { name: 'anh-chup-man-hinh.png', bytes: png },
    ]);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/phan-anh/bien-nhan');

    const report = await theCase();
    expect(report.anonymous).to.equal(true);
    expect(report.evidence.map((e) => [e.n, e.type, e.source])).to.deep.equal([
      [1, 'image/jpeg', 'REPORT'],
      [2, 'image/png', 'REPORT'],
    ]);
    for (const [i, entry] of report.evidence.entries()) {
      const bytes = await storedBytes(entry._id);
      expect(bytes.length).to.equal(entry.size);
      const meta = await sharp(bytes).metadata();
      expect(meta.format).to.equal(i === 0 ? 'jpeg' : 'png');
      expect(meta.exif, `EXIF of file ${entry.n}`).to.equal(undefined);
      expect(meta.xmp, `XMP of file ${entry.n}`).to.equal(undefined);
      expect(meta.icc, `ICC of file ${entry.n}`).to.equal(undefined);
      expect(bytes.toString('latin1')).not.to.contain('iPhone').and.not.to.contain('Apple').and.not.to.contain('Hoang');
    }

    const everything: string[] = [];
    for (const c of await mongoose.connection.db!.collections()) if (c.collectionName !== 'evidence.chunks') everything.push(JSON.stringify(await c.find({}).toArray()));
    const logged = logSink.since(mark);
    for (const secret of ['IMG_Hoang_Van_Ty_quay2', 'anh-chup-man-hinh', 'Hoang Van Ty']) {
      expect(everything.join('\n'), `database holds ${secret}`).not.to.contain(secret);
      expect(logged, `log holds ${secret}`).not.to.contain(secret);
    }
    const created = (await AuditEntryModel.findOne({ objectId: report._id, action: 'create' }).lean())!;
    expect(created.changes.find((c) => c.field === 'evidence')?.after).to.equal(2);
    expect(JSON.stringify(created)).not.to.contain('image/').and.not.to.contain(String(report.evidence[0]!._id));
  });

  it('when a phone photo was taken sideways, then it is stored upright (its EXIF orientation applied before the EXIF goes)', async () => {
    const sideways = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#999' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await fileCitizenReport(agentFor(app), w, [{ name: 'x.jpg', bytes: sideways }])).status).to.equal(302);
    const meta = await sharp(await storedBytes((await theCase()).evidence[0]!._id)).metadata();
    expect([meta.width, meta.height, meta.orientation]).to.deep.equal([200, 400, undefined]);
  });

  it('when files are typed by their content: a PDF named .jpg is kept as a PDF with its Info and XMP cleared; a text file named .png and a broken JPEG are refused with the form kept', async () => {
    const pdf = await signedPdf();
    expect(pdf.toString('latin1')).to.contain('/Author').and.to.contain('xmpmeta');
    const ok = await fileCitizenReport(agentFor(app), w, [{ name: 'anh-quay.jpg', bytes: pdf }]);
    expect(ok.status).to.equal(302);
    const report = await theCase();
    expect(report.evidence.map((e) => e.type)).to.deep.equal(['application/pdf']);
    const stored = await storedBytes(report.evidence[0]!._id);
    const text = stored.toString('latin1');
    expect(text.startsWith('%PDF-')).to.equal(true);
    for (const gone of ['/Author', '/Creator', '/Producer', '/Title', '/Info', 'xmpmeta', 'Hoang Van Ty', '/Metadata']) expect(text, gone).not.to.contain(gone);
    const reread = await PDFDocument.load(stored, { updateMetadata: false });
    expect(reread.getPageCount()).to.equal(1);
    expect(reread.getAuthor()).to.equal(undefined);

    await clearDatabase();
    w = await makeWorld();
    for (const [name, bytes, message] of [
      ['anh.png', Buffer.from('Tôi là văn bản, không phải ảnh.\n'), 'Chỉ nhận ảnh JPEG, PNG hoặc tài liệu PDF'],
      ['anh.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF\0 truncated garbage')]), 'Không đọc được tệp'],
    ] as const) {
      const refused = await fileCitizenReport(agentFor(app), w, [{ name, bytes }]);
      expect(refused.status, name).to.equal(name === 'anh.png' ? 415 : 422);
      expect(refused.text).to.contain(message);
      // The other values are kept; the files must be chosen again (a browser cannot be given them back).
      expect(refused.text).to.contain('Chị cán bộ không chào và không nghe tôi trình bày.').and.to.contain('value="Quầy số 2"');
      expect(refused.text).to.match(/value="X1"\s+checked/).and.to.match(/value="L3"\s+checked/);
      expect(refused.text).to.contain('hãy chọn lại tệp trước khi gửi');
      expect(await IncidentReportModel.countDocuments()).to.equal(0);
      expect(await filesInBucket()).to.equal(0);
    }
  });

  it('when a file is over 5 MB, more than 3 come at once, or they pass 10 MB together, then a clear 413 or 422 beside the file field, the other values kept, and nothing stored', async () => {
    const photo = await phonePhoto();
    const cases: [string, Upload[], number, string][] = [
      ['one too big', [{ name: 'big.jpg', bytes: Buffer.concat([photo, Buffer.alloc(5 * MiB + 1 - photo.length)]) }], 413, 'Mỗi tệp không được quá 5 MB.'],
      ['four files', [1, 2, 3, 4].map((i) => ({ name: `${i}.jpg`, bytes: photo })), 422, 'Mỗi lần chỉ gửi được tối đa 3 tệp.'],
      ['too much together', [1, 2, 3].map((i) => ({ name: `${i}.jpg`, bytes: Buffer.concat([photo, Buffer.alloc(4 * MiB - photo.length)]) })), 413, 'Các tệp gửi cùng một lần không được quá 10 MB.'],
    ];
    for (const [what, files, status, message] of cases) {
      const res = await fileCitizenReport(agentFor(app), w, files, { identity: 'named', name: 'Hoàng Văn Tỵ', phone: '0912 345 678' });
      expect(res.status, what).to.equal(status);
      expect(res.text, what).to.contain(message);
      expect(res.text, what).to.contain('value="Hoàng Văn Tỵ"').and.to.contain('value="0912 345 678"').and.to.contain('Chị cán bộ không chào');
      expect(res.text, what).to.contain('id="f-evidence-error"');
    }
    // A field error and a refused file are shown together.
    const both = await fileCitizenReport(agentFor(app), w, [{ name: 'x.png', bytes: Buffer.from('text') }], { description: '' });
    expect(both.status).to.equal(422);
    expect(both.text).to.contain('Chỉ nhận ảnh JPEG, PNG hoặc tài liệu PDF').and.to.contain('id="f-description-error"');
    expect(await IncidentReportModel.countDocuments()).to.equal(0);
    expect(await filesInBucket()).to.equal(0);
    expect(await chunksInBucket()).to.equal(0);
  });

  it('when a multipart form comes without its CSRF token, or with the token after the files, then 403 on every form that takes files, and nothing is stored', async () => {
    const photo = await phonePhoto();
    const citizen = agentFor(app);
    const { trackingCode } = await fileAbout(w, {});
    const tracked = await openedByCode(app, trackingCode);
    const peer = await as(w.namUser.username);
    const forms: [Agent, string, Record<string, string | string[]>][] = [
      [citizen, '/phan-anh', reportFields(w)],
      [tracked, '/tra-cuu/ho-so/tin-nhan', { text: 'Tôi gửi thêm ảnh.' }],
      [peer, '/reports', { ...reportFields(w), kind: 'PHAN_ANH' }],
    ];
    for (const [agent, url, fields] of forms) {
      expect((await postMultipart(agent, url, fields, [{ name: 'a.jpg', bytes: photo }])).status, `${url} without a token`).to.equal(403);
      expect((await postMultipart(agent, url, fields)).status, `${url} without a token or files`).to.equal(403);
      expect((await postMultipart(agent, url, { ...fields, _csrf: 'forged' }, [{ name: 'a.jpg', bytes: photo }])).status, `${url} with a wrong token`).to.equal(403);
      const _csrf = await csrfFrom(agent, url === '/reports' ? `/reports/new?unit=${w.communeA._id}` : url === '/phan-anh' ? `/phan-anh?unit=${w.communeA._id}` : '/tra-cuu/ho-so');
      // The token after the files: the parser does not read a file that no valid token came before.
      let late = agent.post(url);
      for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) late = late.field(name, v);
      expect((await late.attach('evidence', photo, 'a.jpg').field('_csrf', _csrf)).status, `${url} with the token after the file`).to.equal(403);
    }
    expect(await IncidentReportModel.countDocuments()).to.equal(1);
    expect((await theCase()).messages).to.have.length(0);
    expect(await filesInBucket()).to.equal(0);
  });

  it('when the files are asked for, then only those who may handle the case get them (photos inline, PDFs as attachments, the sniffed type, nosniff); others 403, the public and the reporter never', async () => {
    const photo = await phonePhoto();
    const pdf = await signedPdf();
    const citizen = agentFor(app);
    expect((await fileCitizenReport(citizen, w, [{ name: 'a.jpg', bytes: photo }, { name: 'b.pdf', bytes: pdf }])).status).to.equal(302);
    const report = await theCase();
    const [image, document] = report.evidence;
    const url = (id: Types.ObjectId, caseId = report._id) => `/reports/${caseId}/evidence/${id}`;

    const head = await as(w.headA.username);
    const page = await head.get(`/reports/${report._id}`);
    expect(page.text).to.contain(`src="${url(image!._id)}"`).and.to.contain(`href="${url(document!._id)}"`);
    const shown = await binary(head.get(url(image!._id)));
    expect(shown.status).to.equal(200);
    expect(shown.headers['content-type']).to.equal('image/jpeg');
    expect(shown.headers['content-disposition']).to.equal(`inline; filename=${report.caseNumber}-1.jpg`);
    expect(shown.headers['x-content-type-options']).to.equal('nosniff');
    expect(shown.headers['cache-control']).to.contain('no-store');
    expect((shown.body as Buffer).equals(await storedBytes(image!._id))).to.equal(true);
    const downloaded = await binary(head.get(url(document!._id)));
    expect(downloaded.headers['content-type']).to.equal('application/pdf');
    expect(downloaded.headers['content-disposition']).to.equal(`attachment; filename=${report.caseNumber}-2.pdf`);
    expect((await (await as(w.admin.username)).get(url(image!._id))).status, 'the province administrator').to.equal(200);

    expect((await (await as(w.headB.username)).get(url(image!._id))).status, 'the head of another commune').to.equal(403);
    expect((await (await as(w.namUser.username)).get(url(image!._id))).status, 'a staff member').to.equal(403);
    expect((await (await as(w.lanUser.username)).get(url(image!._id))).status, 'the person reported about').to.equal(403);
    const anonymous = await agentFor(app).get(url(image!._id)).redirects(0);
    expect(anonymous.status).to.equal(302);
    expect(anonymous.headers.location).to.match(/^\/login/);
    expect((await head.get(url(new Types.ObjectId()))).status, 'a file the case does not list').to.equal(404);
    const { report: other } = await fileAbout(w, {});
    expect((await head.get(url(image!._id, other._id))).status, 'a file of another case').to.equal(404);

    // The reporter, through the code, sees how many files they sent, never the files or their addresses.
    const code = /data-tracking-code>([0-9A-Z-]+)</.exec((await citizen.get('/phan-anh/bien-nhan')).text)![1]!;
    const casePage = await (await openedByCode(app, code)).get('/tra-cuu/ho-so');
    expect(casePage.text).to.contain('Bạn đã gửi kèm 2 tệp');
    expect(casePage.text).not.to.contain('/evidence/').and.not.to.contain(String(image!._id));
  });

  it('when the reporter adds a message with a photo, then the handler sees it under the message, the reporter sees its count, and the audit holds only the number', async () => {
    const { report, trackingCode } = await fileAbout(w, { staffId: String(w.lan._id) });
    const tracked = await openedByCode(app, trackingCode);
    const _csrf = await csrfFrom(tracked, '/tra-cuu/ho-so');
    const sent = await postMultipart(tracked, '/tra-cuu/ho-so/tin-nhan', { _csrf, text: 'Tôi gửi thêm ảnh chụp giấy hẹn.' }, [{ name: 'giay-hen.jpg', bytes: await phonePhoto() }]);
    expect(sent.status).to.equal(302);
    const stored = (await IncidentReportModel.findById(report._id).lean<IncidentReport>())!;
    expect(stored.evidence.map((e) => [e.n, e.source])).to.deep.equal([[1, 'MESSAGE']]);
    expect(stored.messages[0]!.evidenceIds.map(String)).to.deep.equal([String(stored.evidence[0]!._id)]);
    expect((await sharp(await storedBytes(stored.evidence[0]!._id)).metadata()).exif).to.equal(undefined);

    expect((await tracked.get('/tra-cuu/ho-so')).text).to.contain('Kèm 1 tệp');
    const page = await (await as(w.headA.username)).get(`/reports/${report._id}`);
    const thread = page.text.slice(page.text.indexOf('Tôi gửi thêm ảnh chụp giấy hẹn.'));
    expect(thread).to.contain(`/reports/${report._id}/evidence/${stored.evidence[0]!._id}`);
    const audit = (await AuditEntryModel.findOne({ objectId: report._id, action: 'reporterMessage' }).lean())!;
    expect(audit.changes.map((c) => [c.field, c.after])).to.have.deep.members([
      ['messages', 1],
      ['evidence', 1],
    ]);

    // A message refused for its file keeps its text.
    const _csrf2 = await csrfFrom(tracked, '/tra-cuu/ho-so');
    const refused = await postMultipart(tracked, '/tra-cuu/ho-so/tin-nhan', { _csrf: _csrf2, text: 'Thêm một tệp nữa.' }, [{ name: 'x.png', bytes: Buffer.from('not an image') }]);
    expect(refused.status).to.equal(415);
    expect(refused.text).to.contain('Thêm một tệp nữa.');
    expect((await IncidentReportModel.findById(report._id).lean<IncidentReport>())!.messages).to.have.length(1);
  });

  it('when a case already holds 20 files, then a message with one more is refused and the file is not stored', async () => {
    const { report, trackingCode } = await fileAbout(w, {});
    const filler = Array.from({ length: 20 }, (_, i) => ({ _id: new Types.ObjectId(), n: i + 1, type: 'image/jpeg', size: 1, at: new Date(), source: 'REPORT' }));
    await IncidentReportModel.updateOne({ _id: report._id }, { $set: { evidence: filler } });
    const tracked = await openedByCode(app, trackingCode);
    const _csrf = await csrfFrom(tracked, '/tra-cuu/ho-so');
    const res = await postMultipart(tracked, '/tra-cuu/ho-so/tin-nhan', { _csrf, text: 'Ảnh thứ 21.' }, [{ name: 'a.jpg', bytes: await phonePhoto() }]);
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('đã có đủ 20 tệp đính kèm');
    expect(await filesInBucket()).to.equal(0);
  });

  it('when a colleague files a denunciation with a document, then its handlers see the file as they see the case, and the head of another commune does not', async () => {
    const nam = await as(w.namUser.username);
    const _csrf = await csrfFrom(nam, `/reports/new?unit=${w.communeA._id}`);
    const res = await postMultipart(nam, '/reports', { _csrf, ...reportFields(w), kind: 'TO_CAO', address: 'Bản Na Hai, xã Thanh Nưa' }, [{ name: 'bien-ban.pdf', bytes: await signedPdf() }]);
    expect(res.status).to.equal(302);
    const report = await theCase();
    expect(report.kind).to.equal('TO_CAO');
    expect(report.evidence.map((e) => e.type)).to.deep.equal(['application/pdf']);
    const url = `/reports/${report._id}/evidence/${report.evidence[0]!._id}`;
    expect((await (await as(w.headA.username)).get(url)).status).to.equal(200);
    expect((await (await as(w.headB.username)).get(url)).status).to.equal(403);
    // The colleague's own page of the report shows the count only.
    const mine = await nam.get(`/reports/mine/${report._id}`);
    expect(mine.text).to.contain('Bạn đã gửi kèm 1 tệp').and.not.to.contain('/evidence/');
  });

  it('when deleteEvidenceOfCase runs for a case, then all its files go (those of the report and its messages, and one its case never listed), its list is emptied, and other cases keep theirs', async () => {
    const photo = await phonePhoto();
    const citizen = agentFor(app);
    expect((await fileCitizenReport(citizen, w, [{ name: 'a.jpg', bytes: photo }, { name: 'b.pdf', bytes: await signedPdf() }])).status).to.equal(302);
    const report = await theCase();
    const code = /data-tracking-code>([0-9A-Z-]+)</.exec((await citizen.get('/phan-anh/bien-nhan')).text)![1]!;
    const tracked = await openedByCode(app, code);
    const _csrf = await csrfFrom(tracked, '/tra-cuu/ho-so');
    expect((await postMultipart(tracked, '/tra-cuu/ho-so/tin-nhan', { _csrf, text: 'Thêm ảnh.' }, [{ name: 'c.jpg', bytes: photo }])).status).to.equal(302);
    // A file written for this case by a request that failed before the case listed it.
    await storeEvidence(report._id, [{ bytes: photo, type: 'image/jpeg' }], 'MESSAGE', 9, new Date());
    const { report: other } = await fileAbout(w, {}, {});
    const [kept] = await storeEvidence(other._id, [{ bytes: photo, type: 'image/jpeg' }], 'REPORT', 1, new Date());
    expect(await filesInBucket()).to.equal(5);

    expect(await deleteEvidenceOfCase(report._id)).to.equal(4);
    expect(await filesInBucket()).to.equal(1);
    expect(await mongoose.connection.db!.collection('evidence.chunks').countDocuments({ files_id: { $ne: kept!._id } })).to.equal(0);
    const after = (await IncidentReportModel.findById(report._id).lean<IncidentReport>())!;
    expect(after.evidence).to.deep.equal([]);
    expect((await storedBytes(kept!._id)).equals(photo)).to.equal(true);
    // Again, or for a case that is gone: nothing to do.
    expect(await deleteEvidenceOfCase(report._id)).to.equal(0);
    expect(await deleteEvidenceOfCase(new Types.ObjectId())).to.equal(0);
    // The handler's page no longer shows the files; the reporter's page no longer counts them.
    expect((await (await as(w.headA.username)).get(`/reports/${report._id}`)).text).not.to.contain('/evidence/');
    expect((await tracked.get('/tra-cuu/ho-so')).text).not.to.contain('Kèm 1 tệp').and.not.to.contain('Bạn đã gửi kèm');
  });

  describe('files no case came to list (the process stopped between the upload and the case, or mid-upload)', () => {
    const DAY = 24 * 60 * 60_000;
    const pending = () => mongoose.connection.db!.collection('evidence.pending').countDocuments();

    it('when a case was filed with a photo, then nothing is left pending, and a sweep a day later keeps its file', async () => {
      const citizen = agentFor(app);
      expect((await fileCitizenReport(citizen, w, [{ name: 'a.jpg', bytes: await phonePhoto() }])).status).to.equal(302);
      expect(await pending()).to.equal(0);
      expect(await sweepUnkeptEvidence(new Date(Date.now() + 2 * DAY))).to.equal(0);
      expect(await filesInBucket()).to.equal(1);
      expect((await theCase()).evidence).to.have.length(1);
    });

    it('when files were stored for a case that was never written, then the sweep leaves them within the grace day and removes them and their chunks after it', async () => {
      const photo = await phonePhoto();
      await storeEvidence(new Types.ObjectId(), [{ bytes: photo, type: 'image/jpeg' }, { bytes: await signedPdf(), type: 'application/pdf' }], 'REPORT', 1, new Date());
      expect([await filesInBucket(), await pending()]).to.deep.equal([2, 2]);
      expect(await sweepUnkeptEvidence(new Date())).to.equal(0);
      expect(await filesInBucket()).to.equal(2);
      expect(await sweepUnkeptEvidence(new Date(Date.now() + 2 * DAY))).to.equal(2);
      expect([await filesInBucket(), await chunksInBucket(), await pending()]).to.deep.equal([0, 0, 0]);
    });

    it('when a message\'s files were stored but the case was never updated, then the sweep removes them and the case\'s own file stays', async () => {
      const citizen = agentFor(app);
      expect((await fileCitizenReport(citizen, w, [{ name: 'a.jpg', bytes: await phonePhoto() }])).status).to.equal(302);
      const report = await theCase();
      await storeEvidence(report._id, [{ bytes: await phonePhoto('png'), type: 'image/png' }], 'MESSAGE', 2, new Date());
      expect(await sweepUnkeptEvidence(new Date(Date.now() + 2 * DAY))).to.equal(1);
      expect(await filesInBucket()).to.equal(1);
      expect((await storedBytes(report.evidence[0]!._id)).length).to.be.greaterThan(0);
    });

    it('when an upload was cut short (chunks without their file record), then the sweep removes the chunks', async () => {
      const id = new Types.ObjectId();
      await mongoose.connection.db!.collection('evidence.pending').insertOne({ _id: id, reportId: new Types.ObjectId(), at: new Date() });
      await mongoose.connection.db!.collection('evidence.chunks').insertMany([0, 1].map((n) => ({ files_id: id, n, data: new mongoose.mongo.Binary(Buffer.alloc(1024, n)) })));
      expect(await sweepUnkeptEvidence(new Date(Date.now() + 2 * DAY))).to.equal(1);
      expect([await chunksInBucket(), await pending()]).to.deep.equal([0, 0]);
    });
  });
});
