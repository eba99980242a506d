/**
 * Reads the shop's admin-only `/ops/…` endpoints as the logged-in admin: plain HTTP with the
 * session's bearer token, refreshed as the Connect calls refresh it. A refusal becomes a
 * ConnectError with the matching code and the shop's sentence, so pages show it as any other error.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { refreshSession } from "../api.ts";
import { currentSession } from "../session.ts";

// As api.ts: refresh shortly before the access token expires.
const REFRESH_MARGIN_MS = 30_000;

const CODES: Record<number, Code> = {
  401: Code.Unauthenticated,
  403: Code.PermissionDenied,
  404: Code.Unimplemented,
  503: Code.Unavailable,
  504: Code.DeadlineExceeded,
};

async function token(force: boolean): Promise<string | undefined> {
  let session = currentSession();
  if (session && (force || session.accessExpiresAt - Date.now() < REFRESH_MARGIN_MS))
    session = await refreshSession().catch(() => undefined);
  return session?.accessToken;
}

/** GET `path` as the admin; resolves the answer's body, or rejects with a ConnectError. */
export async function opsGet(path: string, signal: AbortSignal): Promise<string> {
  const get = async (bearer: string | undefined) =>
    fetch(path, { signal, headers: bearer ? { authorization: `Bearer ${bearer}` } : {}, cache: "no-store" });
  let answer = await get(await token(false));
  // The token may have been refused for having expired a moment ago: once more with a fresh one.
  if (answer.status === 401 && currentSession()) answer = await get(await token(true));
  const body = await answer.text();
  if (answer.ok) return body;
  throw new ConnectError(
    body.trim() || `The shop answered ${answer.status}.`,
    CODES[answer.status] ?? Code.Internal,
  );
}
