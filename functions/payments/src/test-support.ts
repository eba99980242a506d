/**
 * What the payments' tests share: events as their producers send them, and reading back what
 * payments emitted. Only tests import this file.
 */
import { create } from "@bufbuild/protobuf";
import { envSecretStore, type RunningFunction, toCloudEvent } from "@shop/runtime";
import { publishedEvents, sealedLocally } from "@shop/runtime/testing";
import { MoneySchema } from "@shop/schemas/common/v1/money";
import { ReservedLineSchema, StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import { OrderCancelledSchema } from "@shop/schemas/orders/v1/events";
import { eq } from "drizzle-orm";
import { payments } from "./db/schema.ts";
import type { PaymentProvider } from "./payments/provider.ts";
import { chargeKeyFor } from "./payments/settle.ts";
import type { TestProvider } from "./payments/test-provider.ts";
import { type PaymentsDeps, tokenOpener } from "./setup.ts";

// The local secret store, as orders and payments use it without Vault (the dev Transit key).
const localSecrets = envSecretStore({});

/** Payments' dependencies for a test: `provider`, and sealed tokens opened with the dev Transit key. */
export function testDeps(provider: PaymentProvider): PaymentsDeps {
  return { provider, openPaymentToken: tokenOpener(localSecrets) };
}

/**
 * StockReserved from inventory: the order is ready to be charged `totalMinor` EUR with `token`, sealed
 * for the order as orders seals it.
 */
export function stockReserved(orderId: string, token: string, totalMinor = 4_200n) {
  const message = create(StockReservedSchema, {
    orderId,
    customerId: "customer-1",
    lines: [create(ReservedLineSchema, { productId: "mug", quantity: 1 })],
    total: create(MoneySchema, { amountMinor: totalMinor, currency: "EUR" }),
    sealedPaymentToken: sealedLocally(token, orderId),
  });
  return toCloudEvent(StockReservedSchema, message, { source: "/functions/inventory", key: orderId });
}

/** OrderCancelled from orders. */
export function orderCancelled(orderId: string) {
  const message = create(OrderCancelledSchema, { orderId, customerId: "customer-1", reason: "Cancelled." });
  return toCloudEvent(OrderCancelledSchema, message, { source: "/functions/orders", key: orderId });
}

/** The events payments published for an order, as [type without package, message]. */
export async function eventsFor(fn: RunningFunction, orderId: string) {
  return (await publishedEvents(fn))
    .filter((e) => e.event.partitionkey === orderId)
    .map((e) => [e.schema.typeName.replace("shop.payments.v1.", ""), e.message] as const);
}

/** The types of the events payments published for an order, in order. */
export async function typesFor(fn: RunningFunction, orderId: string) {
  return (await eventsFor(fn, orderId)).map(([type]) => type);
}

/** The payments row of an order, as payments keeps it. */
export async function paymentOf(fn: RunningFunction, orderId: string) {
  const [payment] = await fn.app.db.select().from(payments).where(eq(payments.orderId, orderId));
  return payment;
}

/** The charges the test provider really made for an order (its charge's idempotency key). */
export function chargesOf(provider: TestProvider, orderId: string) {
  return provider.charges().filter((c) => c.idempotencyKey === chargeKeyFor(orderId));
}
