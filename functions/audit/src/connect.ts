/**
 * audit's Connect routes and who may call them.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { AccessPolicy, App } from "@shop/runtime";
import { AuditService } from "@shop/schemas/audit/v1/audit";
import { auditService } from "./rpc/audit-service.ts";

/** Only administrators read the log; nobody writes it but the events. */
export const policy: AccessPolicy = { ListAuditEntries: "admin" };

/** Registers the AuditService (audit has no deps of its own). */
export default function routes(router: ConnectRouter, _deps: undefined, app: App): void {
  router.service(AuditService, auditService(app));
}
