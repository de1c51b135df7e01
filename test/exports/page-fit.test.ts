import { expect } from 'chai';
import { columnPoints, firstPageColumns, fitColumns, MIN_SCALE } from '../../src/exports/xlsx.js';

describe('exports: choosing paper and pages across for a sheet', () => {
  it('when the columns fit an A4 landscape width at full size, then A4, one page across, at 100 %', () => {
    expect(fitColumns([5, 30, 12, 12, 12], 1)).to.deep.equal({ paper: 'A4', pagesWide: 1, scale: 1 });
  });

  it('when A4 would print them below the legible minimum but A3 holds them, then A3 one page across', () => {
    // 30 columns: about 1,350 pt, nearly twice an A4 width (770 pt), within an A3 one (1,118 pt) at 83 %.
    const fit = fitColumns([5, 20, ...new Array<number>(28).fill(7.5)], 2);
    expect(fit.paper).to.equal('A3');
    expect(fit.pagesWide).to.equal(1);
    expect(fit.scale).to.be.at.least(MIN_SCALE);
  });

  it('when even A3 cannot hold them legibly, then as few A3 pages across as keep the scale at the minimum or above, the repeated columns counted on each', () => {
    const widths = [5, 24, 20, 22, ...new Array<number>(169).fill(4.5), 11, 12, 24, 14];
    const fit = fitColumns(widths, 2);
    expect(fit.paper).to.equal('A3');
    expect(fit.scale).to.be.at.least(MIN_SCALE);
    const fewer = fitColumns(widths.slice(0, 60), 2);
    expect(fewer.pagesWide).to.be.lessThan(fit.pagesWide);
    // One page fewer would print below the minimum.
    const total = widths.map(columnPoints).reduce((a, b) => a + b, 0);
    const lead = columnPoints(5) + columnPoints(24);
    const a3 = (420 / 25.4 - 1) * 72;
    expect(a3 / (lead + (total - lead) / (fit.pagesWide - 1))).to.be.lessThan(MIN_SCALE);
  });

  it('when a sheet is several pages across, then its first page holds the columns up to its printable width at that scale', () => {
    const widths = [5, 24, ...new Array<number>(100).fill(4.5)];
    const fit = fitColumns(widths, 2);
    const n = firstPageColumns(widths, fit);
    expect(n).to.be.within(3, widths.length - 1);
    const a3 = (420 / 25.4 - 1) * 72;
    const points = (k: number) => widths.slice(0, k).map(columnPoints).reduce((a, b) => a + b, 0);
    expect(points(n)).to.be.at.most(a3 / fit.scale);
    expect(points(n + 1)).to.be.greaterThan(a3 / fit.scale);
  });
});
