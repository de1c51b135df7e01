import mongoose from 'mongoose';
import type { Document } from 'mongodb';
import { seedIfEmpty, type DemoSummary } from '../../seeds/demo.js';
import { forgetProcessCaches, settleBackgroundWork } from '../../src/shared/process-caches.js';
import { createLogger } from '../../src/shared/logger.js';
import { clearDatabase } from './db.js';

/**
 * The full demo, seeded once per test run: the first suite that asks seeds it on an empty database through the app's
 * own start-up path and keeps a copy of every document; later suites get that copy written back, which costs a
 * fraction of a seed (password hashing and the feature seeds are most of it).
 */
let copy: Map<string, Document[]> | undefined;
let firstSeed: DemoSummary | null = null;

export async function loadDemo(): Promise<void> {
  await clearDatabase();
  const db = mongoose.connection.db!;
  if (!copy) {
    firstSeed = await seedIfEmpty(createLogger('silent'));
    await settleBackgroundWork();
    copy = new Map();
    for (const collection of await db.collections()) copy.set(collection.collectionName, await collection.find({}).toArray());
    return;
  }
  for (const [name, documents] of copy) if (documents.length > 0) await db.collection(name).insertMany(documents.map((d) => ({ ...d })));
  forgetProcessCaches();
}

/** What `seedIfEmpty` answered when this run's demo was seeded on an empty database. */
export const demoSeedResult = () => firstSeed;
