/**
 * Staff passwords: Argon2id with OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1), stored as
 * PHC strings, so each hash carries the parameters it was made with and verifying needs no
 * configuration. https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
 */
import { randomUUID } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

export interface PasswordCost {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const OWASP_PASSWORD_COST: PasswordCost = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
/** Cheap hashes for test suites that create many accounts; never for real passwords. */
export const TEST_PASSWORD_COST: PasswordCost = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

// `Algorithm.Argon2id`: the package declares it as a `const enum`, which a per-file transpiler
// (tsx, esbuild) cannot inline, so the value is written out.
const ARGON2ID = 2 as Algorithm;

export function hashPassword(password: string, cost: PasswordCost = OWASP_PASSWORD_COST): Promise<string> {
  return hash(password, { ...cost, algorithm: ARGON2ID });
}

/** False for a wrong password and for a stored hash that is not a readable Argon2 PHC string. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * A hash of a random password, made once per process and cost. A sign-in with an unknown email
 * is checked against it, so it takes as long as one with a known email and a wrong password.
 */
export function dummyPasswordHash(cost: PasswordCost = OWASP_PASSWORD_COST): Promise<string> {
  const key = `${cost.memoryCost}/${cost.timeCost}/${cost.parallelism}`;
  let dummy = dummyHashes.get(key);
  if (dummy === undefined) {
    dummy = hashPassword(randomUUID(), cost);
    dummyHashes.set(key, dummy);
  }
  return dummy;
}
