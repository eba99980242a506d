/**
 * WebhookService: convert the request, call a verb, convert the result. The verbs' DomainErrors reach
 * the client through the runtime's error interceptor.
 */
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { type App, caller, recordAdminAction, type Tx } from "@shop/runtime";
import {
  CreateEndpointResponseSchema,
  DeleteEndpointResponseSchema,
  EnableEndpointResponseSchema,
  GetEndpointResponseSchema,
  ListDeliveriesResponseSchema,
  ListEndpointsResponseSchema,
  RedeliverDeliveryResponseSchema,
  RotateSecretResponseSchema,
  UpdateEndpointResponseSchema,
  type WebhookService,
} from "@shop/schemas/webhooks/v1/webhooks";
import type { WebhooksDeps } from "../setup.ts";
import {
  createEndpoint,
  deleteEndpoint,
  enableEndpoint,
  getEndpoint,
  invalidRequest,
  listDeliveries,
  listEndpoints,
  redeliverDelivery,
  rotateSecret,
  updateEndpoint,
} from "../webhooks/index.ts";
import { deliveryMessage, endpointMessage, formatOf } from "./messages.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Ids are uuids: anything else is refused before it reaches Postgres (which would answer an error).
function checkedId(id: string, what: "endpoint" | "delivery" = "endpoint"): string {
  if (!UUID.test(id))
    throw invalidRequest(`"${id}" is not ${what === "endpoint" ? "an endpoint" : "a delivery"} id.`);
  return id;
}

/** Records an admin's change to endpoints or deliveries in the audit log, in its transaction. */
function audited(tx: Tx, context: HandlerContext, action: string, target: string, after?: unknown) {
  return recordAdminAction(tx, { actor: caller(context), action: `webhooks.${action}`, target, after });
}

/** The WebhookService implementation over `app`'s database and webhooks' `deps`. */
export function webhookService(
  deps: WebhooksDeps,
  app: Pick<App, "db" | "transaction">,
): ServiceImpl<typeof WebhookService> {
  return {
    async createEndpoint(request, context) {
      const created = await app.transaction(async (tx) => {
        const made = await createEndpoint(
          tx,
          {
            url: request.url,
            eventTypes: request.eventTypes,
            format: formatOf(request.format),
            description: request.description,
            now: deps.now(),
          },
          deps,
        );
        // The endpoint as stored (its secret is in Vault, never in the log).
        await audited(tx, context, "CreateEndpoint", made.endpoint.id, made.endpoint);
        return made;
      });
      deps.wanted.invalidate();
      return create(CreateEndpointResponseSchema, {
        endpoint: endpointMessage(created.endpoint),
        secret: created.secret,
      });
    },
    async listEndpoints() {
      const endpoints = await listEndpoints(app.db);
      return create(ListEndpointsResponseSchema, { endpoints: endpoints.map(endpointMessage) });
    },
    async getEndpoint(request) {
      const endpoint = await getEndpoint(app.db, { id: checkedId(request.id) });
      return create(GetEndpointResponseSchema, { endpoint: endpointMessage(endpoint) });
    },
    async updateEndpoint(request, context) {
      const id = checkedId(request.id);
      const format = formatOf(request.format);
      const updated = await app.transaction(async (tx) => {
        const changed = await updateEndpoint(
          tx,
          {
            id,
            url: request.url,
            eventTypes: request.eventTypes,
            ...(format ? { format } : {}),
            ...(request.description !== undefined ? { description: request.description } : {}),
            now: deps.now(),
          },
          deps,
        );
        await audited(tx, context, "UpdateEndpoint", id, changed);
        return changed;
      });
      deps.wanted.invalidate();
      return create(UpdateEndpointResponseSchema, { endpoint: endpointMessage(updated) });
    },
    async enableEndpoint(request, context) {
      const id = checkedId(request.id);
      const enabled = await app.transaction(async (tx) => {
        const endpoint = await enableEndpoint(tx, { id, now: deps.now() });
        await audited(tx, context, "EnableEndpoint", id, endpoint);
        return endpoint;
      });
      deps.wanted.invalidate();
      return create(EnableEndpointResponseSchema, { endpoint: endpointMessage(enabled) });
    },
    async deleteEndpoint(request, context) {
      const id = checkedId(request.id);
      await app.transaction(async (tx) => {
        await deleteEndpoint(tx, { id });
        await audited(tx, context, "DeleteEndpoint", id);
      });
      deps.wanted.invalidate();
      return create(DeleteEndpointResponseSchema, {});
    },
    async rotateSecret(request, context) {
      const id = checkedId(request.id);
      const secret = await app.transaction(async (tx) => {
        const rotated = await rotateSecret(tx, { id, now: deps.now() }, deps);
        // That it was rotated, never the secret itself.
        await audited(tx, context, "RotateSecret", id);
        return rotated;
      });
      return create(RotateSecretResponseSchema, { secret });
    },
    async listDeliveries(request) {
      const page = await listDeliveries(app.db, {
        endpointId: checkedId(request.endpointId),
        pageSize: request.pageSize,
        pageToken: request.pageToken,
      });
      return create(ListDeliveriesResponseSchema, {
        deliveries: page.deliveries.map(deliveryMessage),
        nextPageToken: page.nextPageToken,
      });
    },
    async redeliverDelivery(request, context) {
      const id = checkedId(request.id, "delivery");
      const delivery = await app.transaction(async (tx) => {
        const again = await redeliverDelivery(tx, { id, now: deps.now() }, deps.schedule);
        await audited(tx, context, "RedeliverDelivery", id, {
          status: again.status,
          attempts: again.attempts,
        });
        return again;
      });
      void deps.sender.wake();
      return create(RedeliverDeliveryResponseSchema, { delivery: deliveryMessage(delivery) });
    },
  };
}
