/**
 * Reads an account by id (for Me).
 */
import type { Db } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { unknownUser } from "./errors.ts";
import { publicUser, type User } from "./users.ts";

/** The account `userId`; refused with `unknownUser` when it does not exist (any more). */
export async function getUser(db: Db, userId: string): Promise<User> {
  const [row] = await db.select().from(users).where(eq(users.id, userId));
  if (!row) throw unknownUser();
  return publicUser(row);
}
