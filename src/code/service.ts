import type { Types } from 'mongoose';
import type { Actor } from '../auth/actor.js';
import { UnitModel } from '../units/model.js';
import { CodeVersionModel, type CodeVersion } from './model.js';

/** The province (root of the tree) an actor belongs to: the first unit of any grant's path. */
export async function provinceOf(actor: Actor): Promise<Types.ObjectId | null> {
  const grant = actor.roles[0];
  if (!grant) return null;
  const unit = await UnitModel.findById(grant.unitId).select('path').lean();
  return unit?.path[0] ?? null;
}

/** The version in force on a date: the latest published one whose effective date has come. */
export async function versionInForce(provinceId: Types.ObjectId, on: Date = new Date()): Promise<CodeVersion | null> {
  const versions = await CodeVersionModel.find({ provinceId, effectiveFrom: { $lte: on } }).sort({ versionNumber: -1 }).limit(1).lean();
  return (versions[0] as CodeVersion | undefined) ?? null;
}

export async function currentVersionFor(actor: Actor, on: Date = new Date()): Promise<CodeVersion | null> {
  const provinceId = await provinceOf(actor);
  return provinceId ? versionInForce(provinceId, on) : null;
}
