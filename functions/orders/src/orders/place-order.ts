/**
 * PlaceOrder: price the lines from the catalog projection, store the order PENDING and start the
 * purchase saga with OrderPlaced, all in one transaction. The same (customer, idempotency key)
 * returns the order placed first and emits nothing. The payment token is sealed for payments first
 * (bound to the new order's id): orders stores and emits only the sealed one.
 */

import { randomUUID } from "node:crypto";
import { headersOfContext, type TraceHeaders, type Tx } from "@shop/runtime";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { and, eq, inArray } from "drizzle-orm";
import { type OrderRow, orders, products, type StoredLine } from "../db/schema.ts";
import { deadlinesOf, type SagaClock } from "./deadlines.ts";
import {
  cartIdTooLong,
  couponCodeTooLong,
  idempotencyKeyMissing,
  idempotencyKeyTooLong,
  invalidPaymentToken,
  lineWithoutProduct,
  mixedCurrencies,
  noLines,
  productNotForSale,
  quantityOutOfRange,
  tooManyLines,
  tooManyOfProduct,
} from "./errors.ts";
import { toOrderPlaced } from "./messages.ts";
import { priceShipping, type ShippingRequest } from "./ship-to.ts";

/** Most lines (distinct products) in one order. */
export const MAX_LINES = 50;
/** Most units of one product in one order. */
export const MAX_QUANTITY = 100;
/** Longest idempotency key accepted. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 100;
const MAX_COUPON_CODE_LENGTH = 64;
const MAX_PAYMENT_TOKEN_LENGTH = 200;
const MAX_CART_ID_LENGTH = 100;

/** What a customer asks for. */
export interface PlaceOrderInput {
  customerId: string;
  idempotencyKey: string;
  lines: { productId: string; quantity: number }[];
  couponCode: string;
  paymentToken: string;
  /** The server cart the order comes from ("" for none). */
  cartId?: string;
  /** Where and how it ships; absent (or an empty option and no address) when nothing ships. */
  shipping?: ShippingRequest;
}

/** The order, and whether this call placed it (false: the idempotency key had already placed it). */
export interface PlaceOrderResult {
  order: OrderRow;
  created: boolean;
}

/** What PlaceOrder needs besides the transaction: the saga's clock and the payment token's sealer. */
export interface PlaceOrderDeps extends SagaClock {
  sealPaymentToken: (token: string, orderId: string) => Promise<string>;
}

/**
 * Places an order, or returns the one already placed with the same idempotency key. The order gets
 * its saga deadlines from `clock` (see deadlines.ts).
 */
export async function placeOrder(
  tx: Tx,
  input: PlaceOrderInput,
  clock: PlaceOrderDeps,
): Promise<PlaceOrderResult> {
  const idempotencyKey = input.idempotencyKey;
  if (idempotencyKey.length === 0) throw idempotencyKeyMissing();
  if (idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw idempotencyKeyTooLong(MAX_IDEMPOTENCY_KEY_LENGTH);
  }
  // No read before the insert: the unique (customer, idempotency key) tells a retry, which then gets
  // what the first attempt placed. A retry the catalog or Vault would refuse now (a product gone, the
  // shipping option ended) is still answered with the first order: see `orRetried`.
  const orRetried = async (error: unknown): Promise<PlaceOrderResult> => {
    // After a failed statement the transaction is aborted: then the first error is the answer.
    const existing = await findByIdempotencyKey(tx, input.customerId, idempotencyKey).catch(() => undefined);
    if (existing) return { order: existing, created: false };
    throw error;
  };
  let priced: Awaited<ReturnType<typeof priceOrderInput>>;
  try {
    priced = await priceOrderInput(tx, input, clock);
  } catch (error) {
    return orRetried(error);
  }
  const { id, lines, currency, subtotal, delivery, shippingMinor, couponCode, cartId, placedAt } = priced;
  const { sealedPaymentToken } = priced;

  const inserted = await tx.db
    .insert(orders)
    .values({
      id,
      customerId: input.customerId,
      idempotencyKey,
      status: "PENDING",
      lines,
      currency,
      subtotalMinor: subtotal,
      discountMinor: 0n,
      // Until promotions price it: what the customer would pay without any promotion.
      totalMinor: subtotal + shippingMinor,
      couponCode,
      cartId,
      shipping: delivery?.shipping ?? null,
      shippingPriceMinor: delivery ? shippingMinor : null,
      paymentToken: null,
      sealedPaymentToken,
      createdAt: placedAt,
      updatedAt: placedAt,
      ...deadlinesOf(placedAt, clock.saga),
      ...traceColumns(headersOfContext()),
    })
    .onConflictDoNothing({ target: [orders.customerId, orders.idempotencyKey] })
    .returning();
  const order = inserted[0];
  if (!order) {
    // A concurrent request with the same key committed first (we waited on the unique index): it wins.
    const winner = await findByIdempotencyKey(tx, input.customerId, idempotencyKey);
    if (!winner) throw new Error(`order with idempotency key ${idempotencyKey} vanished`);
    return { order: winner, created: false };
  }
  await tx.emit(OrderPlacedSchema, toOrderPlaced(order), { key: order.id });
  return { order, created: true };
}

async function findByIdempotencyKey(tx: Tx, customerId: string, idempotencyKey: string) {
  const [order] = await tx.db
    .select()
    .from(orders)
    .where(and(eq(orders.customerId, customerId), eq(orders.idempotencyKey, idempotencyKey)));
  return order;
}

/** Checks the requested lines and merges lines of the same product, keeping the first one's place. */
function mergeLines(requested: PlaceOrderInput["lines"]): Map<string, number> {
  if (requested.length === 0) throw noLines();
  const merged = new Map<string, number>();
  for (const { productId, quantity } of requested) {
    if (productId.length === 0) throw lineWithoutProduct();
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw quantityOutOfRange(productId, quantity, MAX_QUANTITY);
    }
    const total = (merged.get(productId) ?? 0) + quantity;
    if (total > MAX_QUANTITY) throw tooManyOfProduct(productId, MAX_QUANTITY);
    merged.set(productId, total);
  }
  if (merged.size > MAX_LINES) throw tooManyLines(MAX_LINES);
  return merged;
}

/** Prices each line from the catalog projection; every product must be for sale, in one currency. */
async function priceLines(
  tx: Tx,
  quantities: Map<string, number>,
): Promise<{ lines: StoredLine[]; currency: string }> {
  const found = await tx.db
    .select()
    .from(products)
    .where(inArray(products.productId, [...quantities.keys()]));
  const byId = new Map(found.map((product) => [product.productId, product]));
  const lines: StoredLine[] = [];
  let first: { currency: string; productId: string } | undefined;
  for (const [productId, quantity] of quantities) {
    const product = byId.get(productId);
    if (!product?.active) throw productNotForSale(productId);
    first ??= { currency: product.currency, productId };
    if (product.currency !== first.currency) throw mixedCurrencies(first, product);
    lines.push({
      productId,
      productName: product.name,
      category: product.category,
      quantity,
      unitPriceMinor: product.priceMinor.toString(),
      lineTotalMinor: (product.priceMinor * BigInt(quantity)).toString(),
    });
  }
  // mergeLines guarantees at least one line, so the currency is known here.
  return { lines, currency: first?.currency ?? "" };
}

/** The columns of the trace context PlaceOrder runs in (none with tracing off). */
function traceColumns(trace: TraceHeaders | undefined) {
  return { traceParent: trace?.traceparent ?? null, traceState: trace?.tracestate ?? null };
}

/**
 * What placing `input` takes from the catalog, shipping and Vault: its lines priced, its shipping,
 * its id and time, and its payment token sealed for that id. Throws what PlaceOrder refuses.
 */
async function priceOrderInput(tx: Tx, input: PlaceOrderInput, clock: PlaceOrderDeps) {
  const couponCode = input.couponCode.trim();
  if (couponCode.length > MAX_COUPON_CODE_LENGTH) throw couponCodeTooLong(MAX_COUPON_CODE_LENGTH);
  if (input.paymentToken.length > MAX_PAYMENT_TOKEN_LENGTH) throw invalidPaymentToken();
  const cartId = (input.cartId ?? "").trim();
  if (cartId.length > MAX_CART_ID_LENGTH) throw cartIdTooLong(MAX_CART_ID_LENGTH);
  const { lines, currency } = await priceLines(tx, mergeLines(input.lines));
  const subtotal = lines.reduce((sum, line) => sum + BigInt(line.lineTotalMinor), 0n);
  const delivery = input.shipping ? await priceShipping(tx, input.shipping, currency) : undefined;
  const shippingMinor = delivery?.priceMinor ?? 0n;
  const placedAt = clock.now();
  const id = randomUUID();
  // Sealed inside the transaction: a Vault that does not answer fails the call and nothing is stored.
  const sealedPaymentToken = await clock.sealPaymentToken(input.paymentToken, id);
  return {
    id,
    lines,
    currency,
    subtotal,
    delivery,
    shippingMinor,
    couponCode,
    cartId,
    placedAt,
    sealedPaymentToken,
  };
}
