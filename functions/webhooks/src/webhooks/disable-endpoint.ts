/**
 * Disabling an endpoint that cannot take deliveries (a day of failed retries, or 410 Gone): its pending
 * deliveries fail, and WebhookEndpointDisabled goes out through the outbox so an admin is told.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Tx } from "@shop/runtime";
import { WebhookEndpointDisabledSchema } from "@shop/schemas/webhooks/v1/events";
import { and, eq } from "drizzle-orm";
import { deliveries, endpoints } from "../db/schema.ts";

/** Why and by which delivery an endpoint is disabled. */
export interface Disabling {
  endpointId: string;
  reason: string;
  deliveryId: string;
  lastStatusCode: number;
  now: Date;
}

/** Disables the endpoint once (a second call changes nothing); answers whether this call did. */
export async function disableEndpoint(tx: Tx, input: Disabling): Promise<boolean> {
  const [disabled] = await tx.db
    .update(endpoints)
    .set({ enabled: false, disabledReason: input.reason, updatedAt: input.now })
    .where(and(eq(endpoints.id, input.endpointId), eq(endpoints.enabled, true)))
    .returning();
  if (!disabled) return false;
  await tx.db
    .update(deliveries)
    .set({
      status: "failed",
      nextAttemptAt: null,
      lastError: `not sent: the endpoint was disabled (${input.reason})`,
    })
    .where(and(eq(deliveries.endpointId, input.endpointId), eq(deliveries.status, "pending")));
  await tx.emit(
    WebhookEndpointDisabledSchema,
    create(WebhookEndpointDisabledSchema, {
      endpointId: disabled.id,
      url: disabled.url,
      reason: input.reason,
      deliveryId: input.deliveryId,
      lastStatusCode: input.lastStatusCode,
      disabledAt: timestampFromDate(input.now),
    }),
    { key: disabled.id },
  );
  return true;
}
