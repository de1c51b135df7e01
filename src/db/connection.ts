import mongoose from 'mongoose';

mongoose.set('strictQuery', true);
// Indexes are built explicitly at start (syncIndexes), never lazily behind a request.
mongoose.set('autoIndex', false);

export async function connectDatabase(uri: string, dbName: string): Promise<typeof mongoose> {
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 10_000 });
  await mongoose.connection.db!.admin().command({ ping: 1 });
  return mongoose;
}

export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) await model.createIndexes();
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
