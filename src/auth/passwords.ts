import argon2 from 'argon2';

type HashCost = Required<Pick<argon2.HashOptions, 'memoryCost' | 'timeCost' | 'parallelism'>>;

/** argon2id with the library's defaults (64 MiB, 3 passes, 4 lanes): memory-hard, as the standard asks. */
const STANDARD_COST: HashCost = { memoryCost: 65_536, timeCost: 3, parallelism: 4 };
let cost: HashCost = STANDARD_COST;

/**
 * For the test suite only, which creates and signs in hundreds of accounts (each hash or check costs ~0.36 s of CPU
 * at the standard cost on a 2-core machine). A hash records its own cost, so a check works whatever is set now.
 */
export function lowerPasswordHashCostForTests(): void {
  cost = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...cost });
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

// Verifying against this keeps the time of a login for an unknown user like that of a known one.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  return (decoyHash ??= hashPassword(`decoy-${crypto.randomUUID()}`));
}
