/**
 * What the tests of promotions share: events as orders sends them, promotions as an admin makes
 * them, what the function published for an order, and a PromotionService client. Only tests import
 * this file.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { money, type Principal, type RunningFunction, toCloudEvent } from "@shop/runtime";
import { publishedEvents, testClient } from "@shop/runtime/testing";
import { CancellationCause, OrderCancelledSchema, OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { type OrderLine, OrderLineSchema } from "@shop/schemas/orders/v1/orders";
import { PromotionService } from "@shop/schemas/promotions/v1/promotions";
import { createPromotion, type PromotionInput } from "./promotions/create-promotion.ts";
import { listPromotions } from "./promotions/list-promotions.ts";

/** An order line of `quantity` × `unitPrice` minor units (EUR unless told). */
export function orderLine(
  productId: string,
  category: string,
  quantity: number,
  unitPrice: bigint,
  currency = "EUR",
): OrderLine {
  return create(OrderLineSchema, {
    productId,
    productName: `Product ${productId}`,
    category,
    quantity,
    unitPrice: money(unitPrice, currency),
    lineTotal: money(unitPrice * BigInt(quantity), currency),
  });
}

/** The OrderPlaced CloudEvent orders would send; the subtotal is the sum of the lines. */
export function orderPlaced(
  orderId: string,
  options: {
    customerId?: string;
    couponCode?: string;
    lines: OrderLine[];
    placedAt?: Date;
    /** The shipping option's price (standard delivery to DE); unset: the order ships nothing. */
    shipping?: bigint;
  },
) {
  const currency = options.lines[0]?.lineTotal?.currency ?? "EUR";
  const subtotal = options.lines.reduce((sum, l) => sum + (l.lineTotal?.amountMinor ?? 0n), 0n);
  const message = create(OrderPlacedSchema, {
    orderId,
    customerId: options.customerId ?? "customer-1",
    lines: options.lines,
    subtotal: money(subtotal, currency),
    couponCode: options.couponCode ?? "",
    paymentToken: "tok_visa",
    placedAt: timestampFromDate(options.placedAt ?? new Date()),
    ...(options.shipping !== undefined
      ? {
          shipping: {
            option: "standard",
            optionName: "Standard delivery",
            address: { name: "Erin", line1: "Hauptstr. 1", city: "Berlin", postcode: "10115", country: "DE" },
            price: money(options.shipping, currency),
          },
        }
      : {}),
  });
  return toCloudEvent(OrderPlacedSchema, message, { source: "/functions/orders", key: orderId });
}

/** The OrderCancelled CloudEvent orders would send. */
export function orderCancelled(orderId: string, customerId = "customer-1") {
  const message = create(OrderCancelledSchema, {
    orderId,
    customerId,
    cause: CancellationCause.PAYMENT_FAILED,
    reason: "Your card was declined.",
  });
  return toCloudEvent(OrderCancelledSchema, message, { source: "/functions/orders", key: orderId });
}

/** A promotion input with defaults: 10 percent off everything, automatic, unlimited. */
export function promotion(more: Partial<PromotionInput> = {}): PromotionInput {
  return {
    name: "Ten percent off",
    code: "",
    percentOff: 10,
    amountOff: undefined,
    freeShipping: false,
    minimumOrder: undefined,
    startsAt: undefined,
    endsAt: undefined,
    maxRedemptions: 0,
    maxPerCustomer: 0,
    singleUse: false,
    productIds: [],
    category: "",
    ...more,
  };
}

/** Creates a promotion as an admin would. */
export async function givenPromotion(fn: RunningFunction, more: Partial<PromotionInput> = {}) {
  return fn.app.transaction((tx) =>
    createPromotion(tx, { ...promotion(more), now: new Date(), actor: { userId: "admin-1" } }),
  );
}

/** The redemption count ListPromotions shows for the promotion named `name`. */
export async function redemptionCount(fn: RunningFunction, name: string): Promise<number | undefined> {
  return (await listPromotions(fn.app.db)).find((p) => p.name === name)?.redemptionCount;
}

/** Every event promotions published for an order, in order: type and decoded message. */
export async function eventsFor(fn: RunningFunction, orderId: string) {
  return (await publishedEvents(fn))
    .filter((decoded) => decoded.event.partitionkey === orderId)
    .map((decoded) => ({
      id: decoded.event.id,
      type: decoded.event.type,
      message: decoded.message as unknown as Record<string, unknown>,
    }));
}

/** A PromotionService client of `fn` (its routes and interceptor chain), calling as `as` or anonymously. */
export function promotionClient(fn: RunningFunction, as?: Principal) {
  return testClient(fn, PromotionService, as ? { principal: as } : {});
}
