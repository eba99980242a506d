/**
 * The dev carrier: in development, shipments move on by themselves. It reads due rows (the schedule
 * is stored with each shipment, so a restart loses nothing) and moves each on with the same verbs an
 * admin's DispatchShipment and DeliverShipment call.
 */
import { randomBytes } from "node:crypto";
import { type App, DomainError } from "@shop/runtime";
import { and, asc, eq, isNotNull, lte } from "drizzle-orm";
import { shipments } from "../db/schema.ts";
import type { ShippingClock } from "./clock.ts";
import { deliverShipment } from "./deliver-shipment.ts";
import { dispatchShipment } from "./dispatch-shipment.ts";

/** The carrier name the dev carrier dispatches with. */
export const DEV_CARRIER = "Shop Express Dev";

/** What one run of the dev carrier did: the orders whose parcels it dispatched and delivered. */
export interface CarrierRun {
  dispatched: string[];
  delivered: string[];
}

/**
 * Dispatches the PREPARING shipments whose dispatch is due (a generated tracking number, carrier
 * {@link DEV_CARRIER}) and delivers the DISPATCHED ones whose delivery is due, at most `limit` of
 * each, one transaction per shipment: a shipment cancelled or moved on by an admin meanwhile is
 * refused by the verb and skipped. Does nothing with the dev carrier off.
 */
export async function runDevCarrier(app: App, clock: ShippingClock, limit: number): Promise<CarrierRun> {
  const run: CarrierRun = { dispatched: [], delivered: [] };
  if (!clock.devCarrier.enabled) return run;
  const now = clock.now();
  const toDispatch = await app.db
    .select({ orderId: shipments.orderId })
    .from(shipments)
    .where(
      and(
        eq(shipments.status, "PREPARING"),
        isNotNull(shipments.dispatchDueAt),
        lte(shipments.dispatchDueAt, now),
      ),
    )
    .orderBy(asc(shipments.dispatchDueAt))
    .limit(limit);
  for (const { orderId } of toDispatch) {
    const trackingNumber = `SXD${randomBytes(5).toString("hex").toUpperCase()}`;
    const moved = await skipRefused(() =>
      app.transaction((tx) => dispatchShipment(tx, { orderId, carrier: DEV_CARRIER, trackingNumber }, clock)),
    );
    if (moved) run.dispatched.push(orderId);
  }
  const toDeliver = await app.db
    .select({ orderId: shipments.orderId })
    .from(shipments)
    .where(
      and(
        eq(shipments.status, "DISPATCHED"),
        isNotNull(shipments.deliverDueAt),
        lte(shipments.deliverDueAt, now),
      ),
    )
    .orderBy(asc(shipments.deliverDueAt))
    .limit(limit);
  for (const { orderId } of toDeliver) {
    const moved = await skipRefused(() => app.transaction((tx) => deliverShipment(tx, { orderId }, clock)));
    if (moved) run.delivered.push(orderId);
  }
  return run;
}

// Another replica's carrier, an admin or a cancellation got there first: the verb refuses, and
// there is nothing left to do for that shipment.
async function skipRefused(step: () => Promise<unknown>): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}
