/**
 * Register: creates a customer account and emits UserRegistered.
 */

import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Tx } from "@shop/runtime";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { users } from "../db/schema.ts";
import { IdentityError } from "./errors.ts";
import type { PasswordHasher } from "./passwords.ts";
import { isValidEmail, normaliseEmail, publicUser, type User } from "./users.ts";

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 8;
// A ceiling so that nobody makes the server hash megabytes.
const MAX_PASSWORD_LENGTH = 1024;

/** A new account's email and password, checked and with the password hashed (outside any transaction). */
export interface NewAccount {
  email: string;
  passwordHash: string;
}

/** Checks and normalises what a person typed, and hashes the password; throws IdentityError("invalid-input"). */
export async function prepareAccount(
  input: { email: string; password: string },
  passwords: PasswordHasher,
): Promise<NewAccount> {
  const email = normaliseEmail(input.email);
  if (!isValidEmail(email)) {
    throw new IdentityError("invalid-input", "Please enter a valid email address.");
  }
  if ([...input.password].length < MIN_PASSWORD_LENGTH) {
    throw new IdentityError(
      "invalid-input",
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`,
    );
  }
  if (input.password.length > MAX_PASSWORD_LENGTH) {
    throw new IdentityError(
      "invalid-input",
      `The password must have at most ${MAX_PASSWORD_LENGTH} characters.`,
    );
  }
  return { email, passwordHash: await passwords.hash(input.password) };
}

/** Stores a customer account and emits UserRegistered; an email already in use → IdentityError("email-taken"). */
export async function register(tx: Tx, account: NewAccount, now: Date): Promise<User> {
  const [row] = await tx.db
    .insert(users)
    .values({
      id: randomUUID(),
      email: account.email,
      passwordHash: account.passwordHash,
      role: "customer",
      createdAt: now,
    })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!row)
    throw new IdentityError("email-taken", "An account with this email already exists. Please log in.");
  await tx.emit(
    UserRegisteredSchema,
    create(UserRegisteredSchema, { userId: row.id, email: row.email, registeredAt: timestampFromDate(now) }),
    { key: row.id },
  );
  return publicUser(row);
}
