import { Types } from 'mongoose';
import * as audit from '../audit/index.js';
import type { Actor } from '../auth/index.js';
import { Forbidden } from '../shared/errors.js';
import { unitsByIds, unitsSnapshot, type UnitInfo } from '../units/index.js';
import { RetentionSettingsModel, retentionSettingsWrites, SETTINGS_ID } from './model.js';
import { keptInMemory } from '../shared/kept-in-memory.js';

/** How long each kind of personal data is kept, and whom to ask: what the notice states and the job enforces. */
export interface RetentionSettings {
  reportMonths: number;
  ratingCommentMonths: number;
  exportHours: number;
  requestMonths: number;
  /** Hours to answer each kind of data-subject request (see requests.ts for what the law says and what is unconfirmed). */
  accessHours: number;
  correctionHours: number;
  deletionHours: number;
  restrictionHours: number;
  contact: string;
}

/**
 * The bounds an administrator may choose within. A settled case can still be reopened by its reporter for
 * REPORT_TRACKING_DAYS_AFTER_CLOSE (at most ~10 years by the configuration, 180 days by default), so a report's
 * identity is kept at least a year; no period is "for ever" (Decree 13/2023 Art. 3: kept only as long as needed).
 */
export const RETENTION_BOUNDS = {
  reportMonths: { min: 12, max: 120 },
  ratingCommentMonths: { min: 1, max: 60 },
  exportHours: { min: 1, max: 720 },
  /** The register's own entries, counted from the day a request was handled. */
  requestMonths: { min: 12, max: 60 },
  /** A day to 35 days (20 days and a 15-day extension, the longest the commentaries on Decree 356/2025 describe). */
  accessHours: { min: 24, max: 840 },
  correctionHours: { min: 24, max: 840 },
  deletionHours: { min: 24, max: 840 },
  restrictionHours: { min: 24, max: 840 },
} as const;

/** The setting holding each kind's deadline. */
export const DEADLINE_FIELD = { ACCESS: 'accessHours', CORRECTION: 'correctionHours', DELETION: 'deletionHours', RESTRICTION: 'restrictionHours' } as const;

/** The register's deadlines until an administrator sets them: 72 hours each, the value the register had before. */
const DEFAULT_DEADLINES = { accessHours: 72, correctionHours: 72, deletionHours: 72, restrictionHours: 72 };

/** Until an administrator chooses: five years for cases (the usual keeping of complaint files), a year for comments. */
export function defaultRetention(exportHours = 24): RetentionSettings {
  return { reportMonths: 60, ratingCommentMonths: 12, exportHours: Math.min(RETENTION_BOUNDS.exportHours.max, Math.max(1, Math.round(exportHours))), requestMonths: 36, ...DEFAULT_DEADLINES, contact: '' };
}

let configuredExportHours = 24;
/** The configured export retention (EXPORT_RETENTION_HOURS) is the default until the administrator sets one. */
export function useConfiguredDefaults(config: { EXPORT_RETENTION_HOURS: number }): void {
  configuredExportHours = config.EXPORT_RETENTION_HOURS;
}

/**
 * The settings document, kept in memory until it changes (the notice reads it on every public page, so it stays true;
 * another process's change shows within a second). Frozen: every request shares it.
 */
const settingsKept = keptInMemory(retentionSettingsWrites, async () => {
  const doc = await RetentionSettingsModel.findById(SETTINGS_ID).lean();
  return doc ? Object.freeze(doc) : null;
}, 1000);

type SettingsDoc = {
  reportMonths: number;
  ratingCommentMonths: number;
  exportHours: number;
  requestMonths?: number | null;
  accessHours?: number | null;
  correctionHours?: number | null;
  deletionHours?: number | null;
  restrictionHours?: number | null;
  contact?: string | null;
} | null;

function settingsOf(doc: SettingsDoc): RetentionSettings {
  const d = defaultRetention(configuredExportHours);
  if (!doc) return d;
  return {
    reportMonths: doc.reportMonths,
    ratingCommentMonths: doc.ratingCommentMonths,
    exportHours: doc.exportHours,
    requestMonths: doc.requestMonths ?? d.requestMonths,
    accessHours: doc.accessHours ?? d.accessHours,
    correctionHours: doc.correctionHours ?? d.correctionHours,
    deletionHours: doc.deletionHours ?? d.deletionHours,
    restrictionHours: doc.restrictionHours ?? d.restrictionHours,
    contact: doc.contact ?? '',
  };
}

/** The periods in force. */
export async function retentionSettings(): Promise<RetentionSettings> {
  return settingsOf(await settingsKept());
}

/** The same, read from the collection: what a change compares and records (the kept copy is fixed for its request). */
async function storedRetention(): Promise<RetentionSettings> {
  return settingsOf(await RetentionSettingsModel.findById(SETTINGS_ID).lean());
}

/** The province units the actor administers (an admin grant on a unit with no parent). */
export async function provincesAdministeredBy(actor: Actor): Promise<UnitInfo[]> {
  const grants = actor.roles.filter((g) => g.role === 'admin').map((g) => g.unitId);
  return (await unitsByIds(grants)).filter((u) => u.kind === 'province' && !u.parentId);
}

/** Only a province administrator sets retention or runs the job by hand. */
export async function assertProvinceAdmin(actor: Actor): Promise<UnitInfo[]> {
  const provinces = await provincesAdministeredBy(actor);
  if (provinces.length === 0) throw new Forbidden('privacy.errors.provinceAdminOnly');
  return provinces;
}

/** Where the job's and the settings' audit entries go: every province (the settings are the deployment's). */
export async function provinceIds(): Promise<Types.ObjectId[]> {
  return (await unitsSnapshot()).all.filter((u) => u.kind === 'province' && !u.parentId).map((u) => u._id);
}

/** The audit entries of the retention settings and of the job's runs: objects with fixed ids. */
export const AUDIT_TYPE = 'retention';
export const SETTINGS_OBJECT_ID = new Types.ObjectId('000000000000000000000d13');

export async function updateRetention(actor: Actor, input: RetentionSettings): Promise<RetentionSettings> {
  await assertProvinceAdmin(actor);
  const before = await storedRetention();
  await RetentionSettingsModel.updateOne({ _id: SETTINGS_ID }, { $set: { ...input, updatedBy: actor.userId } }, { upsert: true });
  const after = await storedRetention();
  await audit.record({ actor, objectType: AUDIT_TYPE, objectId: SETTINGS_OBJECT_ID, action: 'update', before: { ...before }, after: { ...after }, unitPath: await provinceIds() });
  return after;
}
