/**
 * An event from shop.events becomes one pending delivery per enabled endpoint that asked for its type,
 * in the handler's transaction; the sender takes them after commit.
 */
import type { Tx } from "@shop/runtime";
import { and, arrayContains, eq } from "drizzle-orm";
import { deliveries, endpoints } from "../db/schema.ts";

/** An event as the KafkaSource delivered it. */
export interface IncomingEvent {
  source: string;
  id: string;
  type: string;
  attributes: Record<string, string>;
  data: Uint8Array;
}

/**
 * Adds a delivery of `event` for every enabled endpoint taking its type, due at `now` and retried
 * until `now + horizonMs`; answers how many are new. The same event again adds none: a delivery is
 * unique per event and endpoint.
 */
export async function enqueueDeliveries(
  tx: Tx,
  { event, now }: { event: IncomingEvent; now: Date },
  { horizonMs }: { horizonMs: number },
): Promise<number> {
  const targets = await tx.db
    .select({ id: endpoints.id })
    .from(endpoints)
    .where(and(eq(endpoints.enabled, true), arrayContains(endpoints.eventTypes, [event.type])));
  if (targets.length === 0) return 0;
  const added = await tx.db
    .insert(deliveries)
    .values(
      targets.map(({ id }) => ({
        endpointId: id,
        eventSource: event.source,
        eventId: event.id,
        eventType: event.type,
        attributes: event.attributes,
        data: event.data,
        status: "pending" as const,
        createdAt: now,
        nextAttemptAt: now,
        giveUpAt: new Date(now.getTime() + horizonMs),
      })),
    )
    .onConflictDoNothing({ target: [deliveries.eventSource, deliveries.eventId, deliveries.endpointId] })
    .returning({ id: deliveries.id });
  return added.length;
}
