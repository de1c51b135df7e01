import { expect } from 'chai';
import type { Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { testConfig } from '../helpers/app.js';
import { makeCodeVersion, makeStaff, makeUnit, makeUser } from '../helpers/factories.js';
import { pagesToCheck, referencePage, seededRandom, type SeededRandom } from '../helpers/seeded-random.js';
import { BUCKET } from '../../src/audit/service.js';
import { scopeRoots, type Actor } from '../../src/auth/actor.js';
import { UserModel } from '../../src/auth/model.js';
import { actorOf } from '../../src/auth/service.js';
import { vietnamDay } from '../../src/shared/dates.js';
import { caseCounts, prepareReports, rebuildBreaches } from '../../src/incidents/counters.js';
import { addRemedy, extendDeadline, submitExplanation, transition } from '../../src/incidents/handling.js';
import { recordExplanation } from '../../src/incidents/due-process.js';
import { listCases, type InboxFilters } from '../../src/incidents/inbox.js';
import { FINAL_STATUSES, IncidentReportModel, REPORT_STATUSES, type IncidentReport, type ReportStatus } from '../../src/incidents/model.js';
import { fileReport, type Reporter } from '../../src/incidents/service.js';
import type { ReportSettings } from '../../src/incidents/settings.js';
import { earlyWarnings } from '../../src/incidents/warnings.js';
import { PAGE_SIZE } from '../../src/shared/pagination.js';
import { StaffModel, type Staff } from '../../src/staff/model.js';
import type { Unit } from '../../src/units/model.js';
import { updateLogin } from '../../src/users/service.js';

/**
 * The reports inbox and the early warnings read counters kept at write time (src/incidents/counters.ts). These tests
 * file and handle cases through the reports services (fileReport, transition, submitExplanation, addRemedy,
 * extendDeadline), then compare the pages and the warnings with references computed here from the whole
 * collection, with the rules the pages had before the counters: the cases whose handler's path holds one of the
 * actor's head/admin units, minus those about the actor, filtered, newest received first.
 */

const settings = testConfig();
const DAY = 86_400_000;
const BIG_CODES = ['X1', 'X2', 'L3', 'K1', 'K2'];

type Case = IncidentReport;
const isOpen = (status: string) => !FINAL_STATUSES.includes(status as ReportStatus);
const newestFirst = (a: Case, b: Case) => b.receivedAt.getTime() - a.receivedAt.getTime() || String(b._id).localeCompare(String(a._id));
const same = (a: { toString(): string } | null | undefined, b: { toString(): string } | null | undefined) => a != null && b != null && String(a) === String(b);

// ---------- the world ----------

async function makeWorld() {
  const P = await makeUnit({ name: 'Tỉnh Điện Biên', kind: 'province' });
  const A = await makeUnit({ name: 'Xã Thanh Nưa', kind: 'commune', parent: P });
  const A1 = await makeUnit({ name: 'Bộ phận một cửa xã Thanh Nưa', kind: 'desk', parent: A });
  const A2 = await makeUnit({ name: 'Văn phòng UBND xã Thanh Nưa', kind: 'office', parent: A });
  const B = await makeUnit({ name: 'Xã Mường Nhé', kind: 'commune', parent: P });
  const B1 = await makeUnit({ name: 'Bộ phận một cửa xã Mường Nhé', kind: 'desk', parent: B });
  await makeCodeVersion(P);
  const staff = async (fullName: string, unit: Unit) => makeStaff({ fullName, unit });
  const chairA = await staff('Lò Văn Phích', A);
  const binh = await staff('Lường Văn Bình', A);
  const chien = await staff('Điêu Chính Chiến', A);
  const lan = await staff('Quàng Thị Lan', A1);
  const hoa = await staff('Cà Thị Hoa', A1);
  const tuan = await staff('Lò Văn Tuấn', A2);
  const mai = await staff('Nguyễn Thị Mai', A2);
  const pao = await staff('Giàng A Páo', B);
  const lu = await staff('Sùng A Lử', B1);
  const chu = await staff('Mùa A Chư', B1);
  const dotp = await staff('Vàng Thị Dợ', B);
  const user = async (displayName: string, roles: { role: 'admin' | 'head' | 'staff'; unit: Unit }[], staffId?: Types.ObjectId) => actorOf(await makeUser({ displayName, roles, staffId }));
  const headA = await user('Lò Văn Phích', [{ role: 'head', unit: A }, { role: 'staff', unit: A }], chairA._id);
  const headB = await user('Giàng A Dế', [{ role: 'head', unit: B }]);
  // the province's administrator is also on the staff of a commune office: cases about her go to the province, without her
  const adminP = await user('Nguyễn Thị Mai', [{ role: 'admin', unit: P }], mai._id);
  const adminP2 = await user('Quản trị Sở Nội vụ', [{ role: 'admin', unit: P }]);
  const lanUser = await user('Quàng Thị Lan', [{ role: 'staff', unit: A }], lan._id);
  const chienUser = await user('Điêu Chính Chiến', [{ role: 'staff', unit: A }], chien._id);
  return {
    P, A, A1, A2, B, B1,
    units: [P, A, A1, A2, B, B1],
    staff: { chairA, binh, chien, lan, hoa, tuan, mai, pao, lu, chu, dotp },
    staffOf: (commune: Unit): Staff[] => (same(commune._id, A._id) ? [chairA, binh, chien, lan, hoa, tuan, mai] : [pao, lu, chu, dotp]),
    headA, headB, adminP, adminP2, lanUser, chienUser,
    /** The account of a person reported about, who may explain. */
    subjects: new Map<string, Actor>([[String(chairA._id), headA], [String(mai._id), adminP], [String(lan._id), lanUser], [String(chien._id), chienUser]]),
  };
}
type World = Awaited<ReturnType<typeof makeWorld>>;

/** Times strictly increasing from the real clock: the cases are filed in the order of their receipt, as in the app. */
function clock() {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last);
  };
}

async function fileRandomCases(rnd: SeededRandom, w: World, n: number, opts: { codes: readonly string[]; maxCodes: number; staffChance: number; maxDaysAgo: number }): Promise<Case[]> {
  const tick = clock();
  const filed: Case[] = [];
  for (let i = 0; i < n; i++) {
    const commune = rnd.chance(0.6) ? w.A : w.B;
    const desk = same(commune._id, w.A._id) ? rnd.pick([null, null, w.A1, w.A2]) : rnd.pick([null, null, w.B1]);
    const subject = rnd.chance(opts.staffChance) ? rnd.pick(w.staffOf(commune)) : null;
    const now = tick();
    const r = rnd.next();
    const reporter: Reporter =
      r < 0.7 || same(subject?._id, w.staff.chien._id)
        ? { source: 'CITIZEN', anonymous: true }
        : r < 0.85
          ? { source: 'CITIZEN', anonymous: false, name: `Người dân ${i}`, phone: `09${String(10_000_000 + i)}` }
          : { source: 'PEER', actor: w.chienUser, kind: 'PHAN_ANH', anonymous: false };
    const { report } = await fileReport(
      {
        unitId: String(commune._id),
        deskId: desk ? String(desk._id) : undefined,
        staffId: subject ? String(subject._id) : undefined,
        criterionCodes: rnd.sample(opts.codes, rnd.int(1, opts.maxCodes)),
        occurredOn: new Date(vietnamDay(now).getTime() - rnd.int(0, opts.maxDaysAgo) * DAY),
        description: `Phản ánh số ${i}: cán bộ không chào, bắt chờ lâu.`,
      },
      reporter,
      settings,
      now,
    );
    filed.push(report);
  }
  return filed;
}

type Target = 'RECEIVED' | 'CLOSED_EARLY' | 'UNDER_REVIEW' | 'SUBSTANTIATED' | 'PARTLY_SUBSTANTIATED' | 'NOT_SUBSTANTIATED' | 'RESOLVED' | 'CLOSED_LATE';

function handlerOf(w: World, c: Case): Actor {
  if (same(c.handlerUnitId, w.A._id)) return w.headA;
  if (same(c.handlerUnitId, w.B._id)) return w.headB;
  return w.adminP2;
}

/** Moves a case through the workflow to a target, as its handler does (the subject explains first when they have an account). */
async function walk(w: World, c: Case, target: Target, s: ReportSettings = settings): Promise<void> {
  const id = String(c._id);
  const handler = handlerOf(w, c);
  const current = async () => (await IncidentReportModel.findById(c._id).select('status').lean())!.status;
  const go = (to: ReportStatus, extra: { confirmedCodes?: string[] } = {}) => transition(handler, id, { to, note: `Chuyển sang ${to}`, ...extra }, s);
  const review = async () => {
    if ((await current()) !== 'RECEIVED') return;
    await go('UNDER_REVIEW');
    const subject = c.staffId ? w.subjects.get(String(c.staffId)) : undefined;
    if (subject && c.excludedUserIds.length) await submitExplanation(subject, id, 'Tôi xin giải trình: hôm đó đông người.');
    // A subject without a login: the handler records the explanation received on paper.
    else if (c.staffId) await recordExplanation(handler, id, { channel: 'PAPER', receivedOn: vietnamDay(), text: 'Giải trình bằng văn bản.' });
  };
  switch (target) {
    case 'RECEIVED':
      return;
    case 'CLOSED_EARLY':
      return go('CLOSED');
    case 'UNDER_REVIEW':
      return review();
    case 'SUBSTANTIATED':
      await review();
      return go('SUBSTANTIATED');
    case 'PARTLY_SUBSTANTIATED':
      await review();
      return c.criterionCodes.length > 1 ? go('PARTLY_SUBSTANTIATED', { confirmedCodes: [c.criterionCodes[0]!] }) : go('SUBSTANTIATED');
    case 'NOT_SUBSTANTIATED':
      await review();
      return go('NOT_SUBSTANTIATED');
    case 'RESOLVED':
      if ((await current()) !== 'SUBSTANTIATED' && (await current()) !== 'PARTLY_SUBSTANTIATED') await walk(w, c, 'SUBSTANTIATED', s);
      await addRemedy(handler, id, { kind: 'REMINDER_TRAINING', note: 'Nhắc nhở trong cuộc họp cơ quan' });
      return go('RESOLVED');
    case 'CLOSED_LATE':
      if ((await current()) !== 'NOT_SUBSTANTIATED') await walk(w, c, 'NOT_SUBSTANTIATED', s);
      return go('CLOSED');
  }
}

const TARGETS: [Target, number][] = [
  ['RECEIVED', 18],
  ['CLOSED_EARLY', 8],
  ['UNDER_REVIEW', 14],
  ['SUBSTANTIATED', 15],
  ['PARTLY_SUBSTANTIATED', 10],
  ['NOT_SUBSTANTIATED', 10],
  ['RESOLVED', 12],
  ['CLOSED_LATE', 13],
];
const pickTarget = (rnd: SeededRandom) => rnd.pick(TARGETS.flatMap(([t, n]) => Array.from({ length: n }, () => t)));

/** Readers added after the cases were filed: people promoted to head of the commune their own cases are handled in. */
async function promote(w: World) {
  // Bình had no account when reported about: his cases do not name him in excludedUserIds, only by his staff record.
  const binhHead = actorOf(await makeUser({ displayName: 'Lường Văn Bình', roles: [{ role: 'head', unit: w.A }, { role: 'staff', unit: w.A }], staffId: w.staff.binh._id }));
  // Lan had an account (her cases exclude it) and is made head of her commune by the administrator.
  await updateLogin(w.adminP2, String(w.lanUser.userId), { displayName: 'Quàng Thị Lan', email: '', active: true, roles: [{ role: 'staff', unitId: String(w.A._id) }, { role: 'head', unitId: String(w.A._id) }] });
  const lanHead = actorOf((await UserModel.findById(w.lanUser.userId).lean())!);
  expect(scopeRoots(lanHead, 'head').map(String)).to.deep.equal([String(w.A._id)]);
  const headAB = actorOf(await makeUser({ displayName: 'Phó chủ tịch hai xã', roles: [{ role: 'head', unit: w.A }, { role: 'head', unit: w.B }] }));
  const nested = actorOf(await makeUser({ displayName: 'Thanh tra tỉnh', roles: [{ role: 'admin', unit: w.P }, { role: 'head', unit: w.A }] }));
  const nestedReversed = actorOf(await makeUser({ displayName: 'Thanh tra xã', roles: [{ role: 'head', unit: w.A }, { role: 'admin', unit: w.P }] }));
  return { adminP: w.adminP, adminP2: w.adminP2, headA: w.headA, headB: w.headB, headAB, nested, nestedReversed, binhHead, lanHead } as Record<string, Actor>;
}

// ---------- references ----------

function referenceInbox(all: readonly Case[], actor: Actor, f: InboxFilters, now: Date): Case[] {
  const roots = new Set(scopeRoots(actor, 'head', 'admin').map(String));
  const today = vietnamDay(now).getTime();
  const cutoff = f.olderThanDays ? now.getTime() - f.olderThanDays * DAY : null;
  return all
    .filter((r) => r.handlerUnitPath.some((h) => roots.has(String(h))))
    .filter((r) => !r.excludedUserIds.some((id) => same(id, actor.userId)))
    .filter((r) => !(actor.staffId && same(r.staffId, actor.staffId)))
    .filter((r) => !f.status || r.status === f.status)
    .filter((r) => !f.criterion || r.criterionCodes.includes(f.criterion))
    .filter((r) => !f.unitId || r.unitPath.some((u) => same(u, f.unitId)))
    .filter((r) => cutoff == null || r.receivedAt.getTime() < cutoff)
    .filter((r) => !f.overdue || (isOpen(r.status) && r.dueAt != null && r.dueAt.getTime() < today))
    .sort(newestFirst);
}

const lateAt = (r: Pick<Case, 'dueAt' | 'status'>, now: Date) => r.dueAt != null && isOpen(r.status) && vietnamDay(now).getTime() > r.dueAt.getTime();

type Mismatch = string;

function describeFilter(f: Omit<InboxFilters, 'page'>, now: Date, base: number): string {
  return JSON.stringify({ ...f, unitId: f.unitId ? String(f.unitId).slice(-6) : undefined, now: `${((now.getTime() - base) / DAY).toFixed(3)}d` });
}

/** Compares every interesting page of one inbox view with the reference (ids, order, late flags, pager); returns what differs. */
async function compareInbox(all: readonly Case[], who: string, actor: Actor, f: Omit<InboxFilters, 'page'>, now: Date, base: number): Promise<Mismatch[]> {
  const rows = referenceInbox(all, actor, { ...f, page: 1 }, now);
  const out: Mismatch[] = [];
  for (const page of pagesToCheck(rows.length, PAGE_SIZE)) {
    const want = referencePage(rows, page, PAGE_SIZE);
    const got = await listCases(actor, { ...f, page }, now);
    const gotRows = got.rows.map((r) => `${String(r._id)}${r.late ? '!' : ''}`);
    const wantRows = want.rows.map((r) => `${String(r._id)}${lateAt(r, now) ? '!' : ''}`);
    if (JSON.stringify([gotRows, got.pager]) !== JSON.stringify([wantRows, want.pager])) {
      const note = JSON.stringify(gotRows) === JSON.stringify(wantRows) ? 'the same rows' : gotRows.length === wantRows.length && gotRows.every((id) => wantRows.includes(id)) ? 'the same rows in another order' : 'other rows';
      out.push(`${who} ${describeFilter(f, now, base)} page ${page}: got page ${got.pager.page}/${got.pager.pages} of ${got.pager.total} (${gotRows.length} rows), want page ${want.pager.page}/${want.pager.pages} of ${want.pager.total} (${wantRows.length} rows): ${note}`);
    }
  }
  return out;
}

function expectNoMismatch(mismatches: Mismatch[]): void {
  expect(mismatches.slice(0, 12), `${mismatches.length} pages differ from the reference`).to.deep.equal([]);
}

/** Asserts that no case is pending and each carries the keys of its rank (by receipt) in each of its sequences. */
function expectCasesNumberedInOrder(all: readonly Case[]): void {
  const counts = new Map<string, number>();
  const wrong: string[] = [];
  for (const c of [...all].sort((a, b) => -newestFirst(a, b))) {
    const keys: string[] = [];
    const unitPath = c.unitPath.map(String);
    for (const h of c.handlerUnitPath.map(String)) {
      const below = unitPath.slice(unitPath.indexOf(h) + 1);
      for (const dim of ['all', ...new Set(c.criterionCodes.map((code) => `c:${code}`)), ...below.map((u) => `u:${u}`)]) {
        const n = (counts.get(`${h}|${dim}`) ?? 0) + 1;
        counts.set(`${h}|${dim}`, n);
        keys.push(`${h}|${dim}|${Math.floor((n - 1) / BUCKET)}`);
      }
    }
    const stored = (c as Case & { seqKeys: string[]; seqPending: boolean }).seqKeys;
    if ((c as { seqPending?: boolean }).seqPending || JSON.stringify([...stored].sort()) !== JSON.stringify(keys.sort())) wrong.push(c.caseNumber);
  }
  expect(wrong).to.deep.equal([]);
}

async function loadCases(): Promise<Case[]> {
  return IncidentReportModel.find({}).lean<Case[]>();
}

// ---------- the inbox ----------

describe('reports inbox pages read through the numbering, against a reference over every case', function () {
  this.timeout(900_000);
  const rnd = seededRandom(20261203);
  let w: World;
  let filed: Case[];
  let all: Case[];
  let readers: Record<string, Actor>;
  /** The real time the queries are made from (later query dates are offsets from it). */
  let base: number;
  const at = (days: number) => new Date(base + days * DAY);

  before(async () => {
    await clearDatabase();
    w = await makeWorld();
    await prepareReports({ threshold: settings.EARLY_WARNING_THRESHOLD, days: settings.EARLY_WARNING_WINDOW_DAYS });
    filed = await fileRandomCases(rnd, w, 240, { codes: BIG_CODES, maxCodes: 3, staffChance: 0.7, maxDaysAgo: 300 });
    for (const c of filed) {
      await walk(w, c, pickTarget(rnd));
      const status = (await IncidentReportModel.findById(c._id).select('status').lean())!.status;
      if (isOpen(status) && rnd.chance(0.3)) await extendDeadline(handlerOf(w, c), String(c._id), { days: rnd.int(1, 15), reason: 'Cần thêm thời gian xác minh' });
    }
    readers = await promote(w);
    all = await loadCases();
    base = Date.now();
  });

  it('when cases are filed in order of receipt, then each is numbered as it is filed: none pending, its keys are its rank overall, per criterion and per unit below each handling unit', async () => {
    expect(all).to.have.length(240);
    expectCasesNumberedInOrder(all);
  });

  it('when cases change status, then the status counters of each unit equal the reference count of its cases by status', async () => {
    for (const unit of w.units) {
      const want: Record<string, number> = {};
      for (const c of all.filter((r) => r.handlerUnitPath.some((h) => same(h, unit._id)))) want[c.status] = (want[c.status] ?? 0) + 1;
      const got = Object.fromEntries(Object.entries((await caseCounts(unit._id)).byStatus).filter(([, n]) => n !== 0));
      expect(got, unit.name).to.deep.equal(want);
    }
  });

  it('when each reader opens the inbox without filters, then every page (first, second, middle, last, beyond) has the reference rows, order, late flags and totals', async () => {
    const mismatches: Mismatch[] = [];
    for (const [who, actor] of Object.entries(readers)) for (const d of [0, 9]) mismatches.push(...(await compareInbox(all, who, actor, {}, at(d), base)));
    expectNoMismatch(mismatches);
    expect(referenceInbox(all, readers.adminP2!, { page: 1 }, at(0)).length, 'the province reads many buckets').to.be.greaterThan(8 * BUCKET);
  });

  it('when the inbox is filtered by status (open ones and final ones), then the pages equal the reference', async () => {
    const byStatus = (s: string) => all.filter((c) => c.status === s).length;
    for (const s of REPORT_STATUSES) expect(byStatus(s), s).to.be.greaterThan(0);
    expect(byStatus('CLOSED')).to.be.greaterThan(BUCKET);
    const mismatches: Mismatch[] = [];
    for (const [who, actor] of Object.entries(readers)) {
      for (const status of REPORT_STATUSES) mismatches.push(...(await compareInbox(all, who, actor, { status }, at(0), base)));
      mismatches.push(...(await compareInbox(all, who, actor, { status: 'UNDER_REVIEW' }, at(12), base)));
      mismatches.push(...(await compareInbox(all, who, actor, { status: 'CLOSED', criterion: 'K1' }, at(0), base)));
    }
    expectNoMismatch(mismatches);
  });

  it('when the inbox is filtered by overdue cases at several later dates, alone or with a status, unit or criterion, then the pages equal the reference', async () => {
    const overdueAt = (d: number) => referenceInbox(all, readers.adminP2!, { overdue: true, page: 1 }, at(d)).length;
    expect(overdueAt(8), 'some open cases are overdue 8 days on').to.be.greaterThan(0);
    expect(overdueAt(8), 'and some are not').to.be.lessThan(referenceInbox(all, readers.adminP2!, { page: 1 }, at(8)).filter((c) => isOpen(c.status)).length);
    const mismatches: Mismatch[] = [];
    for (const [who, actor] of Object.entries(readers)) {
      for (const d of [0, 3, 8, 13, 20, 45]) mismatches.push(...(await compareInbox(all, who, actor, { overdue: true }, at(d), base)));
      mismatches.push(...(await compareInbox(all, who, actor, { overdue: true, status: 'RECEIVED' }, at(5), base)));
      mismatches.push(...(await compareInbox(all, who, actor, { overdue: true, status: 'SUBSTANTIATED' }, at(20), base)));
      mismatches.push(...(await compareInbox(all, who, actor, { overdue: true, status: 'CLOSED' }, at(20), base)));
      mismatches.push(...(await compareInbox(all, who, actor, { overdue: true, unitId: w.A1._id }, at(13), base)));
      mismatches.push(...(await compareInbox(all, who, actor, { overdue: true, criterion: 'X2' }, at(13), base)));
    }
    expectNoMismatch(mismatches);
  });

  it('when the inbox is filtered by unit (the province, a commune, a desk, an office), alone or with a criterion or a status, then the pages equal the reference', async () => {
    const mismatches: Mismatch[] = [];
    for (const [who, actor] of Object.entries(readers)) {
      for (const unit of w.units) {
        mismatches.push(...(await compareInbox(all, who, actor, { unitId: unit._id }, at(0), base)));
        mismatches.push(...(await compareInbox(all, who, actor, { unitId: unit._id, criterion: rnd.pick(BIG_CODES) }, at(0), base)));
        mismatches.push(...(await compareInbox(all, who, actor, { unitId: unit._id, status: rnd.pick(['CLOSED', 'RESOLVED', 'RECEIVED'] as const) }, at(4), base)));
      }
    }
    expectNoMismatch(mismatches);
  });

  it('when the inbox is filtered by criterion, alone or with a final status, then the pages equal the reference', async () => {
    const mismatches: Mismatch[] = [];
    for (const [who, actor] of Object.entries(readers)) {
      for (const criterion of [...BIG_CODES, 'K5']) mismatches.push(...(await compareInbox(all, who, actor, { criterion }, at(0), base)));
      mismatches.push(...(await compareInbox(all, who, actor, { criterion: 'L3', status: 'RESOLVED' }, at(0), base)));
    }
    expectNoMismatch(mismatches);
  });

  it('when "received more than N days ago" cuts inside a bucket, alone or with a unit, criterion or final status, then the pages equal the reference', async () => {
    const times = [...all].sort((a, b) => -newestFirst(a, b)).map((c) => c.receivedAt.getTime());
    // the cut after case k: k + 1 cases are older; pick cuts that are not at a bucket's edge of the province's sequence
    const cuts = rnd.sample(times.map((_, k) => k).filter((k) => (k + 1) % BUCKET !== 0 && k < times.length - 1), 4);
    const mismatches: Mismatch[] = [];
    for (const k of cuts) {
      for (const days of [7, 30, 90]) {
        const now = new Date(times[k]! + days * DAY + 1);
        for (const [who, actor] of Object.entries(readers)) {
          mismatches.push(...(await compareInbox(all, who, actor, { olderThanDays: days }, now, base)));
          if (days === 30 && ['adminP2', 'headAB', 'nested', 'lanHead'].includes(who)) {
            mismatches.push(...(await compareInbox(all, who, actor, { olderThanDays: days, unitId: w.A._id }, now, base)));
            mismatches.push(...(await compareInbox(all, who, actor, { olderThanDays: days, criterion: 'K1' }, now, base)));
            mismatches.push(...(await compareInbox(all, who, actor, { olderThanDays: days, status: 'CLOSED' }, now, base)));
            mismatches.push(...(await compareInbox(all, who, actor, { olderThanDays: days, status: 'UNDER_REVIEW' }, now, base)));
          }
        }
      }
    }
    expectNoMismatch(mismatches);
  });

  it('when a head was reported about before being made head of the commune that handles those cases, then their inbox leaves those cases out, as the reference, page by page', async () => {
    const aboutBinh = all.filter((c) => same(c.staffId, w.staff.binh._id) && c.handlerUnitPath.some((h) => same(h, w.A._id)));
    const aboutLan = all.filter((c) => same(c.staffId, w.staff.lan._id) && c.handlerUnitPath.some((h) => same(h, w.A._id)));
    expect(aboutBinh.length).to.be.greaterThan(3);
    expect(aboutLan.length).to.be.greaterThan(3);
    expect(aboutBinh.every((c) => c.excludedUserIds.length === 0), 'Bình had no account when reported').to.equal(true);
    expect(aboutLan.every((c) => c.excludedUserIds.some((id) => same(id, w.lanUser.userId))), "Lan's account is excluded from her cases").to.equal(true);
    const mismatches: Mismatch[] = [];
    for (const [who, own] of [['binhHead', aboutBinh], ['lanHead', aboutLan]] as const) {
      const actor = readers[who]!;
      for (const f of [{}, { status: 'CLOSED' as const }, { status: 'RECEIVED' as const }, { criterion: 'X1' }, { unitId: w.A1._id }, { overdue: true }]) {
        mismatches.push(...(await compareInbox(all, who, actor, f, at(10), base)));
        const seen = new Set<string>();
        for (let page = 1; page <= 12; page++) for (const r of (await listCases(actor, { ...f, page }, at(10))).rows) seen.add(String(r._id));
        expect(own.filter((c) => seen.has(String(c._id))).map((c) => c.caseNumber), `${who} ${JSON.stringify(f)}`).to.deep.equal([]);
      }
    }
    expectNoMismatch(mismatches);
  });

  it('when filters are combined at random (seeded), then every page checked equals the reference', async () => {
    const times = all.map((c) => c.receivedAt.getTime());
    const mismatches: Mismatch[] = [];
    const whos = Object.keys(readers);
    for (let i = 0; i < 150; i++) {
      const who = rnd.pick(whos);
      const f: Omit<InboxFilters, 'page'> = {};
      if (rnd.chance(0.45)) f.status = rnd.pick(REPORT_STATUSES);
      if (rnd.chance(0.35)) f.criterion = rnd.pick(BIG_CODES);
      if (rnd.chance(0.35)) f.unitId = rnd.pick(w.units)._id;
      if (rnd.chance(0.25)) f.overdue = true;
      let now = at(rnd.pick([0, 2, 6, 11, 16, 30]));
      if (rnd.chance(0.3)) {
        f.olderThanDays = rnd.pick([7, 30, 90]);
        now = new Date(rnd.pick(times) + f.olderThanDays * DAY + rnd.pick([1, -1, 0]));
      }
      mismatches.push(...(await compareInbox(all, who, readers[who]!, f, now, base)));
    }
    expectNoMismatch(mismatches);
  });

  // Last: it changes the cases. Pages once read are kept in memory until a case changes (the sequence index's buckets).
  it('when cases move on after every reader has read their inbox, then the next reads show the new statuses, as the reference', async () => {
    for (const [who, actor] of Object.entries(readers)) expectNoMismatch(await compareInbox(all, who, actor, {}, at(0), base));
    const received = all.filter((c) => c.status === 'RECEIVED').slice(0, 12);
    expect(received.length, 'cases still received').to.be.greaterThan(5);
    for (const c of received) await walk(w, c, 'UNDER_REVIEW');
    const before = new Map(all.map((c) => [String(c._id), c.status]));
    all = await loadCases();
    expect(received.map((c) => [before.get(String(c._id)), all.find((a) => same(a._id, c._id))!.status])).to.deep.equal(received.map(() => ['RECEIVED', 'UNDER_REVIEW']));
    const mismatches: Mismatch[] = [];
    for (const [who, actor] of Object.entries(readers)) mismatches.push(...(await compareInbox(all, who, actor, {}, at(0), base)), ...(await compareInbox(all, who, actor, { status: 'UNDER_REVIEW' }, at(0), base)));
    expectNoMismatch(mismatches);
  });
});

describe('reports inbox when cases reach the numbering out of the order of their receipt', function () {
  this.timeout(600_000);
  const rnd = seededRandom(31_337);

  it('when cases received earlier are filed after later ones (a slow request), then once read the pages equal the reference and every case ends numbered in time order', async () => {
    await clearDatabase();
    const w = await makeWorld();
    await prepareReports({ threshold: settings.EARLY_WARNING_THRESHOLD, days: settings.EARLY_WARNING_WINDOW_DAYS });
    const t0 = Date.now();
    const receipts = Array.from({ length: 60 }, (_, i) => new Date(t0 - (60 - i) * 1000));
    for (const now of rnd.shuffle(receipts)) {
      const commune = rnd.pick([w.A, w.B]);
      await fileReport(
        { unitId: String(commune._id), staffId: rnd.chance(0.5) ? String(rnd.pick(w.staffOf(commune))._id) : undefined, criterionCodes: rnd.sample(BIG_CODES, rnd.int(1, 2)), occurredOn: vietnamDay(now), description: 'Nộp muộn.' },
        { source: 'CITIZEN', anonymous: true },
        settings,
        now,
      );
    }
    const readers = await promote(w);
    const all = await loadCases();
    const now = new Date();
    const mismatches: Mismatch[] = [];
    // a week on, "received more than 7 days ago" cuts the receipts in the middle
    const weekOn = new Date(t0 - 30_000 + 7 * DAY);
    for (const [who, actor] of Object.entries(readers)) {
      for (const f of [{}, { criterion: 'K1' }, { unitId: w.A._id }, { status: 'RECEIVED' as const }]) mismatches.push(...(await compareInbox(all, who, actor, f, now, t0)));
      mismatches.push(...(await compareInbox(all, who, actor, { olderThanDays: 7 }, weekOn, t0)));
    }
    expectNoMismatch(mismatches);
    expectCasesNumberedInOrder(await loadCases());
  });
});

// ---------- early warnings ----------

function referenceWarnings(all: readonly Case[], actor: Actor, s: ReportSettings, now: Date, names: Map<string, string>): string[] {
  const roots = new Set(scopeRoots(actor, 'head', 'admin').map(String));
  const since = now.getTime() - s.EARLY_WARNING_WINDOW_DAYS * DAY;
  const byKey = new Map<string, Set<string>>();
  for (const r of all) {
    if (!r.substantiated) continue;
    const t = r.occurredAt.getTime();
    if (t < since || t > now.getTime()) continue;
    if (!r.unitPath.some((u) => roots.has(String(u)))) continue;
    if (r.excludedUserIds.some((id) => same(id, actor.userId))) continue;
    for (const key of r.breachKeys) byKey.set(key, (byKey.get(key) ?? new Set()).add(String(r._id)));
  }
  return [...byKey.entries()]
    .filter(([, ids]) => ids.size >= s.EARLY_WARNING_THRESHOLD)
    .map(([key, ids]) => {
      const [kind, id, code] = key.split(':') as [string, string, string];
      return { kind: kind === 'D' ? 'DESK' : 'STAFF', id, code, count: ids.size };
    })
    .filter((x) => !(actor.staffId && x.kind === 'STAFF' && x.id === String(actor.staffId)))
    .map((x) => `${x.kind} ${names.get(x.id) ?? '?'} ${x.code} ×${x.count}`)
    .sort();
}

describe('early warnings read from the breach counters, against a reference count of substantiated reports in the window', function () {
  this.timeout(900_000);
  const rnd = seededRandom(7_180_002);
  let w: World;
  let filed: Case[];
  let readers: Record<string, Actor>;
  let names: Map<string, string>;

  async function compareWarnings(s: ReportSettings, now: Date): Promise<string[]> {
    const all = await loadCases();
    const out: string[] = [];
    for (const [who, actor] of Object.entries(readers)) {
      const got = (await earlyWarnings(actor, s, now)).map((x) => `${x.kind} ${x.name} ${x.criterionCode} ×${x.count}`).sort();
      const want = referenceWarnings(all, actor, s, now, names);
      if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${who} at ${now.toISOString()} (${s.EARLY_WARNING_THRESHOLD}/${s.EARLY_WARNING_WINDOW_DAYS}d): got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
    return out;
  }

  before(async () => {
    await clearDatabase();
    w = await makeWorld();
    await prepareReports({ threshold: settings.EARLY_WARNING_THRESHOLD, days: settings.EARLY_WARNING_WINDOW_DAYS });
    filed = await fileRandomCases(rnd, w, 110, { codes: ['X1', 'K1', 'L3'], maxCodes: 2, staffChance: 0.85, maxDaysAgo: 260 });
    readers = await promote(w);
    names = new Map([...Object.values(w.staff).map((s) => [String(s._id), s.fullName] as const), ...w.units.map((u) => [String(u._id), u.name] as const)]);
  });

  it('when cases are substantiated (fully or partly) or not, in two rounds after the warnings were first read, then after each round every reader gets the reference warnings', async () => {
    expect(await compareWarnings(settings, new Date())).to.deep.equal([]);
    const half = Math.floor(filed.length / 2);
    const findings: Target[] = ['SUBSTANTIATED', 'SUBSTANTIATED', 'PARTLY_SUBSTANTIATED', 'NOT_SUBSTANTIATED', 'UNDER_REVIEW'];
    for (const c of filed.slice(0, half)) await walk(w, c, rnd.pick(findings));
    expect(await compareWarnings(settings, new Date())).to.deep.equal([]);
    for (const c of filed.slice(half)) await walk(w, c, rnd.pick(findings));
    const mismatches = await compareWarnings(settings, new Date());
    expect(mismatches).to.deep.equal([]);
    const all = await loadCases();
    expect(referenceWarnings(all, readers.adminP2!, settings, new Date(), names).length, 'warnings to compare').to.be.greaterThan(3);
  });

  it('when substantiated cases are then resolved and not-substantiated ones closed, then every reader still gets the reference warnings (a resolved case stays substantiated)', async () => {
    const all = await loadCases();
    const toResolve = all.filter((c) => c.status === 'SUBSTANTIATED' || c.status === 'PARTLY_SUBSTANTIATED').slice(0, 20);
    const toClose = all.filter((c) => c.status === 'NOT_SUBSTANTIATED').slice(0, 10);
    expect(toResolve.length).to.be.greaterThan(5);
    for (const c of toResolve) await walk(w, c, 'RESOLVED');
    for (const c of toClose) await walk(w, c, 'CLOSED_LATE');
    const after = await loadCases();
    const resolvedKeys = new Set(after.filter((c) => c.status === 'RESOLVED').flatMap((c) => c.breachKeys));
    const warned = referenceWarnings(after, readers.adminP2!, settings, new Date(), names);
    expect(warned.length).to.be.greaterThan(0);
    expect(resolvedKeys.size, 'resolved cases carry breaches').to.be.greaterThan(0);
    expect(await compareWarnings(settings, new Date())).to.deep.equal([]);
  });

  it('when the warning window setting changes (3 in 60 days) and back, then every reader gets the reference warnings for the setting in force', async () => {
    const other: ReportSettings = { ...settings, EARLY_WARNING_THRESHOLD: 3, EARLY_WARNING_WINDOW_DAYS: 60 };
    expect(await compareWarnings(other, new Date())).to.deep.equal([]);
    expect(await compareWarnings(settings, new Date())).to.deep.equal([]);
  });

  it('when one read uses another warning window (3 in 60 days) and the next the usual one, then the reader gets the reference warnings for the usual one', async () => {
    const other: ReportSettings = { ...settings, EARLY_WARNING_THRESHOLD: 3, EARLY_WARNING_WINDOW_DAYS: 60 };
    try {
      await earlyWarnings(readers.adminP2!, settings);
      await earlyWarnings(readers.adminP2!, other);
      expect(await compareWarnings(settings, new Date())).to.deep.equal([]);
    } finally {
      // the flags of the usual window again, whatever happened above, for the tests after this one
      await rebuildBreaches({ threshold: settings.EARLY_WARNING_THRESHOLD, days: settings.EARLY_WARNING_WINDOW_DAYS });
    }
  });

  it('when the warnings are read at later dates (incidents leaving the window), then at each date every reader gets the reference warnings', async () => {
    const now = Date.now();
    const mismatches: string[] = [];
    for (const d of [15, 45, 100, 200]) mismatches.push(...(await compareWarnings(settings, new Date(now + d * DAY))));
    expect(mismatches).to.deep.equal([]);
  });
});

describe('early warnings across roots and around midnight in Việt Nam, against the reference count', function () {
  this.timeout(300_000);
  let w: World;
  let names: Map<string, string>;

  beforeEach(async () => {
    await clearDatabase();
    w = await makeWorld();
    await prepareReports({ threshold: settings.EARLY_WARNING_THRESHOLD, days: settings.EARLY_WARNING_WINDOW_DAYS });
    names = new Map([...Object.values(w.staff).map((s) => [String(s._id), s.fullName] as const), ...w.units.map((u) => [String(u._id), u.name] as const)]);
  });

  async function substantiatedCase(unit: Unit, staffId: Types.ObjectId, occurredOn: Date, at: () => Date) {
    const { report } = await fileReport({ unitId: String(unit._id), staffId: String(staffId), criterionCodes: ['K2'], occurredOn, description: 'Cán bộ hách dịch.' }, { source: 'CITIZEN', anonymous: true }, settings, at());
    const handler = handlerOf(w, report);
    await transition(handler, String(report._id), { to: 'UNDER_REVIEW', note: 'Xác minh' }, settings, at());
    const explainedAt = at();
    await recordExplanation(handler, String(report._id), { channel: 'IN_PERSON', receivedOn: vietnamDay(explainedAt), text: 'Trình bày trực tiếp.' }, explainedAt);
    await transition(handler, String(report._id), { to: 'SUBSTANTIATED', note: 'Có cơ sở' }, settings, at());
    return report;
  }

  it('when a person moved from one commune to another has one substantiated case in each, then a head of both communes gets the warning the reference counts', async () => {
    const son = await makeStaff({ fullName: 'Lý Văn Sơn', unit: w.A });
    const tick = clock();
    await substantiatedCase(w.A, son._id, new Date(vietnamDay(new Date()).getTime() - 20 * DAY), tick);
    // transferred to the other commune (the staff record follows its unit)
    await StaffModel.updateOne({ _id: son._id }, { $set: { unitId: w.B._id, unitPath: w.B.path } });
    await substantiatedCase(w.B, son._id, new Date(vietnamDay(new Date()).getTime() - 5 * DAY), tick);
    names.set(String(son._id), son.fullName);
    const headAB = actorOf(await makeUser({ displayName: 'Phó chủ tịch hai xã', roles: [{ role: 'head', unit: w.A }, { role: 'head', unit: w.B }] }));
    const all = await loadCases();
    const now = new Date();
    const want = referenceWarnings(all, headAB, settings, now, names);
    expect(want).to.deep.equal(['STAFF Lý Văn Sơn K2 ×2']);
    const got = (await earlyWarnings(headAB, settings, now)).map((x) => `${x.kind} ${x.name} ${x.criterionCode} ×${x.count}`).sort();
    expect(got).to.deep.equal(want);
  });

  it("when a case about an incident of the current Vietnamese day is substantiated before 07:00 there (still the day before in UTC), then the warnings read later that day equal the reference", async () => {
    const tung = await makeStaff({ fullName: 'Hà Văn Tùng', unit: w.B });
    const today = vietnamDay(new Date());
    let t = today.getTime() - 6 * 3_600_000; // 01:00 in Việt Nam, 18:00 UTC the day before
    const early = () => new Date((t += 60_000));
    await substantiatedCase(w.B, tung._id, new Date(today.getTime() - 10 * DAY), early);
    await substantiatedCase(w.B, tung._id, today, early);
    names.set(String(tung._id), tung.fullName);
    const all = await loadCases();
    const readAt = new Date(today.getTime() + 2 * 3_600_000); // 09:00 in Việt Nam
    const want = referenceWarnings(all, w.headB, settings, readAt, names);
    expect(want).to.deep.equal(['STAFF Hà Văn Tùng K2 ×2']);
    const got = (await earlyWarnings(w.headB, settings, readAt)).map((x) => `${x.kind} ${x.name} ${x.criterionCode} ×${x.count}`).sort();
    expect(got).to.deep.equal(want);
  });
});
