/**
 * The drizzle schema of identity: accounts, refresh tokens and emailed-link tokens, in the Postgres schema `identity`.
 */
import { outboxTable, processedEventsTable } from "@shop/runtime";
import { index, integer, pgSchema, text, timestamp } from "drizzle-orm/pg-core";

/** The Postgres schema identity owns. */
export const identity = pgSchema("identity");

/** Accounts. `email` is stored normalised (trimmed, lower case), so it is unique as people mean it. */
export const users = identity.table("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  // Self-describing scrypt hash: `$scrypt$n=…,r=…,p=…$<salt>$<hash>` (see passwords.ts).
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["customer", "admin"] }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  // Consecutive failed logins since the last success; from the 5th on the account is locked for a while.
  failedLogins: integer("failed_logins").notNull().default(0),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
  // When the owner followed the verification link (VerifyEmail); null while unverified.
  emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
});

/**
 * Refresh tokens, stored only as the sha256 of the token. Each Refresh marks its token used and issues
 * the next one in the same family; presenting a used token again revokes the whole family.
 */
export const refreshTokens = identity.table(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    familyId: text("family_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [index("refresh_tokens_family_idx").on(table.familyId)],
);

/**
 * The single-use tokens of emailed links (verify an address, reset a password), stored only as the
 * sha256 of the token. `purpose` keeps a token to its one use; `usedAt` is set when it is used or when
 * a newer token of the same purpose supersedes it.
 */
export const emailTokens = identity.table(
  "email_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify-email", "reset-password"] }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (table) => [index("email_tokens_user_idx").on(table.userId, table.purpose)],
);

export const outbox = outboxTable(identity);
export const processedEvents = processedEventsTable(identity);
