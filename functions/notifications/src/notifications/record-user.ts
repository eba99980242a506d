/**
 * The projection of identity's users: a customer's address, and the emails that waited for it.
 */
import type { Tx } from "@shop/runtime";
import { and, eq, sql } from "drizzle-orm";
import { emails, users } from "../db/schema.ts";

/**
 * Records (or updates) where `userId`'s emails go, and releases the emails parked for them (order
 * events that came before the address): they become pending, due at `now`. Returns how many.
 */
export async function recordUser(
  tx: Tx,
  input: { userId: string; email: string; verified?: boolean; now: Date },
): Promise<number> {
  await tx.db
    .insert(users)
    .values({
      userId: input.userId,
      email: input.email,
      emailVerified: input.verified ?? false,
      updatedAt: input.now,
    })
    .onConflictDoUpdate({
      target: users.userId,
      set: {
        email: input.email,
        // Verified once stays verified for this address; a later UserRegistered (redelivered) does not undo it.
        emailVerified: input.verified
          ? true
          : sql`${users.emailVerified} and ${users.email} = ${input.email}`,
        updatedAt: input.now,
      },
    });
  const released = await tx.db
    .update(emails)
    .set({ state: "pending", recipient: input.email, nextAttemptAt: input.now })
    .where(and(eq(emails.userId, input.userId), eq(emails.state, "parked")))
    .returning({ id: emails.id });
  return released.length;
}
