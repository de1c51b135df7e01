import { vietnamMoment, vietnamDayStart, vietnamDay } from '../../src/shared/dates.js';
import { expect } from 'chai';
import { settleBackgroundWork } from '../../src/shared/process-caches.js';
import { Types } from 'mongoose';
import { clearDatabase } from '../helpers/db.js';
import { makeUnit, makeUser } from '../helpers/factories.js';
import { pagesToCheck, referencePage, seededRandom, type SeededRandom } from '../helpers/seeded-random.js';
import type { Actor } from '../../src/auth/actor.js';
import { UserModel } from '../../src/auth/model.js';
import { actorOf } from '../../src/auth/service.js';
import { AuditEntryModel, AuditSequenceModel } from '../../src/audit/model.js';
import { filterChoices, searchAudit, type AuditFilter } from '../../src/audit/queries.js';
import { auditIndex, BUCKET, dimOfField, NUMBERED_MARKER, prepareAuditLog, record, wordStartPrefixes } from '../../src/audit/service.js';
import type { Unit } from '../../src/units/model.js';
import { PAGE_SIZE } from '../../src/shared/pagination.js';
import { updateLogin } from '../../src/users/service.js';
import { foldForSearch } from '../../src/shared/text.js';

/**
 * The audit log's pages read through write-time numbering (src/audit/sequences.ts). These tests write a log through
 * audit's `record`, then compare every page the administrator can ask for with a reference computed here from the
 * whole collection: the entries whose unitPath holds one of the actor's admin units, filtered, newest first by
 * (at, _id), 25 a page, a page beyond the last showing the last.
 */

const DAY = 86_400_000;

type Entry = { _id: Types.ObjectId; at: Date; actorId: Types.ObjectId | null; actorName: string; objectType: string; objectId: Types.ObjectId; action: string; unitPath: Types.ObjectId[]; seqKeys: string[]; seqPending: boolean };

const ACTIONS: Record<string, string[]> = {
  unit: ['create', 'update', 'rename'],
  staff: ['create', 'update', 'import'],
  report: ['create', 'transition', 'note', 'reply'],
  period: ['create', 'open', 'close', 'remind'],
  user: ['create', 'update', 'resetPassword'],
  lateDossier: ['create', 'issueSlip'],
  // actions with a dot are stored escaped in the counters (dimField)
  evaluation: ['selfAssessment.submit', 'headEvaluation.finalise'],
};
const TYPES = Object.keys(ACTIONS);
const ALL_ACTIONS = [...new Set(Object.values(ACTIONS).flat())].sort();

const NAMED_WRITERS = ['Nguyễn Thị Hoa', 'Nguyễn Văn Hùng', 'Lò Văn Phích', 'Giàng A Dế', 'Quàng Thị Lan', 'Trần Văn Nam', 'Đặng Đình Đức', 'Lường Thị Thu'];
/** More than MERGE_ACTORS (20) people answer to "nguyen": the log is then walked with the actor as a condition. */
const NGUYEN_HUU = ['An', 'Bảo', 'Cường', 'Dũng', 'Giang', 'Hải', 'Khánh', 'Long', 'Mạnh', 'Nghĩa', 'Phúc', 'Quân', 'Sơn', 'Tâm', 'Uy', 'Vinh', 'Xuân', 'Yên', 'Toàn', 'Thắng', 'Kiên', 'Lộc'].map((g) => `Nguyễn Hữu ${g}`);
/** Name searches made of whole words or word beginnings (the "inside a word" case is its own test). */
const NAME_QUERIES = ['nguyen', 'Nguyễn Hữu', 'nguyen huu lo', 'nguyen thi', 'NGUYỄN VĂN', 'lo van', 'phich', 'Đặng Đình', 'đức', 'thi', 'van', 'hoa', 'system', 'sys', 'giang a de', 'zzz'];

/** 00:00 in Việt Nam of a calendar day, as the page reads a dd/MM/yyyy bound. */
const localDayStart = vietnamDayStart;
/** The calendar day of a moment in Việt Nam (UTC midnight, as the route parses dd/MM/yyyy). */
const calendarDay = vietnamDay;
const newestFirst = (a: Entry, b: Entry) => b.at.getTime() - a.at.getTime() || String(b._id).localeCompare(String(a._id));
const oldestFirst = (a: Entry, b: Entry) => -newestFirst(a, b);

/** The reference: one pass over the whole collection, as the page read it before the numbering. */
function referenceRows(all: readonly Entry[], actor: Actor, filter: AuditFilter): Entry[] {
  // Administrators and heads read the log of their units.
  const roots = new Set(actor.roles.filter((g) => g.role === 'admin' || g.role === 'head').map((g) => String(g.unitId)));
  const name = filter.actorName ? foldForSearch(filter.actorName) : '';
  const from = filter.from ? localDayStart(filter.from).getTime() : -Infinity;
  let to = Infinity;
  if (filter.to) to = localDayStart(new Date(filter.to.getTime() + DAY)).getTime();
  return all
    .filter((e) => e.unitPath.some((u) => roots.has(String(u))))
    .filter((e) => !filter.objectType || e.objectType === filter.objectType)
    .filter((e) => !filter.action || e.action === filter.action)
    .filter((e) => !name || foldForSearch(e.actorName).includes(name))
    .filter((e) => e.at.getTime() >= from && e.at.getTime() < to)
    .sort(newestFirst);
}

/** Every key an entry should carry and every counter the log should hold, from the entries' (at, _id) order. */
function expectedNumbering(all: readonly Entry[]) {
  const counts = new Map<string, Record<string, number>>();
  const keys = new Map<string, string[]>();
  for (const e of [...all].sort(oldestFirst)) {
    const mine: string[] = [];
    for (const unit of e.unitPath) {
      const scope = String(unit);
      const actorDim = `u:${e.actorId ? String(e.actorId) : 'system'}`;
      for (const dim of ['all', `t:${e.objectType}`, `a:${e.action}`, `ta:${e.objectType}:${e.action}`, actorDim]) {
        const counter = dim.startsWith('u:') ? `${scope}|${dim}` : scope;
        const n = counts.get(counter) ?? {};
        counts.set(counter, n);
        n[dim] = (n[dim] ?? 0) + 1;
        mine.push(`${scope}|${dim}|${Math.floor((n[dim] - 1) / BUCKET)}`);
      }
    }
    keys.set(String(e._id), mine.sort());
  }
  return { counts, keys };
}

async function loadLog(): Promise<Entry[]> {
  return AuditEntryModel.find({}).lean<Entry[]>();
}

/** Asserts that every entry is numbered (no pending flag) with the keys of its rank, and every counter holds its count. */
async function expectNumberedInOrder(): Promise<void> {
  await settleBackgroundWork(); // entries are numbered just after they are written
  const all = await loadLog();
  const expected = expectedNumbering(all);
  expect(all.filter((e) => e.seqPending).map((e) => String(e._id)), 'entries left pending').to.deep.equal([]);
  const wrongKeys = all.filter((e) => JSON.stringify([...e.seqKeys].sort()) !== JSON.stringify(expected.keys.get(String(e._id))));
  expect(wrongKeys.map((e) => ({ id: String(e._id), at: e.at.toISOString(), stored: [...e.seqKeys].sort(), expected: expected.keys.get(String(e._id)) })).slice(0, 3), 'entries whose keys are not their rank').to.deep.equal([]);
  const counters = (await AuditSequenceModel.find({}).lean<{ _id: string; n?: Record<string, number> }[]>()).filter((c) => c._id !== NUMBERED_MARKER);
  // counter fields are dimensions with dots escaped (dimField): read them back as dimensions
  const stored = new Map(counters.map((c) => [c._id, Object.fromEntries(Object.entries(c.n ?? {}).filter(([, v]) => v !== 0).map(([k, v]) => [dimOfField(k), v]))]));
  const ids = [...new Set([...stored.keys(), ...expected.counts.keys()])].sort();
  const differing = ids.filter((id) => JSON.stringify(Object.entries(stored.get(id) ?? {}).sort()) !== JSON.stringify(Object.entries(expected.counts.get(id) ?? {}).sort()));
  expect(differing.map((id) => ({ id, stored: stored.get(id) ?? null, expected: expected.counts.get(id) ?? null })).slice(0, 5), 'counters that differ from the counts').to.deep.equal([]);
}

/** One page that differs from the reference, in a line that can be replayed: who, filter, page, got vs wanted. */
type Mismatch = string;

const describeFilter = (f: AuditFilter) =>
  JSON.stringify({ ...f, from: f.from?.toISOString().slice(0, 10), to: f.to?.toISOString().slice(0, 10) });

/** Compares every interesting page of one search with the reference; returns what differs (empty when all agree). */
async function comparePages(all: readonly Entry[], who: string, actor: Actor, filter: AuditFilter): Promise<Mismatch[]> {
  const rows = referenceRows(all, actor, filter);
  const out: Mismatch[] = [];
  for (const page of pagesToCheck(rows.length, PAGE_SIZE)) {
    const want = referencePage(rows, page, PAGE_SIZE);
    const got = await searchAudit(actor, filter, page);
    const gotIds = got.entries.map((e) => e.id);
    const wantIds = want.rows.map((e) => String(e._id));
    if (JSON.stringify([gotIds, got.pager]) !== JSON.stringify([wantIds, want.pager])) {
      const rowsNote = JSON.stringify(gotIds) === JSON.stringify(wantIds) ? 'the same rows' : gotIds.length === wantIds.length && gotIds.every((id) => wantIds.includes(id)) ? 'the same rows in another order' : 'other rows';
      out.push(
        `${who} ${describeFilter(filter)} page ${page}: got page ${got.pager.page}/${got.pager.pages} of ${got.pager.total} (${gotIds.length} rows), ` +
          `want page ${want.pager.page}/${want.pager.pages} of ${want.pager.total} (${wantIds.length} rows): ${rowsNote}`,
      );
    }
  }
  return out;
}

function expectNoMismatch(mismatches: Mismatch[]): void {
  expect(mismatches.slice(0, 12), `${mismatches.length} pages differ from the reference`).to.deep.equal([]);
}

/** A province with two communes and sub-units, and a second province whose entries no one here may see. */
async function makeTree() {
  const P = await makeUnit({ name: 'Tỉnh Điện Biên', kind: 'province' });
  const A = await makeUnit({ name: 'Xã Thanh Nưa', kind: 'commune', parent: P });
  const A1 = await makeUnit({ name: 'Bộ phận một cửa xã Thanh Nưa', kind: 'desk', parent: A });
  const A2 = await makeUnit({ name: 'Văn phòng UBND xã Thanh Nưa', kind: 'office', parent: A });
  const B = await makeUnit({ name: 'Xã Mường Nhé', kind: 'commune', parent: P });
  const B1 = await makeUnit({ name: 'Bộ phận một cửa xã Mường Nhé', kind: 'desk', parent: B });
  const Q = await makeUnit({ name: 'Tỉnh Lai Châu', kind: 'province' });
  const Q1 = await makeUnit({ name: 'Xã Mường Tè', kind: 'commune', parent: Q });
  return { P, A, A1, A2, B, B1, Q, Q1 };
}
type Tree = Awaited<ReturnType<typeof makeTree>>;

async function makeWriters(tree: Tree, names: readonly string[]): Promise<Actor[]> {
  const writers: Actor[] = [];
  for (const displayName of names) writers.push(actorOf(await makeUser({ displayName, roles: [{ role: 'admin', unit: tree.P }] })));
  return writers;
}

/** Records `n` random entries through audit's record(), oldest first; returns their object ids in the order written. */
async function recordRandomEntries(rnd: SeededRandom, tree: Tree, writers: readonly (Actor | null)[], n: number): Promise<Types.ObjectId[]> {
  const paths: [Unit, number][] = [
    [tree.P, 2],
    [tree.A, 3],
    [tree.A1, 3],
    [tree.A2, 2],
    [tree.B, 3],
    [tree.B1, 2],
    [tree.Q, 1],
    [tree.Q1, 1],
  ];
  const weighted = paths.flatMap(([u, w]) => Array.from({ length: w }, () => u));
  const ids: Types.ObjectId[] = [];
  for (let i = 0; i < n; i++) {
    const objectType = rnd.pick(TYPES);
    const action = rnd.pick(ACTIONS[objectType]!);
    const objectId = new Types.ObjectId();
    const actor = rnd.pick(writers);
    await record({ actor, objectType, objectId, action, before: { name: `trước ${i}` }, after: { name: `sau ${i}` }, unitPath: rnd.pick(weighted).path });
    ids.push(objectId);
  }
  return ids;
}

/**
 * Dates the entries (record() stamps the current time) along increasing times in the order they were written, so
 * their numbers stay in time order: a few entries share a time, some sit at midnight, most days hold several.
 */
async function dateInWriteOrder(rnd: SeededRandom, objectIds: readonly Types.ObjectId[], start: Date): Promise<void> {
  let t = start.getTime();
  const ops = objectIds.map((objectId) => {
    const r = rnd.next();
    if (r < 0.05) {
      // same instant as the previous entry: the order is then the _id's
    } else if (r < 0.1) {
      t = vietnamDayStart(new Date(vietnamDay(new Date(t)).getTime() + DAY)).getTime(); // the next midnight in Việt Nam
    } else if (r < 0.5) t += rnd.int(1, 90) * 60_000;
    else if (r < 0.88) t += rnd.int(2, 11) * 3_600_000;
    else t += rnd.int(1, 3) * DAY;
    return { objectId, at: new Date(t) };
  });
  for (const { objectId, at } of ops) await AuditEntryModel.updateOne({ objectId }, { $set: { at } });
}

describe('audit log pages read through the numbering, against a reference over the whole log', function () {
  this.timeout(600_000);
  const rnd = seededRandom(20260105);
  let tree: Tree;
  let all: Entry[];
  const readers: Record<string, Actor> = {};
  let writers: Actor[];

  before(async () => {
    await clearDatabase();
    tree = await makeTree();
    await prepareAuditLog(); // an empty log, numbered: every entry below is numbered as it is written
    writers = await makeWriters(tree, [...NAMED_WRITERS, ...NGUYEN_HUU]);
    const ids = await recordRandomEntries(rnd, tree, [...writers, null, null, null], 280);
    // Numbered as written (the numbering waits a moment to batch), then dated as a log of months would be.
    await settleBackgroundWork();
    await dateInWriteOrder(rnd, ids, vietnamMoment(2026, 1, 5, 7, 30));
    all = await loadLog();
    const reader = async (key: string, roles: { role: 'admin' | 'head'; unit: Unit }[]) => (readers[key] = actorOf(await makeUser({ displayName: `Đọc ${key}`, roles })));
    await reader('province', [{ role: 'admin', unit: tree.P }]);
    await reader('province+commune under it', [{ role: 'admin', unit: tree.P }, { role: 'admin', unit: tree.A }]);
    await reader('commune under province+province', [{ role: 'admin', unit: tree.A }, { role: 'admin', unit: tree.P }]);
    await reader('two communes', [{ role: 'admin', unit: tree.A }, { role: 'admin', unit: tree.B }]);
    await reader('commune A, head of B', [{ role: 'admin', unit: tree.A }, { role: 'head', unit: tree.B }]);
    await reader('desk', [{ role: 'admin', unit: tree.A1 }]);
    await reader('other province', [{ role: 'admin', unit: tree.Q }]);
    // Still numbered: the pages below read the numbers handed out by record(), not a rebuild done on first read.
    expect(await AuditSequenceModel.exists({ _id: NUMBERED_MARKER })).not.to.equal(null);
  });

  it('when entries are recorded one after another (dated in that order), then each is numbered as it is written: no entry pending, its keys are its rank in each sequence, the counters hold the counts', async () => {
    expect(all).to.have.length(280);
    await expectNumberedInOrder();
  });

  it('when the administrator reads the whole log, then every page (first, second, middle, last, beyond) has the reference rows, order and totals, for each shape of scope', async () => {
    const mismatches: Mismatch[] = [];
    for (const [who, actor] of Object.entries(readers)) mismatches.push(...(await comparePages(all, who, actor, {})));
    expectNoMismatch(mismatches);
    // the data spans many buckets of the province's sequence
    expect(referenceRows(all, readers.province!, {}).length).to.be.greaterThan(8 * BUCKET);
  });

  it('when the log is filtered by record type, action, or both, then the pages equal the reference', async () => {
    const mismatches: Mismatch[] = [];
    for (const who of ['province', 'province+commune under it', 'two communes', 'desk']) {
      const actor = readers[who]!;
      for (const objectType of TYPES) mismatches.push(...(await comparePages(all, who, actor, { objectType })));
      for (const action of ALL_ACTIONS) mismatches.push(...(await comparePages(all, who, actor, { action })));
      for (const objectType of TYPES) for (const action of ACTIONS[objectType]!.slice(0, 2)) mismatches.push(...(await comparePages(all, who, actor, { objectType, action })));
      mismatches.push(...(await comparePages(all, who, actor, { objectType: 'unit', action: 'transition' })));
      mismatches.push(...(await comparePages(all, who, actor, { objectType: 'nothing-of-that-kind' })));
    }
    expectNoMismatch(mismatches);
  });

  it('when date bounds cut inside a bucket of the sequence, then the pages equal the reference (from only, to only, both, one day)', async () => {
    const province = readers.province!;
    const inScope = referenceRows(all, province, {}).sort(oldestFirst);
    const days = [...new Set(inScope.map((e) => calendarDay(e.at).getTime()))].sort((a, b) => a - b).map((t) => new Date(t));
    // days whose start and end both fall inside a bucket of the province's sequence (not between two buckets)
    const olderThan = (t: number) => inScope.filter((e) => e.at.getTime() < t).length;
    const nextDayStart = (d: Date) => localDayStart(new Date(d.getTime() + DAY)).getTime();
    const cutting = days.filter((d) => olderThan(localDayStart(d).getTime()) % BUCKET !== 0 && olderThan(nextDayStart(d)) % BUCKET !== 0);
    expect(cutting.length).to.be.greaterThan(10);
    const mismatches: Mismatch[] = [];
    const picks = rnd.sample(cutting, 12);
    for (const d of picks) {
      mismatches.push(...(await comparePages(all, 'province', province, { from: d })));
      mismatches.push(...(await comparePages(all, 'province', province, { to: d })));
      mismatches.push(...(await comparePages(all, 'province', province, { from: d, to: d })));
      mismatches.push(...(await comparePages(all, 'province', province, { from: d, to: new Date(d.getTime() + rnd.int(1, 25) * DAY) })));
      mismatches.push(...(await comparePages(all, 'two communes', readers['two communes']!, { from: d, to: new Date(d.getTime() + rnd.int(3, 40) * DAY) })));
      mismatches.push(...(await comparePages(all, 'province', province, { from: d, objectType: rnd.pick(TYPES) })));
      mismatches.push(...(await comparePages(all, 'province', province, { to: d, action: 'create' })));
    }
    // bounds before the first and after the last entry
    mismatches.push(...(await comparePages(all, 'province', province, { from: new Date(Date.UTC(2025, 0, 1)), to: new Date(Date.UTC(2025, 11, 31)) })));
    mismatches.push(...(await comparePages(all, 'province', province, { from: new Date(Date.UTC(2030, 0, 1)) })));
    mismatches.push(...(await comparePages(all, 'province', province, { to: new Date(Date.UTC(2030, 0, 1)) })));
    expectNoMismatch(mismatches);
  });

  it('when the actor filter names the start of words (more than 20 people answer "nguyen", a few answer "nguyen thi"), alone or with type, action and dates, then the pages equal the reference', async () => {
    // the searches here match names at the start of a word only (a fragment inside a word is the pending test below)
    for (const q of NAME_QUERIES) {
      const folded = foldForSearch(q);
      for (const name of [...NAMED_WRITERS, ...NGUYEN_HUU, 'system']) expect(wordStartPrefixes(name).includes(folded), `${q} in ${name}`).to.equal(foldForSearch(name).includes(folded));
    }
    // both ways of reading an actor's entries are exercised: more than 20 people, and a few
    const people = (q: string, who: string) => new Set(referenceRows(all, readers[who]!, { actorName: q }).map((e) => String(e.actorId))).size;
    expect(people('nguyen', 'province')).to.be.greaterThan(20);
    expect(people('nguyen thi', 'province')).to.be.within(1, 20);
    const mismatches: Mismatch[] = [];
    const someDay = calendarDay(all.sort(oldestFirst)[Math.floor(all.length / 3)]!.at);
    for (const who of ['province', 'commune under province+province', 'two communes']) {
      const actor = readers[who]!;
      for (const actorName of NAME_QUERIES) {
        mismatches.push(...(await comparePages(all, who, actor, { actorName })));
        mismatches.push(...(await comparePages(all, who, actor, { actorName, objectType: 'report' })));
        mismatches.push(...(await comparePages(all, who, actor, { actorName, action: 'create' })));
        mismatches.push(...(await comparePages(all, who, actor, { actorName, objectType: 'staff', action: 'update' })));
        mismatches.push(...(await comparePages(all, who, actor, { actorName, from: someDay })));
        mismatches.push(...(await comparePages(all, who, actor, { actorName, to: someDay, objectType: 'unit' })));
      }
    }
    expectNoMismatch(mismatches);
  });

  it('when filters are combined at random (seeded), then every page checked equals the reference', async () => {
    const days = [...new Set(all.map((e) => calendarDay(e.at).getTime()))].map((t) => new Date(t));
    const mismatches: Mismatch[] = [];
    const whos = Object.keys(readers);
    for (let i = 0; i < 120; i++) {
      const who = rnd.pick(whos);
      const filter: AuditFilter = {};
      if (rnd.chance(0.45)) filter.objectType = rnd.pick(TYPES);
      if (rnd.chance(0.4)) filter.action = filter.objectType && rnd.chance(0.7) ? rnd.pick(ACTIONS[filter.objectType]!) : rnd.pick(ALL_ACTIONS);
      if (rnd.chance(0.35)) filter.actorName = rnd.pick(NAME_QUERIES);
      if (rnd.chance(0.4)) filter.from = rnd.pick(days);
      if (rnd.chance(0.4)) filter.to = filter.from ? new Date(filter.from.getTime() + rnd.int(0, 45) * DAY) : rnd.pick(days);
      mismatches.push(...(await comparePages(all, who, readers[who]!, filter)));
    }
    expectNoMismatch(mismatches);
  });

  it("when the filter lists are read, then they hold the record types and actions present in the administrator's scope, as the reference", async () => {
    for (const [who, actor] of Object.entries(readers)) {
      const rows = referenceRows(all, actor, {});
      const want = { objectTypes: [...new Set(rows.map((e) => e.objectType))].sort(), actions: [...new Set(rows.map((e) => e.action))].sort() };
      expect(await filterChoices(actor), who).to.deep.equal(want);
    }
  });
});

describe('audit log renumbered from scratch', function () {
  this.timeout(600_000);
  const rnd = seededRandom(424242);
  let tree: Tree;
  let writers: Actor[];

  beforeEach(async () => {
    await clearDatabase();
    tree = await makeTree();
    await prepareAuditLog();
    writers = await makeWriters(tree, NAMED_WRITERS.slice(0, 5));
  });

  async function compareSome(): Promise<Mismatch[]> {
    const all = await loadLog();
    const admin = actorOf(await makeUser({ roles: [{ role: 'admin', unit: tree.P }] }));
    const communes = actorOf(await makeUser({ roles: [{ role: 'admin', unit: tree.A }, { role: 'admin', unit: tree.B }] }));
    const mid = calendarDay([...all].sort(oldestFirst)[Math.floor(all.length / 2)]!.at);
    const mismatches: Mismatch[] = [];
    for (const [who, actor] of [['province', admin], ['two communes', communes]] as const) {
      for (const filter of [{}, { objectType: 'report' }, { action: 'create' }, { objectType: 'staff', action: 'update' }, { actorName: 'van' }, { actorName: 'system', objectType: 'unit' }, { from: mid }, { to: mid, objectType: 'period' }] as AuditFilter[]) {
        mismatches.push(...(await comparePages(all, who, actor, filter)));
      }
    }
    return mismatches;
  }

  it('when the entries were dated out of write order and the log is rebuilt, then the keys follow the new time order and the pages equal the reference, also where they were read (and full buckets kept) before', async () => {
    const ids = await recordRandomEntries(rnd, tree, [...writers, null], 160);
    await settleBackgroundWork();
    expectNoMismatch(await compareSome());
    // dates in an order unrelated to the numbers handed out at write time
    await dateInWriteOrder(rnd, rnd.shuffle(ids), vietnamMoment(2025, 6, 1, 8));
    await auditIndex.rebuild();
    await expectNumberedInOrder();
    expectNoMismatch(await compareSome());
  });

  it('when a stopped process left entries written but not numbered, then start-up numbers them after the others and the pages equal the reference', async () => {
    await recordRandomEntries(rnd, tree, [...writers, null], 60);
    await settleBackgroundWork();
    // What a process stopped between an entry's insert and its numbering leaves behind.
    const left = Array.from({ length: 7 }, (_, i) => ({
      _id: new Types.ObjectId(), actorId: null, actorName: 'system', objectType: 'unit', objectId: new Types.ObjectId(), action: 'update',
      changes: [], unitPath: tree.A1.path, at: new Date(Date.now() + 1000 + i), seqKeys: [], seqPending: true,
    }));
    await AuditEntryModel.collection.insertMany(left);
    await prepareAuditLog();
    await expectNumberedInOrder();
    expectNoMismatch(await compareSome());
  });

  it('when entries are recorded while the log is being rebuilt, then all end numbered in time order (none pending) and the pages equal the reference', async () => {
    const ids = await recordRandomEntries(rnd, tree, [...writers, null], 160);
    await dateInWriteOrder(rnd, rnd.shuffle(ids), vietnamMoment(2025, 6, 1, 8));
    let rebuilt = false;
    const building = auditIndex.rebuild().then(() => (rebuilt = true));
    let duringRebuild = 0;
    let afterRebuild = 0;
    for (let i = 0; i < 60 && afterRebuild < 5; i++) {
      const running = !rebuilt;
      await record({ actor: rnd.pick([...writers, null]), objectType: rnd.pick(TYPES), objectId: new Types.ObjectId(), action: 'update', after: { name: `trong lúc đánh số ${i}` }, unitPath: rnd.pick([tree.A1, tree.B, tree.P]).path });
      if (running) duringRebuild++;
      else afterRebuild++;
    }
    await building;
    expect(duringRebuild, 'entries recorded while the rebuild ran').to.be.greaterThan(0);
    await expectNumberedInOrder();
    expectNoMismatch(await compareSome());
  });
});

describe('audit entries recorded concurrently', function () {
  this.timeout(300_000);
  const rnd = seededRandom(9_001);

  it('when many entries are recorded at once (as concurrent requests do), then all end numbered in time order and the pages equal the reference', async () => {
    await clearDatabase();
    const tree = await makeTree();
    await prepareAuditLog();
    const writers = await makeWriters(tree, NAMED_WRITERS.slice(0, 4));
    const units = [tree.P, tree.A, tree.A1, tree.B, tree.B1];
    await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        record({ actor: rnd.pick([...writers, null]), objectType: rnd.pick(TYPES), objectId: new Types.ObjectId(), action: rnd.pick(['create', 'update']), after: { name: `đồng thời ${i}` }, unitPath: rnd.pick(units).path }),
      ),
    );
    await expectNumberedInOrder();
    const all = await loadLog();
    const admin = actorOf(await makeUser({ roles: [{ role: 'admin', unit: tree.P }] }));
    const communes = actorOf(await makeUser({ roles: [{ role: 'admin', unit: tree.A }, { role: 'admin', unit: tree.B }] }));
    const mismatches: Mismatch[] = [];
    for (const [who, actor] of [['province', admin], ['two communes', communes]] as const) {
      for (const filter of [{}, { action: 'create' }, { objectType: 'report', action: 'update' }, { actorName: 'thi' }] as AuditFilter[]) mismatches.push(...(await comparePages(all, who, actor, filter)));
    }
    expectNoMismatch(mismatches);
  });
});

describe('audit log actor search, against the reference substring search over the stored names', function () {
  this.timeout(300_000);
  let tree: Tree;
  let admin: Actor;

  beforeEach(async () => {
    await clearDatabase();
    tree = await makeTree();
    await prepareAuditLog();
    admin = actorOf(await makeUser({ displayName: 'Quản trị Sở Nội vụ', roles: [{ role: 'admin', unit: tree.P }] }));
  });

  const write = (actor: Actor, i: number, unit: Unit) => record({ actor, objectType: 'staff', objectId: new Types.ObjectId(), action: 'update', after: { position: `Chức vụ ${i}` }, unitPath: unit.path });

  // The name filter matches the start of words (an equality on stored prefixes); a fragment inside a word finds nothing.
  it('when the actor filter is the start of words ("phich", "van ph"), then the pages equal the reference; a fragment from inside a word ("hich", "an phich") finds no entry', async () => {
    const phich = actorOf(await makeUser({ displayName: 'Lò Văn Phích', roles: [{ role: 'admin', unit: tree.P }] }));
    const hoa = actorOf(await makeUser({ displayName: 'Nguyễn Thị Hoa', roles: [{ role: 'admin', unit: tree.P }] }));
    for (let i = 0; i < 40; i++) await write(i % 3 === 0 ? hoa : phich, i, i % 2 ? tree.A1 : tree.B);
    const all = await loadLog();
    expect(referenceRows(all, admin, { actorName: 'phich' }).length).to.be.greaterThan(BUCKET);
    const mismatches: Mismatch[] = [];
    for (const actorName of ['phich', 'van ph', 'Nguyễn']) mismatches.push(...(await comparePages(all, 'province', admin, { actorName })));
    expectNoMismatch(mismatches);
    for (const actorName of ['hich', 'uyen', 'an phich']) expect((await searchAudit(admin, { actorName }, 1)).pager.total, actorName).to.equal(0);
  });

  it("when an account is renamed between entries, then a search by the old name or the new one gives the reference's entries (those recorded under the name searched)", async () => {
    const user = await makeUser({ displayName: 'Vi Văn Sáng', roles: [{ role: 'admin', unit: tree.P }] });
    const before = actorOf(user);
    for (let i = 0; i < 30; i++) await write(before, i, i % 2 ? tree.A : tree.B1);
    await updateLogin(admin, String(user._id), { displayName: 'Hà Văn Minh', email: '', active: true, roles: [{ role: 'admin', unitId: String(tree.P._id) }] });
    const after = actorOf((await UserModel.findById(user._id).lean())!);
    expect(after.displayName).to.equal('Hà Văn Minh');
    for (let i = 30; i < 60; i++) await write(after, i, i % 2 ? tree.A : tree.B1);
    const all = await loadLog();
    expect(referenceRows(all, admin, { actorName: 'vi van sang' })).to.have.length(30);
    expect(referenceRows(all, admin, { actorName: 'ha van minh' })).to.have.length(30);
    const mismatches: Mismatch[] = [];
    for (const actorName of ['vi van sang', 'sang', 'ha van minh', 'minh', 'van']) mismatches.push(...(await comparePages(all, 'province', admin, { actorName })));
    expectNoMismatch(mismatches);
  });
});
