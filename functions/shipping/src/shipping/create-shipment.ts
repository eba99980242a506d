/**
 * OrderConfirmed: a confirmed order that ships gets its one shipment, PREPARING.
 */
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { lockOrder, type Tx, wasCancelled } from "@shop/runtime";
import { ShipmentCreatedSchema } from "@shop/schemas/shipping/v1/events";
import { eq } from "drizzle-orm";
import { cancelledOrders, type ShipmentRow, type StoredAddress, shipments } from "../db/schema.ts";
import { dueAfter, type ShippingClock } from "./clock.ts";

/** A confirmed order, as shipping needs it; `address` and `option` are unset when nothing ships. */
export interface CreateShipmentInput {
  orderId: string;
  customerId: string;
  option: string;
  address: StoredAddress | undefined;
}

/** What became of the confirmation. */
export type CreateShipmentOutcome =
  | { kind: "created"; shipment: ShipmentRow }
  /** The order has its shipment already (a redelivery or a second confirmation): nothing changes. */
  | { kind: "exists"; shipment: ShipmentRow }
  /** The order ships nothing (no address). */
  | { kind: "nothing-to-ship" }
  /** The order was cancelled before its confirmation arrived: it never ships. */
  | { kind: "cancelled" };

/**
 * Creates the order's shipment and emits ShipmentCreated, unless the order ships nothing, was
 * cancelled (its tombstone), or has its shipment already. With the dev carrier on, schedules its
 * dispatch.
 */
export async function createShipment(
  tx: Tx,
  input: CreateShipmentInput,
  clock: ShippingClock,
): Promise<CreateShipmentOutcome> {
  if (!input.address) return { kind: "nothing-to-ship" };
  await lockOrder(tx, "shipping", input.orderId);
  if (await wasCancelled(tx, cancelledOrders, input.orderId)) return { kind: "cancelled" };
  const now = clock.now();
  const [created] = await tx.db
    .insert(shipments)
    .values({
      id: randomUUID(),
      orderId: input.orderId,
      customerId: input.customerId,
      status: "PREPARING",
      option: input.option,
      address: input.address,
      createdAt: now,
      dispatchDueAt: dueAfter(clock, now, clock.devCarrier.dispatchAfterMs),
    })
    .onConflictDoNothing({ target: shipments.orderId })
    .returning();
  if (!created) {
    const [existing] = await tx.db.select().from(shipments).where(eq(shipments.orderId, input.orderId));
    return { kind: "exists", shipment: existing as ShipmentRow };
  }
  await tx.emit(
    ShipmentCreatedSchema,
    create(ShipmentCreatedSchema, {
      shipmentId: created.id,
      orderId: created.orderId,
      customerId: created.customerId,
      option: created.option,
      address: created.address,
      createdAt: timestampFromDate(created.createdAt),
    }),
    { key: created.orderId },
  );
  return { kind: "created", shipment: created };
}
