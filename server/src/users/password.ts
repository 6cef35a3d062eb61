import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard, in Node's crypto: no native add-on).
 * Stored as `scrypt$N$r$p$salt$hash` (base64url), so the cost can rise later while old
 * hashes still verify with the parameters they were made with, and are re-hashed at the next
 * successful login (needsRehash).
 *
 * N = 2^17, r = 8, p = 1 is OWASP's minimum for scrypt
 * (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#scrypt).
 * It needs 128 × N × r = 128 MiB per hash, above Node's default `maxmem` of 32 MiB, so maxmem
 * is raised; hashes run on libuv's thread pool (4 threads by default), so at most about
 * 512 MiB are in use at once. About 0.3–0.7 s per hash here; the login limiter refuses a
 * throttled caller before hashing.
 */
const PARAMS = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  // 128·N·r bytes is what scrypt allocates; twice that leaves room for Node's own accounting.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS.N, PARAMS.r, PARAMS.p);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Compares in constant time; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await derive(password, Buffer.from(parts[4]!, 'base64url'), N, r, p);
  return timingSafeEqual(actual, expected);
}

/** Whether a stored hash was made with a lower cost than today's (re-hash it at the next successful login). */
export function needsRehash(stored: string): boolean {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return true;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  return N < PARAMS.N || r < PARAMS.r || p < PARAMS.p;
}

let dummy: Promise<string> | null = null;
/**
 * A hash to verify against when the email is unknown, so a login for a missing account
 * costs the same time as one with a wrong password (no account enumeration by timing).
 */
export function dummyPasswordHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}
