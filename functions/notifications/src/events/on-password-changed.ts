/**
 * PasswordChanged: the notice that the password was changed is owed, to the address the event names.
 */
import type { EventContext } from "@shop/runtime";
import { type PasswordChanged, PasswordChangedSchema } from "@shop/schemas/identity/v1/events";
import type { NotificationsDeps } from "../setup.ts";
import { owe } from "./owe.ts";

/** Owes the "your password was changed" email. */
export async function onPasswordChanged(
  message: PasswordChanged,
  context: EventContext<NotificationsDeps>,
): Promise<boolean> {
  return owe(context, PasswordChangedSchema, message, {
    kind: "password-changed",
    userId: message.userId,
    recipient: message.email,
  });
}
