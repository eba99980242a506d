/**
 * Accounts as the verbs hand them out, and how emails are normalised and checked.
 */
import type { users } from "../db/schema.ts";

/** An account without its secrets. */
export interface User {
  id: string;
  email: string;
  role: "customer" | "admin";
  createdAt: Date;
  /** The owner followed the verification link. */
  emailVerified: boolean;
}

/** The public part of a stored account. */
export function publicUser(row: typeof users.$inferSelect): User {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: row.createdAt,
    emailVerified: row.emailVerifiedAt !== null,
  };
}

/** The form an email is stored and looked up in: trimmed and lower case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Deliberately loose (one @, a dot in the domain, no spaces): the real check is the mail a person receives.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** True for an address of a plausible shape, at most 254 characters (the SMTP limit). */
export function isValidEmail(normalised: string): boolean {
  return normalised.length <= 254 && EMAIL.test(normalised);
}
