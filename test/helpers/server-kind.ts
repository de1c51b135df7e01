import mongoose from 'mongoose';

/** True when the server under test is FerretDB (it adds `ferretdbVersion` to buildInfo); tests of its own bugs need it. */
export async function serverIsFerretDB(): Promise<boolean> {
  const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}
