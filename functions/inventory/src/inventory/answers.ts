/**
 * The answers the inventory gave to priced orders, kept so that the same question asked again gets the
 * same answer. The saga's reconciler asks again when an order is overdue: orders re-emits OrderPlaced,
 * promotions re-emits OrderPriced with a new event id, and the inventory answers it from what it stored
 * the first time (never from the stock as it is now), changing no stock.
 */
import { create } from "@bufbuild/protobuf";
import { insertWhere, money, type Tx } from "@shop/runtime";
import {
  ReservedLineSchema,
  StockRejectedSchema,
  StockReservedSchema,
} from "@shop/schemas/inventory/v1/events";
import { asc, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { answeredOrders, cancelledOrders, reservations } from "../db/schema.ts";

/** A priced order as the inventory needs it. */
export interface PricedOrder {
  orderId: string;
  customerId: string;
  lines: { productId: string; productName: string; quantity: number }[];
  total: { amountMinor: bigint; currency: string };
  /** The payment token sealed for payments, passed on as is (the inventory cannot open it). */
  sealedPaymentToken: string;
  /** Deprecated: a token in clear, only for an order placed before tokens were sealed; else "". */
  paymentToken: string;
}

/** A product and the units of it held (or sold) for an order. */
export interface ReservedLine {
  productId: string;
  quantity: number;
}

/** What reserveStock did; `repeated` when it gave an earlier answer again, changing no stock. */
export type ReserveOutcome =
  | { outcome: "reserved"; lines: ReservedLine[]; repeated: boolean }
  | { outcome: "rejected"; reason: string; productIds: string[]; repeated: boolean }
  /** The order is cancelled (tombstone) or already sold: nothing to answer. */
  | { outcome: "skipped" };

/** Emits StockReserved for `order` holding `lines`, keyed by the order. */
export async function emitReserved(
  tx: Tx,
  order: Omit<PricedOrder, "lines">,
  lines: ReservedLine[],
): Promise<void> {
  await tx.emit(
    StockReservedSchema,
    create(StockReservedSchema, {
      orderId: order.orderId,
      customerId: order.customerId,
      lines: lines.map((line) => create(ReservedLineSchema, line)),
      total: money(order.total.amountMinor, order.total.currency),
      sealedPaymentToken: order.sealedPaymentToken,
      paymentToken: order.paymentToken,
    }),
    { key: order.orderId },
  );
}

/** Emits StockRejected for an order, keyed by it. */
export async function emitRejected(
  tx: Tx,
  rejection: { orderId: string; customerId: string; reason: string; productIds: string[] },
): Promise<void> {
  await tx.emit(StockRejectedSchema, create(StockRejectedSchema, rejection), { key: rejection.orderId });
}

/** An answer to a priced order: its lines held, or why it is rejected and the products short. */
export type Answer =
  | { outcome: "reserved"; order: PricedOrder; held: ReservedLine[] }
  | { outcome: "rejected"; order: PricedOrder; reason: string; productIds: string[] };

/** The answered_orders row that keeps `answer` (a reservation keeps the payment token until sold). */
function answerRow(answer: Answer): typeof answeredOrders.$inferInsert {
  const { order } = answer;
  return {
    orderId: order.orderId,
    outcome: answer.outcome,
    customerId: order.customerId,
    totalMinor: order.total.amountMinor,
    currency: order.total.currency,
    ...(answer.outcome === "reserved"
      ? { paymentToken: order.paymentToken || null, sealedPaymentToken: order.sealedPaymentToken || null }
      : { reason: answer.reason, productIds: answer.productIds }),
  };
}

/** The reservations rows of the lines an order holds. */
function heldRows(orderId: string, lines: ReservedLine[]): (typeof reservations.$inferInsert)[] {
  return lines.map((line) => ({ orderId, ...line, state: "held" as const }));
}

/**
 * Keeps the answer given to an order, in the transaction that gives it. `held`: the lines a
 * reservation holds, written in the same statement (a data-modifying CTE), one round trip for both.
 * (reserveStock writes a reservation's answer with its stock, in one statement; this is for the rest.)
 */
export async function recordAnswer(tx: Tx, answer: Answer): Promise<void> {
  const { order } = answer;
  const lines = answer.outcome === "reserved" ? answer.held : [];
  // The lines held, as a CTE of the answer's INSERT (an INSERT of no rows cannot be written).
  const db = lines.length > 0 ? tx.db.with(heldLines(tx, order.orderId, lines)) : tx.db;
  await db.insert(answeredOrders).values(answerRow(answer));
}

/**
 * The INSERT of an order's held lines, as a data-modifying CTE (see recordAnswer); with `when`, the
 * lines are written only where it holds (reserveStock's hold: only when every line fits).
 */
export function heldLines(tx: Tx, orderId: string, lines: ReservedLine[], when?: SQL) {
  const rows = heldRows(orderId, lines);
  const insert = when
    ? insertWhere(tx.db, reservations, rows, when)
    : tx.db.insert(reservations).values(rows);
  return tx.db
    .$with("held", { orderId: reservations.orderId })
    .as(insert.returning({ orderId: reservations.orderId }).getSQL());
}

/** The INSERT of `answer`'s row, as a data-modifying CTE written only where `when` holds (reserveStock). */
export function answeredWhere(tx: Tx, answer: Answer, when: SQL) {
  return tx.db.$with("answered", { orderId: answeredOrders.orderId }).as(
    insertWhere(tx.db, answeredOrders, [answerRow(answer)], when)
      .returning({ orderId: answeredOrders.orderId })
      .getSQL(),
  );
}

/**
 * Whether the inventory knows `orderId` already, as one boolean SQL expression: cancelled (its
 * tombstone), answered, or with lines held (an order reserved before answers were kept). Such an
 * order is answered by answerAgain; any other is new.
 */
export function knownOrder(orderId: string) {
  return sql<boolean>`(exists (select 1 from ${cancelledOrders} where ${cancelledOrders.orderId} = ${orderId})
    or exists (select 1 from ${answeredOrders} where ${answeredOrders.orderId} = ${orderId})
    or exists (select 1 from ${reservations} where ${reservations.orderId} = ${orderId}))`;
}

/**
 * Once an order is sold or released, payments has no more use for its token: it is not kept longer
 * than the units are held.
 */
export async function forgetPaymentToken(tx: Tx, orderId: string): Promise<void> {
  await tx.db
    .update(answeredOrders)
    .set({ paymentToken: null, sealedPaymentToken: null })
    .where(eq(answeredOrders.orderId, orderId));
}

/**
 * forgetPaymentToken as a data-modifying CTE, for the statement that moves the order's lines on
 * (`tx.db.with(forgottenToken(tx, id)).update(…)`): Postgres runs it whether or not that statement
 * reads it, in the same round trip.
 */
export function forgottenToken(tx: Tx, orderId: string) {
  return tx.db
    .$with("forgotten_token", { orderId: answeredOrders.orderId })
    .as(
      tx.db
        .update(answeredOrders)
        .set({ paymentToken: null, sealedPaymentToken: null })
        .where(eq(answeredOrders.orderId, orderId))
        .returning({ orderId: answeredOrders.orderId })
        .getSQL(),
    );
}

/**
 * Gives the answer already given to `order` again, or undefined when it has none yet. A reservation
 * is answered with the same StockReserved (lines as held, customer, total and token as stored); a
 * rejection with the same StockRejected; an order already sold is past this step, and a cancelled one
 * (its tombstone) gets nothing (skipped). The caller holds the order's lock. One read tells whether the
 * order is cancelled, its stored answer, and whether it has lines held (reserveStock asks it only of an
 * order its hold found known, and of one with no lines).
 */
export async function answerAgain(tx: Tx, order: PricedOrder): Promise<ReserveOutcome | undefined> {
  const orderId = order.orderId;
  const [known] = await tx.db
    .select({
      cancelled: sql<boolean>`exists (select 1 from ${cancelledOrders} where ${cancelledOrders.orderId} = ${orderId})`,
      held: sql<boolean>`exists (select 1 from ${reservations} where ${reservations.orderId} = ${orderId})`,
      answer: getTableColumns(answeredOrders),
    })
    .from(sql`(select 1) as asked`)
    .leftJoin(answeredOrders, eq(answeredOrders.orderId, orderId));
  if (known?.cancelled) return { outcome: "skipped" };
  const answer = known?.answer ?? undefined;
  if (answer?.outcome === "rejected") {
    const rejection = { reason: answer.reason, productIds: answer.productIds };
    await emitRejected(tx, { orderId, customerId: answer.customerId, ...rejection });
    return { outcome: "rejected", ...rejection, repeated: true };
  }
  if (!answer && !known?.held) return undefined;
  const held = await tx.db
    .select({ productId: reservations.productId, quantity: reservations.quantity, state: reservations.state })
    .from(reservations)
    .where(eq(reservations.orderId, orderId))
    .orderBy(asc(reservations.productId));
  if (!answer && held.length === 0) return undefined;
  // Confirmed: paid for and sold, so a StockReserved now could only invite a second charge.
  if (held.some((line) => line.state === "sold")) return { outcome: "skipped" };
  const lines = held.map(({ productId, quantity }) => ({ productId, quantity }));
  // An order reserved before answers were kept has only its lines stored: the rest is the question's.
  const stored = answer && {
    orderId,
    customerId: answer.customerId,
    total: { amountMinor: answer.totalMinor, currency: answer.currency },
    sealedPaymentToken: answer.sealedPaymentToken ?? order.sealedPaymentToken,
    paymentToken: answer.paymentToken ?? order.paymentToken,
  };
  await emitReserved(tx, stored ?? order, lines);
  return { outcome: "reserved", lines, repeated: true };
}
