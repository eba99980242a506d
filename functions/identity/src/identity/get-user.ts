/**
 * Reads an account by id (for Me), refusing a caller whose session has ended since its token was issued.
 */
import type { Db } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { sessionOpen } from "./credentials.ts";
import { sessionEnded, unknownUser } from "./errors.ts";
import { publicUser, type User } from "./users.ts";

/**
 * The account `userId`; refused with `unknownUser` when it does not exist (any more), and with
 * `sessionEnded` when the token's session (`sessionId`) was revoked: a password or role change, or a
 * logout, ends the access tokens of that session at identity within their 15 minutes too.
 */
export async function getUser(db: Db, userId: string, sessionId?: string): Promise<User> {
  if (sessionId !== undefined && !(await sessionOpen(db, userId, sessionId))) throw sessionEnded();
  const [row] = await db.select().from(users).where(eq(users.id, userId));
  if (!row) throw unknownUser();
  return publicUser(row);
}
