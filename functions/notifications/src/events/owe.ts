/**
 * What every handler that owes an email does: store it with the event's data, and kick the mailer
 * once the transaction has committed (never inside it: a rollback would have sent a mail for nothing).
 */
import { type DescMessage, type MessageShape, toJson } from "@bufbuild/protobuf";
import type { EventContext } from "@shop/runtime";
import type { EmailKind } from "../db/schema.ts";
import { oweEmail } from "../notifications/index.ts";
import type { NotificationsDeps } from "../setup.ts";

/**
 * Owes `kind` to `userId` for the event in `context` (at `recipient`, or the projection's address).
 * False when the event had owed it already (a redelivery): the email row, unique per event, is the
 * handler's record of it, so its subscription is `idempotent` (no processed-event row besides).
 */
export async function owe<Desc extends DescMessage>(
  context: EventContext<NotificationsDeps>,
  schema: Desc,
  message: MessageShape<Desc>,
  email: { kind: EmailKind; userId: string; recipient?: string },
): Promise<boolean> {
  const state = await oweEmail(context, {
    eventSource: context.event.source,
    eventId: context.event.id,
    ...email,
    data: toJson(schema, message) as Record<string, unknown>,
    now: new Date(),
  });
  if (state === "pending") context.afterCommit(() => context.deps.mailer.kick());
  else if (state === "parked") {
    context.logger.info(
      { userId: email.userId, kind: email.kind, eventId: context.event.id },
      "email parked until the customer's address is known",
    );
  }
  return state !== "duplicate";
}
