/**
 * Recording an event orders consumed for an order in the order's history.
 */
import type { Tx } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { orderEvents, orders } from "../db/schema.ts";

/** One consumed CloudEvent about an order. */
export interface ConsumedOrderEvent {
  orderId: string;
  eventId: string;
  eventType: string;
  eventSource: string;
  /** The CloudEvent's time; its arrival when it carries none. */
  eventTime: Date;
}

/**
 * Adds `event` to its order's history, once: a redelivery (same source and id) changes nothing, and
 * an event for an order orders does not have is not recorded (its handler drops it too).
 */
export async function recordOrderEvent(tx: Tx, event: ConsumedOrderEvent): Promise<void> {
  // One statement: the existence check and the insert cannot disagree under concurrency.
  await tx.db.execute(sql`
    insert into ${orderEvents} (order_id, event_id, event_type, event_source, event_time, direction)
    select ${event.orderId}, ${event.eventId}, ${event.eventType}, ${event.eventSource},
      ${event.eventTime.toISOString()}::timestamptz, 'consumed'
    where exists (select 1 from ${orders} where ${orders.id} = ${event.orderId})
    on conflict do nothing`);
}
