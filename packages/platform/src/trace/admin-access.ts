/**
 * Admin-only HTTP paths of the host (outside Connect): the same bearer token the runtime's auth
 * interceptor verifies, with the same answers, as HTTP statuses: 401 without a valid token, 403 for a
 * token that is not an administrator's.
 */
import type { IncomingMessage } from "node:http";
import type { TokenVerifier } from "@shop/runtime";

/** Why a request is refused, or undefined when an administrator sent it. */
export interface Refusal {
  status: 401 | 403;
  message: string;
}

/** Checks that `req` carries a valid administrator's bearer token. */
export async function refuseUnlessAdmin(
  req: IncomingMessage,
  verifier: TokenVerifier,
): Promise<Refusal | undefined> {
  const header = req.headers.authorization;
  const token = header?.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : undefined;
  if (!token) return { status: 401, message: "Please log in first." };
  try {
    const principal = await verifier.verify(token);
    if (principal.role !== "admin") return { status: 403, message: "Only an administrator may do this." };
    return undefined;
  } catch (error) {
    return { status: 401, message: (error as Error).message };
  }
}
