/**
 * The payment provider seam: what payments needs from a card processor, and the test provider that
 * stands in for one. A real adapter (Stripe, Adyen, ...) implements the same interface.
 */
import { randomUUID } from "node:crypto";

/** An amount in minor units of a currency, as everywhere in Shop. */
export interface Amount {
  amountMinor: bigint;
  currency: string;
}

/** What a charge came to: money taken, or a refusal the customer can be told. */
export type ChargeResult = { status: "approved"; paymentId: string } | { status: "declined"; reason: string };

/** A card processor. */
export interface PaymentProvider {
  /**
   * Charges `amount` to the payment method `token`. The same `idempotencyKey` never charges twice:
   * a repeat answers what the first charge did. Throws TransientProviderError when it is worth
   * trying again later (timeouts, outages); any other error is a bug.
   */
  charge(request: { idempotencyKey: string; amount: Amount; token: string }): Promise<ChargeResult>;
  /** Refunds `amount` of the charge `paymentId`; the same `idempotencyKey` refunds once. */
  refund(request: { paymentId: string; amount: Amount; idempotencyKey: string }): Promise<void>;
}

/** The provider could not answer now; the same request may succeed later. */
export class TransientProviderError extends Error {
  override name = "TransientProviderError";
}

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

/**
 * A provider for dev and tests that needs no network. Tokens: `tok_visa` approves, `tok_declined`
 * declines, `tok_unavailable` fails transiently on the first `unavailableAttempts` (default 2)
 * charges of an idempotency key and then approves; any other token is not accepted.
 */
export function createTestProvider({ unavailableAttempts = 2 } = {}): TestProvider {
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
          throw new TransientProviderError("the test provider is unavailable (tok_unavailable)");
        }
      }
      let result: ChargeResult;
      if (token === "tok_visa" || token === "tok_unavailable") {
        result = { status: "approved", paymentId: `pay_${randomUUID()}` };
        made.push({ paymentId: result.paymentId, idempotencyKey, amount, token, refunded: false });
      } else {
        result = { status: "declined", reason: token === "tok_declined" ? DECLINED : NOT_ACCEPTED };
      }
      byKey.set(idempotencyKey, result);
      return result;
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
