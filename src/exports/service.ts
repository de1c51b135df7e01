import * as audit from '../audit/index.js';
import { isId } from '../shared/ids.js';
import { Types } from 'mongoose';
import { coversUnit, hasRole, scopeRoots, type Actor } from '../auth/index.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import type { Language } from '../shared/i18n.js';
import { compareVietnamese } from '../shared/text.js';
import { findUnitOr404 } from '../units/index.js';
import { COMMUNE_KINDS, unitsUnder, type UnitInfo } from '../units/index.js';
import * as jobs from './jobs.js';
import type { ExportSettings } from './settings.js';
import { ExportJobModel, type Audience, type ExportJob, type ExportKind } from './model.js';
import type { ExportInput } from './schemas.js';
import { workbookFileName } from './xlsx.js';
import { kindOf } from './build.js';

/** A commune's workbook is for its head (or the province above); the province's is for administrators only. */
export function assertCanExport(actor: Actor, unit: UnitInfo): ExportKind {
  const kind = kindOf(unit);
  if (!kind) throw new ValidationFailed({ unit: 'exports.errors.unitKind' });
  if (kind === 'PROVINCE' && !coversUnit(actor, unit.path, 'admin')) throw new Forbidden('exports.errors.provinceAdminOnly');
  if (kind === 'COMMUNE' && !coversUnit(actor, unit.path, 'head', 'admin')) throw new Forbidden();
  return kind;
}

/** Units the actor may export: the province for administrators, and the commune-level units they head or oversee. */
export async function exportableUnits(actor: Actor): Promise<{ id: string; name: string; kind: ExportKind }[]> {
  const roots = scopeRoots(actor, 'head', 'admin');
  if (!roots.length) return [];
  const units = (await unitsUnder(roots)).filter((u) => u.kind === 'province' || COMMUNE_KINDS.includes(u.kind));
  return units
    .filter((u) => kindOf(u) && (kindOf(u) === 'COMMUNE' || coversUnit(actor, u.path, 'admin')))
    .map((u) => ({ id: String(u._id), name: u.name, kind: kindOf(u)! }))
    .sort((a, b) => (a.kind === b.kind ? compareVietnamese(a.name, b.name) : a.kind === 'PROVINCE' ? -1 : 1));
}

/**
 * Whom the file is for. The province's administrator chooses: for publication (small report counts hidden, so that
 * none can be worked out from the totals) or internal (exact). A commune's file is always its head's internal working
 * copy: it lists the cases one by one, so it could never be published, and the head handles those cases already.
 */
export function audienceOf(kind: ExportKind, asked: Audience): Audience {
  return kind === 'PROVINCE' ? asked : 'INTERNAL';
}

export async function requestExport(actor: Actor, input: ExportInput, lang: Language, settings: ExportSettings): Promise<ExportJob> {
  const unit = await findUnitOr404(input.unit);
  const kind = assertCanExport(actor, unit);
  const audience = audienceOf(kind, input.audience);
  const job = await ExportJobModel.create({
    kind,
    unitId: unit._id,
    unitName: unit.name,
    year: input.year,
    lang,
    audience,
    requestedBy: actor.userId,
    requestedByName: actor.displayName,
    fileName: workbookFileName(unit.name, input.year, audience),
  });
  // Who took which figures out, exact or suppressed, stays on record.
  await audit.record({ actor, objectType: 'exportJob', objectId: job._id, action: 'export', after: { unit: unit.name, year: input.year, audience }, unitPath: unit.path });
  jobs.enqueue(String(job._id), settings);
  return job.toObject() as ExportJob;
}

/** A job, for the person who asked for it; a job cut off by a restart is reported as failed. */
export async function jobFor(actor: Actor, id: string): Promise<ExportJob> {
  if (!isId(id)) throw new NotFound();
  const job = await ExportJobModel.findById(id).lean<ExportJob>();
  if (!job) throw new NotFound();
  if (!job.requestedBy.equals(actor.userId)) throw new Forbidden();
  return jobs.markIfInterrupted(job);
}

export async function recentJobs(actor: Actor): Promise<ExportJob[]> {
  const list = await ExportJobModel.find({ requestedBy: actor.userId }).sort({ createdAt: -1 }).limit(20).lean<ExportJob[]>();
  return Promise.all(list.map((j) => jobs.markIfInterrupted(j)));
}

export async function downloadFor(actor: Actor, id: string): Promise<{ path: string; fileName: string }> {
  const job = await jobFor(actor, id);
  if (job.status !== 'DONE') throw new Conflict('exports.errors.notReady');
  // Permissions may have changed since the request: check them again before handing the file over.
  assertCanExport(actor, await findUnitOr404(job.unitId));
  if (!job.filePath || !(await jobs.fileExists(job.filePath))) throw new NotFound('exports.errors.fileGone');
  return { path: job.filePath, fileName: job.fileName };
}

export function isAdmin(actor: Actor): boolean {
  return hasRole(actor, 'admin');
}
