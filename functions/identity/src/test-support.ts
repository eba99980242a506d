/**
 * Helpers of the identity tests (not a test file itself): a started function with cheap password
 * hashes, and an address limiter that never refuses.
 */
import type { RunningFunction, StartOptions } from "@shop/runtime";
import { startForTest } from "@shop/runtime/testing";
import type { IdentityConfig } from "./config.ts";
import { identityFunction } from "./function.ts";
import type { AddressLimiter, ScryptCost } from "./identity/index.ts";
import type { IdentityDeps } from "./setup.ts";

/** A started identity function, with its config and deps typed. */
export type RunningIdentity = RunningFunction<IdentityConfig, IdentityDeps>;

/** Cheap hashes keep the many logins of the tests fast; the cost is the hasher's own concern. */
export const CHEAP_PASSWORDS: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

/**
 * An address limiter that never refuses, for tests of other rules: their many failed logins all come
 * from one address (none given), and a budget shared between tests would couple them.
 */
export const noAddressLimit: AddressLimiter = { retryAfter: () => 0, failed: () => {} };

/** Starts identity on PGlite with an in-memory log and cheap password hashes (`options` as for startForTest). */
export function startIdentity(
  options: StartOptions<IdentityConfig, IdentityDeps> = {},
): Promise<RunningIdentity> {
  return startForTest(identityFunction, {
    ...options,
    settings: { passwordCost: CHEAP_PASSWORDS, ...options.settings },
  });
}
