/**
 * EmailVerified: the customer proved the address is theirs; the projection says so (and follows a
 * changed address). No email: the storefront already told them.
 */
import type { EventContext } from "@shop/runtime";
import type { EmailVerified } from "@shop/schemas/identity/v1/events";
import { recordUser } from "../notifications/index.ts";
import type { NotificationsDeps } from "../setup.ts";

/** Records the verified address. */
export async function onEmailVerified(
  message: EmailVerified,
  context: EventContext<NotificationsDeps>,
): Promise<void> {
  const released = await recordUser(context, {
    userId: message.userId,
    email: message.email,
    verified: true,
    now: new Date(),
  });
  if (released > 0) context.afterCommit(() => context.deps.mailer.kick());
}
