import { isId } from '../shared/ids.js';
import { isDuplicateKey } from '../db/errors.js';
import { Types } from 'mongoose';
import type { Actor } from '../auth/index.js';
import { coversUnit } from '../auth/index.js';
import { unitById, unitsByIds } from '../units/index.js';
import * as audit from '../audit/index.js';
import { Conflict, Forbidden, NotFound, ValidationFailed, type FieldErrors } from '../shared/errors.js';
import { vietnamDay } from '../shared/dates.js';
import { keptInMemory } from '../shared/kept-in-memory.js';
import { codeWrites, CodeVersionModel, type CodeVersion } from './model.js';
import { catalogueErrors } from './rules.js';
import { officialCatalogue, type LocalisedText } from './official.js';

/** The provinces (roots of the tree) an actor's grants lie in, first grant first. */
async function provincesOf(actor: Actor): Promise<Types.ObjectId[]> {
  const unitIds = actor.roles.map((g) => g.unitId);
  if (!unitIds.length) return [];
  const units = await unitsByIds(unitIds);
  const rootOf = new Map(units.map((u) => [String(u._id), u.path[0]]));
  const roots = unitIds.map((id) => rootOf.get(String(id))).filter((r): r is Types.ObjectId => r != null);
  return [...new Map(roots.map((r) => [String(r), r])).values()];
}

/** The province (root of the tree) an actor belongs to; an administrator's own province comes first. */
export async function provinceOf(actor: Actor): Promise<Types.ObjectId | null> {
  const adminGrant = actor.roles.find((g) => g.role === 'admin');
  const grant = adminGrant ?? actor.roles[0];
  if (!grant) return null;
  const [unit] = await unitsByIds([grant.unitId]);
  return unit?.path[0] ?? null;
}

/**
 * The version in force on a date: the latest effective date that has come, and among versions
 * effective the same day the one published last. Dates are calendar days (UTC midnight).
 */
export async function versionInForce(provinceId: Types.ObjectId, on: Date = vietnamDay()): Promise<CodeVersion | null> {
  return (await versionsOf(provinceId)).find((v) => v.effectiveFrom.getTime() <= on.getTime()) ?? null;
}

/**
 * Every published version, kept in memory while none is published (a few per province; read by most pages). The
 * objects are shared between requests: read them, never change them.
 */
const publishedVersions = keptInMemory(codeWrites, async () => (await CodeVersionModel.find({}).lean()) as CodeVersion[], 1000);

/** A province's versions, the latest effective date first (the same day: the one published last). */
async function versionsOf(provinceId: Types.ObjectId): Promise<CodeVersion[]> {
  return (await publishedVersions())
    .filter((v) => v.provinceId.equals(provinceId))
    .sort((a, b) => b.effectiveFrom.getTime() - a.effectiveFrom.getTime() || b.versionNumber - a.versionNumber);
}

/** A published version by id, or null. */
export async function publishedVersion(id: Types.ObjectId): Promise<CodeVersion | null> {
  return (await publishedVersions()).find((v) => v._id.equals(id)) ?? null;
}

export interface YearCriterion {
  code: string;
  name: string;
}

/** The criteria a year's figures are shown under: the version in force at the year's end leads; codes only older versions had follow. */
export async function criteriaOfYear(provinceId: Types.ObjectId, year: number): Promise<YearCriterion[]> {
  const yearEnd = Date.UTC(year + 1, 0, 1);
  const out: YearCriterion[] = [];
  const seen = new Set<string>();
  for (const v of (await versionsOf(provinceId)).filter((v) => v.effectiveFrom.getTime() < yearEnd))
    for (const c of [...v.criteria].sort((a, b) => a.order - b.order))
      if (!seen.has(c.code)) {
        seen.add(c.code);
        out.push({ code: c.code, name: c.name?.vi ?? c.code });
      }
  return out;
}

export async function currentVersionFor(actor: Actor, on: Date = vietnamDay()): Promise<CodeVersion | null> {
  const provinceId = await provinceOf(actor);
  return provinceId ? versionInForce(provinceId, on) : null;
}

/** Every version of the actor's province, newest number first, with the one in force today marked. */
export async function listVersions(actor: Actor) {
  const provinceId = await provinceOf(actor);
  if (!provinceId) return [];
  const [versions, inForce] = await Promise.all([
    CodeVersionModel.find({ provinceId }).select('versionNumber title effectiveFrom publishedByName createdAt').sort({ versionNumber: -1 }).lean(),
    versionInForce(provinceId),
  ]);
  return versions.map((v) => ({
    _id: v._id,
    versionNumber: v.versionNumber,
    title: v.title,
    effectiveFrom: v.effectiveFrom,
    publishedByName: v.publishedByName,
    publishedAt: v.createdAt,
    inForce: inForce != null && String(inForce._id) === String(v._id),
  }));
}

/** One version, readable by anyone whose grants lie in its province. */
export async function getVersion(actor: Actor, id: string | Types.ObjectId): Promise<CodeVersion> {
  if (!isId(id)) throw new NotFound();
  const version = (await CodeVersionModel.findById(id).lean()) as CodeVersion | null;
  if (!version) throw new NotFound();
  const provinces = await provincesOf(actor);
  if (!provinces.some((p) => String(p) === String(version.provinceId))) throw new Forbidden();
  return version;
}

/** The latest published version (by number) of the actor's province: what a new version starts from. */
export async function latestVersion(actor: Actor): Promise<CodeVersion | null> {
  const provinceId = await provinceOf(actor);
  if (!provinceId) return null;
  return (await CodeVersionModel.findOne({ provinceId }).sort({ versionNumber: -1 }).lean()) as CodeVersion | null;
}

export interface PublishVersionInput {
  /** Defaults to the administrator's own province. */
  provinceId?: string | Types.ObjectId;
  title: string;
  legalBasis?: string;
  effectiveFrom: Date;
  groups: { code: string; name: LocalisedText }[];
  criteria: { code: string; group: string; name: LocalisedText; plainLabel: LocalisedText; legalSource: string }[];
  /** The number of the latest version when the publisher opened the form: a version published since is a conflict. */
  latestSeen?: number;
}

/** Publishes the next version of a province's code. Published versions are never edited: records keep their version's id. */
export async function publishVersion(actor: Actor, input: PublishVersionInput): Promise<CodeVersion> {
  const provinceId = input.provinceId ? new Types.ObjectId(String(input.provinceId)) : await provinceOf(actor);
  if (!provinceId || !coversUnit(actor, [provinceId], 'admin')) throw new Forbidden();
  const province = await unitById(provinceId);
  if (!province || province.parentId != null) throw new NotFound();

  const title = input.title.trim();
  const errors: FieldErrors = catalogueErrors(input.groups, input.criteria);
  if (!title) errors.title = 'validation.required';
  input.groups.forEach((g, i) => {
    if (!g.name?.vi?.trim()) errors[`groups.${i}.nameVi`] ??= 'validation.required';
  });
  input.criteria.forEach((c, i) => {
    if (!c.name?.vi?.trim()) errors[`criteria.${i}.nameVi`] ??= 'validation.required';
    if (!c.plainLabel?.vi?.trim()) errors[`criteria.${i}.plainVi`] ??= 'validation.required';
  });
  if (!(input.effectiveFrom instanceof Date) || Number.isNaN(input.effectiveFrom.getTime())) errors.effectiveFrom = 'validation.date';
  if (Object.keys(errors).length) throw new ValidationFailed(errors);

  const content = {
    provinceId,
    title,
    legalBasis: input.legalBasis?.trim() ?? '',
    effectiveFrom: input.effectiveFrom,
    groups: input.groups.map((g, i) => ({ code: g.code, name: g.name, order: i + 1 })),
    criteria: input.criteria.map((c, i) => ({ ...c, order: i + 1 })),
    publishedBy: actor.userId,
    publishedByName: actor.displayName,
  };

  // The unique index (provinceId, versionNumber) settles two administrators publishing at once. One who saw an older
  // latest version would publish over a colleague's change without having seen it: a conflict, not a retry.
  for (let attempt = 0; attempt < 2; attempt++) {
    const previous = (await CodeVersionModel.findOne({ provinceId }).sort({ versionNumber: -1 }).lean()) as CodeVersion | null;
    if (input.latestSeen !== undefined && input.latestSeen !== (previous?.versionNumber ?? 0)) break;
    try {
      const created = await CodeVersionModel.create({ ...content, versionNumber: (previous?.versionNumber ?? 0) + 1 });
      const version = created.toObject() as CodeVersion;
      await audit.record({
        actor,
        objectType: 'codeVersion',
        objectId: version._id,
        action: 'publish',
        before: previous ? auditSummary(previous) : null,
        after: auditSummary(version),
        unitPath: [provinceId],
      });
      return version;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (input.latestSeen !== undefined) break;
    }
  }
  throw new Conflict('code.versionConflict');
}

/** Publishes the official catalogue as a province's first version (seeds, new provinces). */
export async function publishOfficial(actor: Actor, provinceId: Types.ObjectId, effectiveFrom: Date): Promise<CodeVersion> {
  return publishVersion(actor, {
    provinceId,
    title: officialCatalogue.title,
    legalBasis: officialCatalogue.legalBasis,
    effectiveFrom,
    groups: officialCatalogue.groups.map((g) => ({ code: g.code, name: { ...g.name } })),
    criteria: officialCatalogue.criteria.map((c) => ({ code: c.code, group: c.group, name: { ...c.name }, plainLabel: { ...c.plainLabel }, legalSource: c.legalSource })),
  });
}

/**
 * A version flattened for the audit log: one field per group and per criterion, so that the
 * entry of a new version lists exactly the criteria that were reworded, added or removed.
 */
function auditSummary(v: Pick<CodeVersion, 'versionNumber' | 'title' | 'legalBasis' | 'effectiveFrom' | 'groups' | 'criteria'>): Record<string, unknown> {
  const summary: Record<string, unknown> = { versionNumber: v.versionNumber, title: v.title, legalBasis: v.legalBasis, effectiveFrom: v.effectiveFrom };
  for (const g of v.groups) summary[`group ${g.code}`] = [g.name?.vi, g.name?.en].filter(Boolean).join(' / ');
  for (const c of v.criteria) {
    summary[`criterion ${c.code}`] = [`[${c.group}]`, c.name?.vi, c.name?.en, c.plainLabel?.vi, c.plainLabel?.en, c.legalSource].filter(Boolean).join(' | ');
  }
  return summary;
}

/** Groups with their criteria in order, for display. */
export function groupedCriteria(v: Pick<CodeVersion, 'groups' | 'criteria'>) {
  return [...v.groups]
    .sort((a, b) => a.order - b.order)
    .map((g) => ({ ...g, criteria: v.criteria.filter((c) => c.group === g.code).sort((a, b) => a.order - b.order) }));
}
