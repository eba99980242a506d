/**
 * Password hashing with scrypt (node:crypto). A hash is self-describing, `$scrypt$n=32768,r=8,p=1$<salt>$<key>`
 * (salt and key base64url), so the cost can be raised later and stored hashes go on verifying.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt's cost parameters. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

// OWASP's scrypt minimum is N=2^17 with r=8; 2^15 keeps a login near 100 ms of one core on a small pod.
/** The cost of new hashes. */
export const DEFAULT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** Hashes and checks passwords. */
export interface PasswordHasher {
  /** A self-describing hash of `password` with a fresh random salt. */
  hash(password: string): Promise<string>;
  /** True when `password` matches `stored` (whatever cost `stored` was made with). */
  verify(password: string, stored: string): Promise<boolean>;
  /**
   * Spends the time of one verify on a hash of a password nobody knows: a login for an unknown
   * email then takes as long as one for a known email, so timing does not tell which emails exist.
   */
  verifyDecoy(password: string): Promise<void>;
}

/** A hasher making new hashes at `cost` (tests pass a cheap one). */
export function createPasswordHasher(cost: ScryptCost = DEFAULT_COST): PasswordHasher {
  let decoy: Promise<string> | undefined;
  const hash = async (password: string) => {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, cost, KEY_BYTES);
    return `$scrypt$n=${cost.N},r=${cost.r},p=${cost.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
  };
  return {
    hash,
    verify: verifyPassword,
    async verifyDecoy(password) {
      decoy ??= hash(randomBytes(16).toString("hex"));
      await verifyPassword(password, await decoy);
    },
  };
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = /^\$scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!match) return false;
  const [, n, r, p, salt, key] = match;
  const expected = Buffer.from(key ?? "", "base64url");
  if (expected.length < 16) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const actual = await derive(password, Buffer.from(salt ?? "", "base64url"), cost, expected.length);
  return timingSafeEqual(actual, expected);
}

function derive(password: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; node's default 32 MiB ceiling is just too small for N=2^15.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}
