/**
 * PasswordResetRequested: the reset link is owed, to the address the event names.
 */
import type { EventContext } from "@shop/runtime";
import { type PasswordResetRequested, PasswordResetRequestedSchema } from "@shop/schemas/identity/v1/events";
import type { NotificationsDeps } from "../setup.ts";
import { owe } from "./owe.ts";

/** Owes the password-reset email. */
export async function onPasswordResetRequested(
  message: PasswordResetRequested,
  context: EventContext<NotificationsDeps>,
): Promise<boolean> {
  return owe(context, PasswordResetRequestedSchema, message, {
    kind: "password-reset",
    userId: message.userId,
    recipient: message.email,
  });
}
