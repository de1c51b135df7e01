import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { mergedResources, translator } from '../../src/shared/i18n.js';
import { registerMessages } from '../../src/catalogues.js';
import { projectRoot } from '../../src/shared/paths.js';

function keysOf(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keysOf(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function viewFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? viewFiles(path.join(dir, e.name)) : e.name.endsWith('.ejs') ? [path.join(dir, e.name)] : [],
  );
}

describe('the i18n catalogue', () => {
  registerMessages();
  const { vi, en } = mergedResources();

  it('has the same keys in Vietnamese and English, none empty', () => {
    const viKeys = keysOf(vi).sort();
    const enKeys = keysOf(en).sort();
    expect(viKeys.filter((k) => !enKeys.includes(k)), 'missing in English').to.deep.equal([]);
    expect(enKeys.filter((k) => !viKeys.includes(k)), 'missing in Vietnamese').to.deep.equal([]);
    const t = translator('vi');
    expect(viKeys.filter((k) => !t(k)), 'empty Vietnamese texts').to.deep.equal([]);
  });

  it('has every literal key that a view asks for', () => {
    const all = new Set(keysOf(vi));
    const missing: string[] = [];
    for (const file of viewFiles(path.join(projectRoot, 'views'))) {
      const source = fs.readFileSync(file, 'utf8');
      for (const m of source.matchAll(/\bt\('([a-zA-Z0-9_.]+)'\s*[,)]/g)) {
        if (!all.has(m[1]!)) missing.push(`${path.relative(projectRoot, file)}: ${m[1]}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });
});

describe('texts with values', () => {
  registerMessages();

  it('when the same text is asked for with other values or in the other language, then each reads with its own values', () => {
    const vi = translator('vi');
    const en = translator('en');
    const row = (t: typeof vi, name: string, count: number) => t('reports.inbox.warningRow', { name, count, code: 'K1' });
    expect(row(vi, 'Bộ phận Một cửa', 3)).to.equal('Bộ phận Một cửa: 3 phản ánh có cơ sở về tiêu chí K1');
    expect(row(vi, 'Bộ phận Một cửa', 4)).to.equal('Bộ phận Một cửa: 4 phản ánh có cơ sở về tiêu chí K1');
    expect(row(vi, 'Nguyễn Văn An', 3)).to.equal('Nguyễn Văn An: 3 phản ánh có cơ sở về tiêu chí K1');
    expect(row(en, 'Bộ phận Một cửa', 3)).to.equal('Bộ phận Một cửa: 3 substantiated reports on criterion K1');
    expect(row(vi, 'Bộ phận Một cửa', 3)).to.equal('Bộ phận Một cửa: 3 phản ánh có cơ sở về tiêu chí K1');
    expect(vi('reports.inbox.warningRow', { name: 'A', count: '3', code: 'K1' })).to.equal('A: 3 phản ánh có cơ sở về tiêu chí K1');
  });
});
