import argon2 from 'argon2';

// argon2id with the library's defaults (64 MiB, 3 passes): memory-hard, as the standard asks.
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

// Verifying against this keeps the time of a login for an unknown user like that of a known one.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  return (decoyHash ??= hashPassword(`decoy-${crypto.randomUUID()}`));
}
