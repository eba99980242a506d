/**
 * The test provider: a card processor for dev and tests that needs no network, with the failures a
 * real one has (unavailable before charging, answer lost after charging) on demand.
 */
import { randomUUID } from "node:crypto";
import { type Amount, type ChargeResult, type PaymentProvider, TransientProviderError } from "./provider.ts";

/** The sentences the test provider declines with. */
export const DECLINED = "Your card was declined.";
export const NOT_ACCEPTED = "This payment method is not accepted.";

/** One charge the test provider really made. */
export interface TestCharge {
  paymentId: string;
  idempotencyKey: string;
  amount: Amount;
  token: string;
  refunded: boolean;
}

/** The test provider, with what it did for tests to inspect. */
export interface TestProvider extends PaymentProvider {
  /** The charges it really made (a repeated idempotency key adds none). */
  charges(): TestCharge[];
}

/** How the test provider misbehaves. */
export interface TestProviderOptions {
  /** Charges of a `tok_unavailable` key that fail (before charging anything) until one approves; 2. */
  unavailableAttempts?: number;
  /**
   * The share (0 to 1) of new charges, approved or declined, whose answer is lost: the provider
   * did charge (or decline), the caller gets a TransientProviderError as on a timeout. A repeat of
   * the key and `getCharge` tell the truth. 0 by default; `tok_timeout` does it always.
   */
  timeoutAfterChargeRate?: number;
  /** Where the rate draws from (tests make it certain with a rate of 0 or 1 instead). */
  random?: () => number;
}

/**
 * A provider for dev and tests (the README lists its cards). Tokens: `tok_visa` approves, `tok_declined` declines,
 * `tok_unavailable` fails transiently on the first `unavailableAttempts` charges of an idempotency
 * key and then approves, `tok_timeout` approves but loses the answer of the call that charged; any
 * other token is not accepted. It remembers every answer by idempotency key, and `getCharge` reads
 * them back.
 */
export function createTestProvider(options: TestProviderOptions = {}): TestProvider {
  const { unavailableAttempts = 2, timeoutAfterChargeRate = 0, random = Math.random } = options;
  const byKey = new Map<string, ChargeResult>();
  const failures = new Map<string, number>();
  const made: TestCharge[] = [];
  const refunds = new Set<string>();
  return {
    async charge({ idempotencyKey, amount, token }) {
      const earlier = byKey.get(idempotencyKey);
      if (earlier) return earlier;
      if (token === "tok_unavailable") {
        const failed = failures.get(idempotencyKey) ?? 0;
        if (failed < unavailableAttempts) {
          failures.set(idempotencyKey, failed + 1);
          throw new TransientProviderError(
            "the test provider is unavailable (the card fails its first charges)",
          );
        }
      }
      let result: ChargeResult;
      if (token === "tok_visa" || token === "tok_unavailable" || token === "tok_timeout") {
        result = { status: "approved", paymentId: `pay_${randomUUID()}` };
        made.push({ paymentId: result.paymentId, idempotencyKey, amount, token, refunded: false });
      } else {
        result = { status: "declined", reason: token === "tok_declined" ? DECLINED : NOT_ACCEPTED };
      }
      byKey.set(idempotencyKey, result);
      if (token === "tok_timeout" || (timeoutAfterChargeRate > 0 && random() < timeoutAfterChargeRate)) {
        throw new TransientProviderError(
          `the test provider timed out after ${result.status === "approved" ? "charging" : "declining"}`,
        );
      }
      return result;
    },
    async getCharge(idempotencyKey) {
      return byKey.get(idempotencyKey) ?? { status: "not-found" };
    },
    async refund({ paymentId, idempotencyKey }) {
      const charge = made.find((c) => c.paymentId === paymentId);
      if (!charge) throw new Error(`the test provider has no charge ${paymentId}`);
      if (refunds.has(idempotencyKey)) return;
      refunds.add(idempotencyKey);
      charge.refunded = true;
    },
    charges: () => made.map((c) => ({ ...c })),
  };
}
