/**
 * Failed logins per client address: a token bucket per address, so one address cannot try passwords
 * across many accounts (each account's own lockout does not see that). In memory, per instance: a
 * scaled-out identity multiplies the budget by its instance count, which still bounds a guesser.
 */

/** How many failed logins an address may make at once, and how fast it earns them back. */
export interface AddressLimits {
  /** Failures in a burst. */
  burst: number;
  /** One more failure allowed every this many seconds. */
  refillSeconds: number;
  /** Addresses remembered at most (the oldest are forgotten first). */
  maxAddresses: number;
}

export const DEFAULT_ADDRESS_LIMITS: AddressLimits = { burst: 20, refillSeconds: 30, maxAddresses: 100_000 };

/** Tracks failed logins per address. */
export interface AddressLimiter {
  /** Seconds until `address` may try again, or 0 when it may now. */
  retryAfter(address: string, now: Date): number;
  /** Counts one failed login of `address`. */
  failed(address: string, now: Date): void;
}

/** Builds an in-memory limiter. */
export function createAddressLimiter(limits: AddressLimits = DEFAULT_ADDRESS_LIMITS): AddressLimiter {
  // Insertion order doubles as age: a touched address is moved to the end.
  const buckets = new Map<string, { tokens: number; at: number }>();
  function current(address: string, now: Date) {
    const bucket = buckets.get(address) ?? { tokens: limits.burst, at: now.getTime() };
    const earned = (now.getTime() - bucket.at) / 1000 / limits.refillSeconds;
    return { tokens: Math.min(limits.burst, bucket.tokens + earned), at: now.getTime() };
  }
  return {
    retryAfter(address, now) {
      const { tokens } = current(address, now);
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * limits.refillSeconds);
    },
    failed(address, now) {
      const bucket = current(address, now);
      buckets.delete(address);
      buckets.set(address, { tokens: Math.max(0, bucket.tokens - 1), at: bucket.at });
      if (buckets.size > limits.maxAddresses) buckets.delete(buckets.keys().next().value as string);
    },
  };
}
