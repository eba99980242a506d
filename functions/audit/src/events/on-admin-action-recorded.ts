/**
 * AdminActionRecorded (from any function with admin verbs): keep it in the log.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { EventContext } from "@shop/runtime";
import type { AdminActionRecorded } from "@shop/schemas/audit/v1/events";
import { recordEntry } from "../audit/record-entry.ts";

/** Appends the action to the log, with the event's id and source; a redelivery changes nothing. */
export async function onAdminActionRecorded(
  message: AdminActionRecorded,
  context: EventContext,
): Promise<void> {
  const now = new Date();
  await recordEntry(
    context,
    {
      id: context.event.id,
      source: context.event.source,
      actorId: message.actorId,
      actorEmail: message.actorEmail,
      action: message.action,
      target: message.target,
      before: message.before,
      after: message.after,
      at: message.at ? timestampDate(message.at) : now,
    },
    now,
  );
}
