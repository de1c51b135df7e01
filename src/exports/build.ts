import type { Writable } from 'node:stream';
import type { Types } from 'mongoose';
import { translator, type Language } from '../shared/i18n.js';
import { COMMUNE_KINDS, type UnitInfo as Unit, type UnitKind } from '../units/index.js';
import { writeCommuneWorkbook } from './commune-workbook.js';
import type { Audience, ExportKind } from './model.js';
import { writeProvinceWorkbook } from './province-workbook.js';
import type { ExportSettings } from './settings.js';
import { collectYear } from './yearly-data.js';

export function kindOf(unit: Pick<Unit, 'kind' | 'parentId'>): ExportKind | null {
  if (unit.kind === 'province' && !unit.parentId) return 'PROVINCE';
  if (COMMUNE_KINDS.includes(unit.kind as UnitKind)) return 'COMMUNE';
  return null;
}

export interface BuildOptions {
  lang?: Language;
  viewerUserId?: Types.ObjectId | null;
  settings: Pick<ExportSettings, 'suppressBelow'>;
  /** The province file's audience (publication unless said otherwise). */
  audience?: Audience;
  now?: Date;
  /** 0–100. */
  onProgress?: (percent: number) => void;
}

/** Reads the year (one pass per collection) and streams the workbook of its kind to any writable. */
export async function buildWorkbook(kind: ExportKind, unit: Unit, year: number, stream: Writable, opts: BuildOptions): Promise<void> {
  const progress = opts.onProgress ?? (() => {});
  const t = translator(opts.lang ?? 'vi');
  const data = await collectYear(unit, year, {
    incidentRows: kind === 'COMMUNE',
    desks: kind === 'COMMUNE',
    comparison: kind === 'PROVINCE',
    viewerUserId: opts.viewerUserId ?? null,
    progress: (_phase, done, total) => progress(Math.round((40 * done) / total)),
  });
  const onRows = (written: number, total: number) => progress(40 + Math.min(59, Math.round((59 * written) / Math.max(total, 1))));
  if (kind === 'PROVINCE') await writeProvinceWorkbook(data, stream, { t, now: opts.now, onRows, suppressBelow: opts.settings.suppressBelow, audience: opts.audience ?? 'PUBLICATION' });
  else await writeCommuneWorkbook(data, stream, { t, now: opts.now, onRows });
}

