/**
 * Everything audit consumes: the one list (knative/base/audit.yaml's Trigger filters on these types).
 */
import { type EventSubscription, on } from "@shop/runtime";
import { AdminActionRecordedSchema } from "@shop/schemas/audit/v1/events";
import { onAdminActionRecorded } from "./on-admin-action-recorded.ts";

/** audit's subscriptions. */
export const subscriptions: EventSubscription[] = [on(AdminActionRecordedSchema, onAdminActionRecorded)];
