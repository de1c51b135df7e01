import { expect } from 'chai';
import { agentFor, csrfFrom, login, testApp, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { makeUser } from '../helpers/factories.js';
import { laidOutByLibreOffice, LIBREOFFICE_TIMEOUT_MS } from '../helpers/libreoffice.js';
import { exportWorld, person, report, type ExportWorld } from '../exports/world.js';

// The province's Báo cáo as LibreOffice lays it out, read by a reader that knows only what is printed: the reports
// received and their breakdown by status add up, so no count hidden as "dưới 3" may be worked out from the others.

const year = 2026;

function binaryParser(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

async function provinceReportText(agent: Agent, w: ExportWorld): Promise<string> {
  const _csrf = await csrfFrom(agent, '/compliance-report');
  const res = await agent.post('/compliance-report').type('form').send({ _csrf, unit: String(w.province._id), year: String(year), window: 'year', signerName: 'Nguyễn Văn Hùng' }).buffer(true).parse(binaryParser as never);
  expect(res.status).to.equal(200);
  // One paragraph a line, however LibreOffice wrapped it.
  return (await laidOutByLibreOffice(res.body as Buffer)).text.replace(/\s+/g, ' ');
}

type Bound = [number, number];
const bound = (text: string): Bound => (text === 'dưới 3' ? [1, 2] : text === 'x' ? [1, Infinity] : [Number(text), Number(text)]);

/** The total and the statuses of section 4, as printed, and the hidden ones a reader can pin down from them. */
function section4(text: string) {
  const m = /tiếp nhận (\S+(?: 3)?) phản ánh \(tính theo ngày tiếp nhận\); tình trạng hiện nay: ([^.]+)\./.exec(text);
  if (!m) throw new Error(`no section 4 sentence in: ${text}`);
  const statuses = m[2]!.split('; ').map((s) => /(dưới 3|x|\d+)$/.exec(s)![1]!);
  const total = m[1]!;
  const members = [...statuses, total].map(bound);
  const pinned: string[] = [];
  const hiddenCount = members.filter(([lo, hi]) => lo !== hi).length;
  if (hiddenCount === 1) pinned.push('the only hidden count');
  members.forEach(([lo, hi], i) => {
    if (lo === hi) return;
    const others = members.filter((_, j) => j !== i && j !== members.length - 1);
    const t = members[members.length - 1]!;
    const [a, b] = i === members.length - 1 ? [others.reduce((n, x) => n + x[0], 0), others.reduce((n, x) => n + x[1], 0)] : [t[0] - others.reduce((n, x) => n + x[1], 0), t[1] - others.reduce((n, x) => n + x[0], 0)];
    if (Math.max(lo, a) >= Math.min(hi, b)) pinned.push(`member ${i}`);
  });
  return { total, statuses, pinned };
}

describe('compliance report: suppression that holds in the province’s Báo cáo', () => {
  let w: ExportWorld;
  let admin: Agent;

  beforeEach(async function () {
    this.timeout(30_000);
    await clearDatabase();
    w = await exportWorld(year);
    admin = agentFor(testApp());
    await login(admin, (await makeUser({ roles: [{ role: 'admin', unit: w.province }] })).username);
  });

  it('when two statuses each "dưới 3" make a total below 3, then the total is hidden as "x" (in the comparison table too) and no count can be worked out', async function () {
    this.timeout(LIBREOFFICE_TIMEOUT_MS);
    const an = await person('Nguyễn Văn An', w.communeA);
    await report(w, { staff: an, criteria: ['K2'], confirmed: ['K2'], status: 'RESOLVED', month: 2 });
    await report(w, { commune: w.communeB, criteria: ['L2'], status: 'RECEIVED', month: 5 });
    const text = await provinceReportText(admin, w);
    const s = section4(text);
    expect([s.total, ...s.statuses]).to.deep.equal(['x', 'dưới 3', 'dưới 3']);
    expect(s.pinned).to.deep.equal([]);
    expect(text).to.match(/Phản ánh tiếp nhận x 0 — /);
  });

  it('when one status is "dưới 3" beside a printed one and a printed total, then the printed status is hidden too, and the comparison table prints the total as section 4 does', async function () {
    this.timeout(LIBREOFFICE_TIMEOUT_MS);
    await report(w, { criteria: ['L2'], status: 'RECEIVED', month: 5 });
    for (let i = 0; i < 3; i++) await report(w, { commune: w.communeB, criteria: ['X1'], confirmed: ['X1'], status: 'RESOLVED', month: 3 });
    const text = await provinceReportText(admin, w);
    const s = section4(text);
    expect([s.total, ...s.statuses]).to.deep.equal(['4', 'dưới 3', 'x']);
    expect(s.pinned).to.deep.equal([]);
    expect(text).to.match(/Phản ánh tiếp nhận 4 /);
  });

  it('when one commune has 5 substantiated reports and another 1, then the list of communes to watch names the 5 and the substantiated total is hidden, so the 1 cannot be worked out', async function () {
    this.timeout(LIBREOFFICE_TIMEOUT_MS);
    for (let i = 0; i < 5; i++) await report(w, { criteria: ['X1'], confirmed: ['X1'], status: 'RESOLVED', month: 3 });
    await report(w, { commune: w.communeB, criteria: ['X1'], confirmed: ['X1'], status: 'RESOLVED', month: 3 });
    const text = await provinceReportText(admin, w);
    expect(text).to.contain('từ 3 phản ánh có cơ sở trở lên');
    expect(text).to.match(/Xã Thanh Nưa 5 phản ánh có cơ sở/);
    expect(text).not.to.match(/Xã Mường Nhé [^.]*phản ánh có cơ sở/);
    expect(text).to.contain('Số phản ánh được kết luận có cơ sở (toàn bộ hoặc một phần): x.');
    expect(text).to.match(/Phản ánh có cơ sở x 0 — /);
  });
});
