/**
 * The Connect routes of webhooks and who may call them.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { AccessPolicy, App } from "@shop/runtime";
import { WebhookService } from "@shop/schemas/webhooks/v1/webhooks";
import { webhookService } from "./rpc/webhook-service.ts";
import type { WebhooksDeps } from "./setup.ts";

/** Who may call each method: every one is for admins (a method not listed would be too). */
export const policy: AccessPolicy = {
  CreateEndpoint: "admin",
  ListEndpoints: "admin",
  GetEndpoint: "admin",
  UpdateEndpoint: "admin",
  EnableEndpoint: "admin",
  DeleteEndpoint: "admin",
  RotateSecret: "admin",
  ListDeliveries: "admin",
  RedeliverDelivery: "admin",
};

/** Registers WebhookService. */
export default function routes(router: ConnectRouter, deps: WebhooksDeps, app: App): void {
  router.service(WebhookService, webhookService(deps, app));
}
