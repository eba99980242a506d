/**
 * What audit's tests share: a started audit, clients of it as a given caller through the function's
 * own interceptors, and AdminActionRecorded events as an admin verb emits them. Only tests import this file.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Principal, type RunningFunction, type StartOptions, toCloudEvent } from "@shop/runtime";
import { startForTest, testClient } from "@shop/runtime/testing";
import { AuditService } from "@shop/schemas/audit/v1/audit";
import { AdminActionRecordedSchema } from "@shop/schemas/audit/v1/events";
import { auditFunction } from "./function.ts";

/** A started audit. */
export type Audit = RunningFunction<undefined, undefined>;

/** An administrator, who may read the log. */
export const admin: Principal = { userId: "admin-1", role: "admin" };
/** A customer, who may not. */
export const customer: Principal = { userId: "customer-1", role: "customer" };

/** Starts audit on PGlite with an in-memory log, unless `options` say otherwise. */
export function startAudit(options: StartOptions<undefined, undefined> = {}): Promise<Audit> {
  return startForTest(auditFunction, options);
}

/** An AuditService client of `fn` calling as `principal` (anonymous without one). */
export function auditClient(fn: Audit, principal?: Principal) {
  return testClient(fn, AuditService, principal ? { principal } : {});
}

/** AdminActionRecorded as `source` emits it. */
export function adminAction(
  init: { actorId?: string; action: string; target: string; before?: string; after?: string; at?: Date },
  source = "/functions/catalog",
) {
  const message = create(AdminActionRecordedSchema, {
    actorId: init.actorId ?? "admin-1",
    actorEmail: "",
    action: init.action,
    target: init.target,
    before: init.before ?? "",
    after: init.after ?? "",
    at: timestampFromDate(init.at ?? new Date()),
  });
  return toCloudEvent(AdminActionRecordedSchema, message, { source, key: init.target });
}
