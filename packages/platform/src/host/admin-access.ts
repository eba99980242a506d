/**
 * Who may read the shop's admin paths outside Connect (`/ops/…`: metrics, traces): an admin, proven by a
 * bearer token that the runtime's verifier accepts — the same check an admin-only RPC makes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TokenVerifier } from "@shop/runtime";

/**
 * Answers 401 (no or a bad token) or 403 (not an admin) and resolves false, or resolves true and
 * leaves the response to the caller.
 */
export async function admitAdmin(
  verifier: TokenVerifier,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const header = req.headers.authorization ?? "";
  const token = header.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
  if (!token) return refuse(res, 401, "Please log in as an administrator first.");
  const principal = await verifier.verify(token).catch(() => undefined);
  if (!principal) return refuse(res, 401, "Your session is not valid or has expired. Please log in again.");
  if (principal.role !== "admin") return refuse(res, 403, "Only an administrator may see this.");
  return true;
}

function refuse(res: ServerResponse, status: 401 | 403, message: string): false {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    ...(status === 401 ? { "www-authenticate": 'Bearer realm="shop"' } : {}),
  });
  res.end(message);
  return false;
}
