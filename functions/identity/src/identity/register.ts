/**
 * Register: creates a customer account and emits UserRegistered.
 */

import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Tx } from "@shop/runtime";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { users } from "../db/schema.ts";
import { emailTaken, invalidEmail, passwordTooLong, passwordTooShort } from "./errors.ts";
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
  deps: { passwords: PasswordHasher },
): Promise<NewAccount> {
  const email = normaliseEmail(input.email);
  if (!isValidEmail(email)) throw invalidEmail();
  if ([...input.password].length < MIN_PASSWORD_LENGTH) throw passwordTooShort(MIN_PASSWORD_LENGTH);
  if (input.password.length > MAX_PASSWORD_LENGTH) throw passwordTooLong(MAX_PASSWORD_LENGTH);
  return { email, passwordHash: await deps.passwords.hash(input.password) };
}

/** Stores a customer account and emits UserRegistered; an email already in use is refused (`emailTaken`). */
export async function register(tx: Tx, account: NewAccount, deps: { now: () => Date }): Promise<User> {
  const now = deps.now();
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
  if (!row) throw emailTaken();
  await tx.emit(
    UserRegisteredSchema,
    create(UserRegisteredSchema, { userId: row.id, email: row.email, registeredAt: timestampFromDate(now) }),
    { key: row.id },
  );
  return publicUser(row);
}
