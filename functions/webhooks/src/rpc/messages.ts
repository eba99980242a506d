/**
 * Between webhooks' rows and WebhookService's messages.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type Delivery,
  DeliverySchema,
  DeliveryStatus,
  type Endpoint,
  EndpointSchema,
  PayloadFormat,
} from "@shop/schemas/webhooks/v1/webhooks";
import type { StoredDelivery, StoredEndpoint, PayloadFormat as StoredFormat } from "../db/schema.ts";

/** The stored format of a requested one; undefined when unspecified. */
export function formatOf(format: PayloadFormat): StoredFormat | undefined {
  if (format === PayloadFormat.PROTOBUF) return "protobuf";
  if (format === PayloadFormat.JSON) return "json";
  return undefined;
}

const timestamp = (at: Date | null) => (at ? timestampFromDate(at) : undefined);

/** An endpoint as an admin sees it (never its secret). */
export function endpointMessage(endpoint: StoredEndpoint): Endpoint {
  return create(EndpointSchema, {
    id: endpoint.id,
    url: endpoint.url,
    eventTypes: endpoint.eventTypes,
    format: endpoint.format === "json" ? PayloadFormat.JSON : PayloadFormat.PROTOBUF,
    description: endpoint.description,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason ?? "",
    createdAt: timestamp(endpoint.createdAt),
    updatedAt: timestamp(endpoint.updatedAt),
  });
}

const STATUS = {
  pending: DeliveryStatus.PENDING,
  delivered: DeliveryStatus.DELIVERED,
  failed: DeliveryStatus.FAILED,
} as const;

/** A delivery log row. */
export function deliveryMessage(delivery: StoredDelivery): Delivery {
  return create(DeliverySchema, {
    id: delivery.id,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: STATUS[delivery.status],
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode ?? 0,
    lastError: delivery.lastError ?? "",
    createdAt: timestamp(delivery.createdAt),
    lastAttemptAt: timestamp(delivery.lastAttemptAt),
    nextAttemptAt: delivery.status === "pending" ? timestamp(delivery.nextAttemptAt) : undefined,
    deliveredAt: timestamp(delivery.deliveredAt),
  });
}
