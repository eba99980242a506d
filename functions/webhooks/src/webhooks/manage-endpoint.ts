/**
 * Changing a registered endpoint: its URL, types, format or description; enabling it again; rotating
 * its secret; deleting it.
 */
import type { Tx } from "@shop/runtime";
import { and, eq } from "drizzle-orm";
import { deliveries, endpoints, type PayloadFormat, type StoredEndpoint } from "../db/schema.ts";
import type { EndpointDeps } from "./create-endpoint.ts";
import { checkedDescription, checkedEventTypes, checkedUrl } from "./endpoint-input.ts";
import { endpointNotFound } from "./errors.ts";

async function lockEndpoint(tx: Tx, id: string): Promise<StoredEndpoint> {
  const [endpoint] = await tx.db.select().from(endpoints).where(eq(endpoints.id, id)).for("update");
  if (!endpoint) throw endpointNotFound(id);
  return endpoint;
}

/** What an update may change; what is absent stays. */
export interface EndpointChanges {
  id: string;
  url?: string;
  eventTypes?: string[];
  format?: PayloadFormat;
  description?: string;
  now: Date;
}

/** Changes an endpoint; a new URL is checked as at registration. */
export async function updateEndpoint(
  tx: Tx,
  input: EndpointChanges,
  deps: EndpointDeps,
): Promise<StoredEndpoint> {
  await lockEndpoint(tx, input.id);
  const [updated] = await tx.db
    .update(endpoints)
    .set({
      ...(input.url ? { url: await checkedUrl(input.url, deps.policy) } : {}),
      ...(input.eventTypes?.length ? { eventTypes: checkedEventTypes(input.eventTypes) } : {}),
      ...(input.format ? { format: input.format } : {}),
      ...(input.description !== undefined ? { description: checkedDescription(input.description) } : {}),
      updatedAt: input.now,
    })
    .where(eq(endpoints.id, input.id))
    .returning();
  return updated!;
}

/** Enables an endpoint again; deliveries that failed stay failed (an admin redelivers them). */
export async function enableEndpoint(tx: Tx, input: { id: string; now: Date }): Promise<StoredEndpoint> {
  await lockEndpoint(tx, input.id);
  const [updated] = await tx.db
    .update(endpoints)
    .set({ enabled: true, disabledReason: null, updatedAt: input.now })
    .where(eq(endpoints.id, input.id))
    .returning();
  return updated!;
}

/** Gives an endpoint a new signing secret; answers it (shown once). The old one is no longer used. */
export async function rotateSecret(
  tx: Tx,
  input: { id: string; now: Date },
  deps: Pick<EndpointDeps, "secrets">,
): Promise<string> {
  const endpoint = await lockEndpoint(tx, input.id);
  const version = endpoint.secretVersion + 1;
  await tx.db
    .update(endpoints)
    .set({ secretVersion: version, updatedAt: input.now })
    .where(eq(endpoints.id, input.id));
  return deps.secrets.issue(endpoint.secretRef, version);
}

/**
 * Deletes an endpoint and its delivery log. Its secret stays in the store at an unused version until
 * an operator purges it: the policy grants webhooks no delete.
 */
export async function deleteEndpoint(tx: Tx, input: { id: string }): Promise<void> {
  await lockEndpoint(tx, input.id);
  await tx.db.delete(deliveries).where(and(eq(deliveries.endpointId, input.id)));
  await tx.db.delete(endpoints).where(eq(endpoints.id, input.id));
}
