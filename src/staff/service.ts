import type { Actor } from '../auth/actor.js';
import { scopeRoots } from '../auth/actor.js';
import { StaffModel } from './model.js';

export async function countActiveInScope(actor: Actor): Promise<number> {
  return StaffModel.countDocuments({ unitPath: { $in: scopeRoots(actor, 'admin', 'head') }, active: true });
}
