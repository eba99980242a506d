/**
 * Register: creates a customer account and emits UserRegistered with the sealed token of its
 * verification link.
 */

import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Tx } from "@shop/runtime";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { users } from "../db/schema.ts";
import { emailTaken, invalidEmail, passwordTooLong, passwordTooShort } from "./errors.ts";
import { type LinkSealer, type PreparedLink, prepareLink, storeLink } from "./link-tokens.ts";
import type { PasswordHasher } from "./passwords.ts";
import { isValidEmail, normaliseEmail, publicUser, type User } from "./users.ts";

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 8;
// A ceiling so that nobody makes the server hash megabytes.
const MAX_PASSWORD_LENGTH = 1024;

/**
 * A new account, checked and prepared outside any transaction: its id, email, hashed password and
 * the verification link of its welcome email.
 */
export interface NewAccount {
  id: string;
  email: string;
  passwordHash: string;
  verification: PreparedLink;
}

/** What a person typed to register. */
export interface RegisterInput {
  email: string;
  password: string;
}

/**
 * Checks and normalises what a person typed, and hashes the password (InvalidArgument refusals).
 * Not in the transaction: a hash takes scrypt's time, which no database connection should wait for.
 */
export async function prepareAccount(
  input: RegisterInput,
  deps: { passwords: PasswordHasher; sealLinkToken: LinkSealer; now: () => Date },
): Promise<NewAccount> {
  const email = normaliseEmail(input.email);
  if (!isValidEmail(email)) throw invalidEmail();
  checkPassword(input.password);
  const id = randomUUID();
  // Sealing asks Vault: like the hash, not while a database connection waits.
  const verification = await prepareLink("verify-email", id, deps);
  return { id, email, passwordHash: await deps.passwords.hash(input.password), verification };
}

/** The password policy of Register and ResetPassword (InvalidArgument refusals with the same sentences). */
export function checkPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) throw passwordTooShort(MIN_PASSWORD_LENGTH);
  if (password.length > MAX_PASSWORD_LENGTH) throw passwordTooLong(MAX_PASSWORD_LENGTH);
}

/**
 * Stores a customer account with its verification link and emits UserRegistered (with the sealed
 * token and its expiry); an email already in use is refused (`emailTaken`).
 */
export async function register(tx: Tx, account: NewAccount, deps: { now: () => Date }): Promise<User> {
  const now = deps.now();
  const [row] = await tx.db
    .insert(users)
    .values({
      id: account.id,
      email: account.email,
      passwordHash: account.passwordHash,
      role: "customer",
      createdAt: now,
    })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!row) throw emailTaken();
  await storeLink(tx, "verify-email", row.id, account.verification, now);
  await tx.emit(
    UserRegisteredSchema,
    create(UserRegisteredSchema, {
      userId: row.id,
      email: row.email,
      registeredAt: timestampFromDate(now),
      sealedVerificationToken: account.verification.sealed,
      verificationExpiresAt: timestampFromDate(account.verification.expiresAt),
    }),
    { key: row.id },
  );
  return publicUser(row);
}
