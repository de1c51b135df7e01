import mongoose from 'mongoose';
import { ensureEngineIndexes, type PostgresConnection } from './pg-indexes.js';

mongoose.set('strictQuery', true);
// Indexes are built explicitly at start (syncIndexes), never lazily behind a request.
mongoose.set('autoIndex', false);

export async function connectDatabase(uri: string, dbName: string): Promise<typeof mongoose> {
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 10_000 });
  await mongoose.connection.db!.admin().command({ ping: 1 });
  return mongoose;
}

/**
 * Builds every model's declared indexes (what MongoDB uses); on the embedded PostgreSQL backend, also the engine
 * indexes that serve FerretDB's pushed-down equality filters (pg-indexes.ts).
 */
export async function ensureIndexes(engine?: { postgres?: PostgresConnection }): Promise<void> {
  const models = Object.values(mongoose.models) as mongoose.Model<unknown>[];
  for (const model of models) await model.createIndexes();
  if (engine?.postgres) await ensureEngineIndexes(engine.postgres, mongoose.connection.name, models);
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

export async function databaseIsUp(connection: mongoose.Connection = mongoose.connection): Promise<boolean> {
  if (connection.readyState !== 1 || !connection.db) return false;
  try {
    await connection.db.admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}
