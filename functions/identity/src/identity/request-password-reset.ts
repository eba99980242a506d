/**
 * RequestPasswordReset: someone asks for a reset link for an address. The answer is the same whether
 * or not the address has an account, and both paths do the same work (a token is made and sealed
 * either way), so neither the answer nor its time tells which addresses exist.
 */
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Tx } from "@shop/runtime";
import { PasswordResetRequestedSchema } from "@shop/schemas/identity/v1/events";
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import type { AddressLimiter } from "./address-limiter.ts";
import { invalidEmail, tooManyResetRequests } from "./errors.ts";
import { type LinkSealer, prepareLink, storeLink, supersedeLinks } from "./link-tokens.ts";
import { isValidEmail, normaliseEmail } from "./users.ts";

/** What a person typed, and the client address the server saw (`clientAddressOf`). */
export interface PasswordResetRequestInput {
  email: string;
  address: string;
}

/** What a reset request needs besides the transaction. */
export interface PasswordResetRequestDeps {
  /** Reset requests per client address and per email (every request costs one, found or not). */
  resetLimiter: AddressLimiter;
  sealLinkToken: LinkSealer;
  now: () => Date;
}

/**
 * For an existing account: stores a new reset link (older ones stop working) and emits
 * PasswordResetRequested (key user id) with its token sealed for notifications. For an unknown
 * address: nothing is stored or emitted. A malformed address → InvalidArgument; too many requests
 * for the address or from the client → ResourceExhausted, whether the account exists or not.
 */
export async function requestPasswordReset(
  tx: Tx,
  input: PasswordResetRequestInput,
  deps: PasswordResetRequestDeps,
): Promise<void> {
  const now = deps.now();
  const email = normaliseEmail(input.email);
  if (!isValidEmail(email)) throw invalidEmail();
  // Per client (one network asking for many addresses) and per address (one mailbox flooded).
  const keys = [`client:${input.address}`, `email:${email}`];
  const wait = Math.max(...keys.map((key) => deps.resetLimiter.retryAfter(key, now)));
  if (wait > 0) throw tooManyResetRequests(wait);
  tx.afterCommit(() => {
    for (const key of keys) deps.resetLimiter.failed(key, now);
  });
  const [user] = await tx.db.select({ id: users.id }).from(users).where(eq(users.email, email)).for("update");
  // The same work for an unknown address: a token made and sealed (for an id nobody has), and the
  // superseding update (which then matches no row). Only the insert and the event are skipped.
  const userId = user?.id ?? randomUUID();
  const link = await prepareLink("reset-password", userId, deps);
  if (!user) {
    await supersedeLinks(tx, "reset-password", userId, now);
    return;
  }
  await storeLink(tx, "reset-password", userId, link, now);
  await tx.emit(
    PasswordResetRequestedSchema,
    create(PasswordResetRequestedSchema, {
      userId,
      email,
      sealedResetToken: link.sealed,
      expiresAt: timestampFromDate(link.expiresAt),
      requestedAt: timestampFromDate(now),
    }),
    { key: userId },
  );
}
