/**
 * Recording an event orders consumed for an order in the order's history.
 */
import type { Db, ShopCloudEvent, Tx } from "@shop/runtime";
import { eq, sql } from "drizzle-orm";
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

/** What recording an event found: the first delivery of an event of a known order, a redelivery, or no such order. */
export type RecordedOrderEvent = "recorded" | "duplicate" | "unknown order";

/**
 * Adds `event` to its order's history, once: a redelivery (same source and id) changes nothing, and
 * an event for an order orders does not have is not recorded (its handler drops it too). Says which,
 * in the same statement: the history row is the event's processed-event record (events/history.ts).
 */
export async function recordOrderEvent(tx: Tx, event: ConsumedOrderEvent): Promise<RecordedOrderEvent> {
  // One statement: the existence check and the insert cannot disagree under concurrency. It answers
  // a row only for a known order, saying whether this delivery added the event.
  const inserted = historyInsert(tx.db, event);
  const [known] = await tx.db
    .with(inserted)
    .select({ inserted: sql<boolean>`exists (select 1 from ${inserted})` })
    .from(orders)
    .where(eq(orders.id, event.orderId));
  if (!known) return "unknown order";
  return known.inserted ? "recorded" : "duplicate";
}

/**
 * The history insert as a CTE named `inserted`: one row (`one`) when this delivery added `event` to
 * its order's history, none for a redelivery or an order orders does not have. recordOrderEvent and
 * a saga step's own UPDATE (transition.ts, updateOrder with `consumed`) both build on it.
 */
export function historyInsert(db: Db, event: ConsumedOrderEvent) {
  return db.$with("inserted", { one: sql<number>`one` }).as(sql`
    insert into ${orderEvents} (order_id, event_id, event_type, event_source, event_time, direction)
    select ${event.orderId}, ${event.eventId}, ${event.eventType}, ${event.eventSource},
      ${event.eventTime.toISOString()}::timestamptz, 'consumed'
    where exists (select 1 from ${orders} where ${orders.id} = ${event.orderId})
    on conflict do nothing
    returning 1 as one`);
}

/** `event` (a CloudEvent about order `orderId`) as its order's history records it. */
export function consumedEvent(event: ShopCloudEvent, orderId: string): ConsumedOrderEvent {
  const time = event.time ? new Date(event.time) : new Date();
  return {
    orderId,
    eventId: event.id,
    eventType: event.type,
    eventSource: event.source,
    eventTime: Number.isNaN(time.getTime()) ? new Date() : time,
  };
}
