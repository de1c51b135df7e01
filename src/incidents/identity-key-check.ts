import { ConfigError } from '../config.js';
import { looksSealed } from '../shared/sealing.js';
import { identityKeyConfigured, opensWithCurrentKey, SEALED_IDENTITY_FIELDS } from './identity-sealing.js';
import { ReporterIdentityModel } from './model.js';

/**
 * The start-up check of IDENTITY_KEY against the identities already sealed in the database: a wrong key (or none,
 * where identities were sealed with one) would make every reporter's name and contact read as empty and seal new
 * ones under a second key, so the start is refused instead, with one line that names neither the key nor anyone.
 * Every sealed value is tried (AES-GCM's tag makes each try cheap): a database half sealed under another key is
 * refused too, since half its reporters would silently become unreadable.
 */
export async function checkIdentityKey(): Promise<{ sealed: number }> {
  let sealed = 0;
  let unopened = 0;
  // The raw collection: the model's reads would open (or blank) the values.
  for await (const raw of ReporterIdentityModel.collection.find({}, { projection: Object.fromEntries(SEALED_IDENTITY_FIELDS.map((f) => [f, 1])) })) {
    for (const f of SEALED_IDENTITY_FIELDS) {
      const v = raw[f];
      if (typeof v !== 'string' || !looksSealed(v)) continue;
      sealed++;
      if (!opensWithCurrentKey(v)) unopened++;
    }
  }
  if (unopened > 0) {
    const count = `${unopened} of ${sealed} sealed reporter identity values`;
    throw new ConfigError(
      identityKeyConfigured()
        ? `Invalid configuration: IDENTITY_KEY does not open ${count} stored in this database; start with the key they were sealed with`
        : `Invalid configuration: IDENTITY_KEY is not set, but ${count} stored in this database were sealed with a key; set IDENTITY_KEY to that key`,
    );
  }
  return { sealed };
}
