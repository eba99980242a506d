/**
 * CancelOrder: a customer cancels one of their orders (an admin any order) until its parcel is
 * dispatched. A CONFIRMED order too: OrderCancelled (was_confirmed) makes inventory return the sold
 * stock, promotions release the coupon redemption and payments refund the charge.
 */
import { type Principal, recordAdminAction, type Tx } from "@shop/runtime";
import { CancellationCause, OrderCancelledSchema } from "@shop/schemas/orders/v1/events";
import { eq, sql } from "drizzle-orm";
import { type OrderRow, orders } from "../db/schema.ts";
import { DEFAULT_REASONS } from "./cancel-order.ts";
import { alreadyDispatched, cancelReasonTooLong, orderIdMissing, orderNotFound } from "./errors.ts";
import { toOrderCancelled } from "./messages.ts";
import { hasLeft } from "./record-shipment.ts";

/** Longest reason a customer may give. */
export const MAX_CANCEL_REASON_LENGTH = 500;

/** Which order, who cancels it, and why (optional, in their words). */
export interface RequestCancellationInput {
  orderId: string;
  viewer: Principal;
  reason: string;
}

/** The order after the request, what it was before, and whether this call cancelled it. */
export interface CancellationResult {
  order: OrderRow;
  previous: OrderRow;
  cancelled: boolean;
}

/**
 * Cancels the order `orderId` for `viewer` (its customer, or an admin; anyone else gets
 * orderNotFound, as in getOrder) and emits OrderCancelled; an admin's cancellation of another's order is
 * recorded in the audit log (AdminActionRecorded). An order already cancelled is returned as
 * it is and nothing is emitted; one whose parcel was dispatched or delivered is refused
 * (alreadyDispatched).
 */
export async function requestCancellation(
  tx: Tx,
  { orderId, viewer, reason }: RequestCancellationInput,
): Promise<CancellationResult> {
  if (orderId.length === 0) throw orderIdMissing();
  const said = reason.trim();
  if (said.length > MAX_CANCEL_REASON_LENGTH) throw cancelReasonTooLong(MAX_CANCEL_REASON_LENGTH);
  // Locked: a saga event or shipping's dispatch of the same order waits for this decision (and this
  // one for theirs), so an order is never both dispatched and cancelled, or confirmed after it.
  const [order] = await tx.db.select().from(orders).where(eq(orders.id, orderId)).for("update");
  const admin = viewer.role === "admin";
  if (!order || (order.customerId !== viewer.userId && !admin)) throw orderNotFound(orderId);
  if (order.status === "CANCELLED") return { order, previous: order, cancelled: false };
  if (hasLeft(order.shipment)) throw alreadyDispatched();

  // An admin cancelling their own order does it as its customer.
  const byCustomer = order.customerId === viewer.userId;
  const cause = byCustomer ? CancellationCause.CUSTOMER_REQUESTED : CancellationCause.ADMIN_REQUESTED;
  const [updated] = await tx.db
    .update(orders)
    .set({
      status: "CANCELLED",
      cancelReason: said || DEFAULT_REASONS[cause],
      cancelledBy: byCustomer ? "CUSTOMER" : "ADMIN",
      cancelledById: viewer.userId,
      cancelledAt: sql`now()`,
      // The payment token is not kept past the saga: a final order is never asked for again.
      paymentToken: null,
      sealedPaymentToken: null,
      updatedAt: sql`now()`,
    })
    .where(eq(orders.id, orderId))
    .returning();
  if (!updated) throw new Error(`order ${orderId} vanished while locked`);
  const wasConfirmed = order.status === "CONFIRMED";
  await tx.emit(OrderCancelledSchema, toOrderCancelled(updated, cause, wasConfirmed), { key: orderId });
  if (!byCustomer) {
    // An admin acting on someone else's order is in the audit log, with the same commit.
    await recordAdminAction(tx, {
      actor: viewer,
      action: "orders.CancelOrder",
      target: orderId,
      before: { status: order.status },
      after: { status: updated.status, reason: updated.cancelReason },
    });
  }
  return { order: updated, previous: order, cancelled: true };
}
