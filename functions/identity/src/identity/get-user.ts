/**
 * Reads an account by id (for Me).
 */
import type { Db } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { IdentityError } from "./errors.ts";
import { publicUser, type User } from "./users.ts";

/** The account `userId`; IdentityError("unknown-user") when it does not exist (any more). */
export async function getUser(db: Db, userId: string): Promise<User> {
  const [row] = await db.select().from(users).where(eq(users.id, userId));
  if (!row) throw new IdentityError("unknown-user", "Your account no longer exists.");
  return publicUser(row);
}
