import type { Types } from 'mongoose';
import { publishedVersion } from '../conduct-code/index.js';
import { isCommuneLevel, unitsByIds } from '../units/index.js';
import { NotFound } from '../shared/errors.js';

export interface CriterionInfo {
  code: string;
  group: string;
  name: { vi: string; en: string };
  order: number;
}

export interface CatalogueInfo {
  versionNumber: number;
  title: string;
  groups: { code: string; name: { vi: string; en: string } }[];
  criteria: CriterionInfo[];
}

// Published catalogue versions never change, so one read per version per process is enough.
const catalogues = new Map<string, Promise<CatalogueInfo>>();

export function catalogueOf(codeVersionId: Types.ObjectId): Promise<CatalogueInfo> {
  const key = String(codeVersionId);
  let entry = catalogues.get(key);
  if (!entry) {
    entry = publishedVersion(codeVersionId).then((v) => {
        if (!v) throw new NotFound();
        return {
          versionNumber: v.versionNumber,
          title: v.title,
          groups: [...v.groups].sort((a, b) => a.order - b.order).map((g) => ({ code: g.code, name: { vi: g.name?.vi ?? g.code, en: g.name?.en ?? '' } })),
          criteria: [...v.criteria]
            .sort((a, b) => a.order - b.order)
            .map((c) => ({ code: c.code, group: c.group, name: { vi: c.name?.vi ?? c.code, en: c.name?.en ?? '' }, order: c.order })),
        };
      });
    entry.catch(() => catalogues.delete(key));
    catalogues.set(key, entry);
  }
  return entry;
}

export interface UnitInfo {
  _id: Types.ObjectId;
  name: string;
  kind: string;
  path: Types.ObjectId[];
}

/** The commune-level unit on a path (the deepest one), or the last unit of the path above that level. */
export function reportingUnitOn(path: readonly Types.ObjectId[], units: ReadonlyMap<string, UnitInfo>): Types.ObjectId {
  for (let i = path.length - 1; i >= 0; i--) {
    const u = units.get(String(path[i]));
    if (u && isCommuneLevel(u.kind)) return u._id;
  }
  return path[path.length - 1]!;
}

/** Units by id, from the in-memory unit tree (a `{_id: {$in}}` query would read the whole collection on FerretDB). */
export async function unitsById(ids: readonly Types.ObjectId[]): Promise<Map<string, UnitInfo>> {
  const units = await unitsByIds(ids);
  return new Map(units.map((u) => [String(u._id), { _id: u._id, name: u.name, kind: u.kind, path: u.path }]));
}
