/**
 * The logged-in customer: tokens and account in sessionStorage, so they last for the tab and end
 * with it. Access tokens are short-lived; api.ts refreshes them with the refresh token.
 */
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Role, type Tokens, type User } from "@shop/schemas/identity/v1/identity";

const KEY = "shop.session";

/** What the storefront keeps about the logged-in customer. */
export interface Session {
  userId: string;
  email: string;
  admin: boolean;
  /** The address was confirmed (VerifyEmail); purchases do not depend on it. */
  emailVerified: boolean;
  accessToken: string;
  /** Epoch milliseconds when the access token stops working. */
  accessExpiresAt: number;
  refreshToken: string;
}

const listeners = new Set<(session: Session | undefined) => void>();

/** The current session, if someone is logged in. */
export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
}

/** Stores the session of `user` holding `tokens` (after Login). */
export function startSession(user: User, tokens: Tokens): Session {
  return saveSession({
    userId: user.id,
    email: user.email,
    admin: user.role === Role.ADMIN,
    emailVerified: user.emailVerified,
    ...tokenFields(tokens),
  });
}

/** Replaces the tokens of the current session (after Refresh). */
export function renewSession(tokens: Tokens): Session | undefined {
  const session = currentSession();
  return session ? saveSession({ ...session, ...tokenFields(tokens) }) : undefined;
}

/** Records that the current session's address was confirmed (the verify page, in this tab). */
export function markEmailVerified(): void {
  const session = currentSession();
  if (!session) return;
  sessionStorage.setItem(KEY, JSON.stringify({ ...session, emailVerified: true }));
  for (const listener of listeners) listener({ ...session, emailVerified: true });
}

/** Forgets the session (logout, or a refresh token that no longer works). */
export function endSession(): void {
  sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener(undefined);
}

/** Calls `listener` whenever someone logs in or out, or the address of the session is confirmed. */
export function onSessionChange(listener: (session: Session | undefined) => void): void {
  listeners.add(listener);
}

function saveSession(session: Session): Session {
  const changed = currentSession()?.userId !== session.userId;
  sessionStorage.setItem(KEY, JSON.stringify(session));
  if (changed) for (const listener of listeners) listener(session);
  return session;
}

function tokenFields(tokens: Tokens) {
  return {
    accessToken: tokens.accessToken,
    accessExpiresAt: tokens.accessTokenExpiresAt ? timestampMs(tokens.accessTokenExpiresAt) : 0,
    refreshToken: tokens.refreshToken,
  };
}
