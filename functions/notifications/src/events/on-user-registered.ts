/**
 * UserRegistered: a new account. Its address joins the projection (releasing any email parked for
 * it) and the welcome email with the verification link is owed.
 */

import type { EventContext } from "@shop/runtime";
import { type UserRegistered, UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { recordUser } from "../notifications/index.ts";
import type { NotificationsDeps } from "../setup.ts";
import { owe } from "./owe.ts";

/** Records the user and owes the welcome email. */
export async function onUserRegistered(
  message: UserRegistered,
  context: EventContext<NotificationsDeps>,
): Promise<void> {
  const released = await recordUser(context, {
    userId: message.userId,
    email: message.email,
    now: new Date(),
  });
  if (released > 0) context.afterCommit(() => context.deps.mailer.kick());
  await owe(context, UserRegisteredSchema, message, {
    kind: "welcome",
    userId: message.userId,
    recipient: message.email,
  });
}
