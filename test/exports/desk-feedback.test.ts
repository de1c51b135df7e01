import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { makeStaff, makeUnit } from '../helpers/factories.js';
import { LIBREOFFICE_TIMEOUT_MS, throwawayLibreOffice, type Grid, type Recalculator } from '../helpers/libreoffice.js';
import { RatingModel } from '../../src/satisfaction/model.js';
import { workbookBuffer } from './read.js';
import { CODES, exportWorld, rate } from './world.js';
import { givenAway, type Line } from './printed-lines.js';

const NOW = new Date(Date.UTC(2027, 0, 5, 3));
const SHEET = 'Góp ý tại quầy';
const LEVELS = ['Rất hài lòng', 'Hài lòng', 'Bình thường', 'Không hài lòng', 'Rất không hài lòng'];

/** The sheet's desk rows and totals row, and the column of each heading. */
function tableOf(grid: Grid) {
  const header = grid[4]!;
  const end = grid.findIndex((r) => r[1] === 'Toàn tỉnh');
  const at = (label: string) => header.indexOf(label);
  return { desks: grid.slice(5, end), total: grid[end]!, at };
}

describe('exports: what citizens told the one-stop desks, in the province workbook as LibreOffice reads it', () => {
  let calc: Recalculator;
  let publication: Map<string, Grid>;
  let internal: Map<string, Grid>;
  before(async function () {
    this.timeout(LIBREOFFICE_TIMEOUT_MS);
    calc = throwawayLibreOffice();
    await clearDatabase();
    const w = await exportWorld(2026);
    const deskB = await makeUnit({ name: 'Bộ phận một cửa xã Mường Nhé', kind: 'desk', parent: w.communeB });
    const officer = await makeStaff({ fullName: 'Quàng Thị Lan', unit: w.deskA });
    await rate(w.deskA, 3, 2026, 10, 0);
    const at = new Date(Date.UTC(2026, 4, 12, 3));
    const rating = (desk: typeof deskB, over: Record<string, unknown>) => ({ unitId: desk._id, unitPath: desk.path, scale: 5, level: 'DISSATISFIED', ratedAt: at, ...over });
    await RatingModel.insertMany([
      ...Array.from({ length: 5 }, (_, i) => rating(w.deskA, { officerId: officer._id, criteria: ['X1'], comment: i < 4 ? `Góp ý ${i}` : '' })),
      rating(w.deskA, { level: 'VERY_DISSATISFIED', criteria: ['L2'] }),
      ...Array.from({ length: 4 }, () => rating(deskB, { criteria: ['X1'], comment: 'Chờ lâu.' })),
      rating(deskB, { level: 'NEUTRAL' }),
    ]);
    const out = await calc.recalculate({
      publication: await workbookBuffer('PROVINCE', w.province, 2026, { now: NOW, audience: 'PUBLICATION' }),
      internal: await workbookBuffer('PROVINCE', w.province, 2026, { now: NOW, audience: 'INTERNAL' }),
    });
    publication = out.publication!;
    internal = out.internal!;
  });
  after(() => calc.dispose());

  it('when exported internally, then each desk has its answers per level, its ticks per criterion and comments, and the totals row adds them up', () => {
    const t = tableOf(internal.get(SHEET)!);
    expect(t.desks.map((r) => [r[1], r[2], r[3]])).to.deep.equal([
      ['Xã Mường Nhé', 'Bộ phận một cửa xã Mường Nhé', '5'],
      ['Xã Thanh Nưa', 'Bộ phận tiếp nhận và trả kết quả', '16'],
    ]);
    const thanhNua = t.desks[1]!;
    expect(LEVELS.map((l) => thanhNua[t.at(l)])).to.deep.equal(['0', '10', '0', '5', '1']);
    expect([thanhNua[t.at('X1')], thanhNua[t.at('L2')], thanhNua[t.at('Tổng lượt đánh dấu')], thanhNua[t.at('Góp ý bằng lời')]]).to.deep.equal(['5', '1', '6', '4']);
    expect([t.total[t.at('Lượt đánh giá hài lòng')], t.total[t.at('X1')], t.total[t.at('L2')], t.total[t.at('Tổng lượt đánh dấu')], t.total[t.at('Góp ý bằng lời')]]).to.deep.equal(['21', '9', '1', '10', '8']);
    expect(internal.get(SHEET)![1]![0]).to.match(/^Bản nội bộ/);
  });

  it('when exported for publication, then small ticks show as "<3", and no row, column or total gives a hidden count away', () => {
    const t = tableOf(publication.get(SHEET)!);
    const thanhNua = t.desks[1]!;
    expect(thanhNua[t.at('L2')]).to.equal('<3');
    const tickCols = CODES.map((c) => t.at(c));
    const totalCol = t.at('Tổng lượt đánh dấu');
    const commentsCol = t.at('Góp ý bằng lời');
    const lines: Line[] = [
      ...t.desks.map((r, i) => ({ name: `desk ${i}`, parts: tickCols.map((c) => r[c]!), total: r[totalCol]! })),
      ...[...tickCols, totalCol].map((c) => ({ name: `column ${c}`, parts: t.desks.map((r) => r[c]!), total: t.total[c]! })),
      { name: 'totals row', parts: tickCols.map((c) => t.total[c]!), total: t.total[totalCol]! },
      { name: 'comments', parts: t.desks.map((r) => r[commentsCol]!), total: t.total[commentsCol]! },
    ];
    expect(lines.flatMap(givenAway)).to.deep.equal([]);
    expect(publication.get(SHEET)![1]![0]).to.match(/^Bản công bố/);
  });
});
