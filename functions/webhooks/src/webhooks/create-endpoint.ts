/**
 * Registering an endpoint: checked (https, a public address unless allow-listed), stored, and given a
 * signing secret kept in the secret store.
 */
import { randomUUID } from "node:crypto";
import type { Tx } from "@shop/runtime";
import { endpoints, type PayloadFormat, type StoredEndpoint } from "../db/schema.ts";
import { checkedDescription, checkedEventTypes, checkedFormat, checkedUrl } from "./endpoint-input.ts";
import { type SigningSecrets, secretPath } from "./secrets.ts";
import type { TargetPolicy } from "./target.ts";

/** What an admin registers. */
export interface EndpointInput {
  url: string;
  eventTypes: string[];
  format: PayloadFormat | undefined;
  description: string;
  now: Date;
}

/** What registering needs besides the transaction. */
export interface EndpointDeps {
  policy: TargetPolicy;
  secrets: SigningSecrets;
}

/** Registers an endpoint; answers it and its signing secret (the only time the secret is shown). */
export async function createEndpoint(
  tx: Tx,
  input: EndpointInput,
  deps: EndpointDeps,
): Promise<{ endpoint: StoredEndpoint; secret: string }> {
  const url = await checkedUrl(input.url, deps.policy);
  const eventTypes = checkedEventTypes(input.eventTypes);
  const format = checkedFormat(input.format);
  const description = checkedDescription(input.description);
  const id = randomUUID();
  const [endpoint] = await tx.db
    .insert(endpoints)
    .values({
      id,
      url,
      eventTypes,
      format,
      description,
      secretRef: secretPath(id),
      secretVersion: 1,
      createdAt: input.now,
      updatedAt: input.now,
    })
    .returning();
  // Inside the transaction: a secret that cannot be kept leaves no endpoint behind.
  const secret = await deps.secrets.issue(secretPath(id), 1);
  return { endpoint: endpoint!, secret };
}
