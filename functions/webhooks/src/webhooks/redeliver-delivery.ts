/**
 * Sending a delivery again on an admin's word: delivered or failed, it becomes pending and due now,
 * with a fresh retry window, keeping its id (so the receiver can tell it is the same event).
 */
import type { Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { deliveries, endpoints, type StoredDelivery } from "../db/schema.ts";
import { deliveryNotFound, invalidRequest } from "./errors.ts";

/** Makes delivery `id` due now; refused while its endpoint is disabled. */
export async function redeliverDelivery(
  tx: Tx,
  input: { id: string; now: Date },
  { horizonMs }: { horizonMs: number },
): Promise<StoredDelivery> {
  const [found] = await tx.db
    .select({ delivery: deliveries, enabled: endpoints.enabled })
    .from(deliveries)
    .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
    .where(eq(deliveries.id, input.id))
    .for("update");
  if (!found) throw deliveryNotFound(input.id);
  if (!found.enabled) {
    throw invalidRequest(`The endpoint of delivery ${input.id} is disabled: enable it before redelivering.`);
  }
  const [updated] = await tx.db
    .update(deliveries)
    .set({
      status: "pending",
      nextAttemptAt: input.now,
      giveUpAt: new Date(input.now.getTime() + horizonMs),
      deliveredAt: null,
    })
    .where(eq(deliveries.id, input.id))
    .returning();
  return updated!;
}
