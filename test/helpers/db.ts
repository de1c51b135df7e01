import { forgetProcessCaches, settleBackgroundWork } from '../../src/shared/process-caches.js';
import mongoose from 'mongoose';

/** Empties every collection: each suite starts from a clean database. */
export async function clearDatabase(): Promise<void> {
  await settleBackgroundWork();
  const collections = await mongoose.connection.db!.collections();
  for (const c of collections) await c.deleteMany({});
  forgetProcessCaches();
}
