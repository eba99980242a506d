/**
 * Verifies the OIDC token of an event delivery (Knative's sender identity): `Authorization: Bearer
 * <JWT>` whose issuer, audience (this function's), expiry and signature (a key of the issuer's JWKS)
 * hold. The key set is fetched once and cached (jose refetches on an unknown `kid`, at most every 30 s),
 * and a token already verified is remembered until it expires: the broker sends the same token with
 * every delivery until it renews it, so the steady state costs a map lookup, not a signature check.
 */
import { readFile } from "node:fs/promises";
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { Logger } from "../logger.ts";
import { type EventAuthConfig, type EventAuthOption, readEventAuthConfig } from "./auth-config.ts";

/** Checks the Authorization header of one delivery. */
export interface EventVerifier {
  /** Resolves to undefined when the delivery is authenticated, else to a sentence saying why not. */
  check(authorization: string | undefined): Promise<string | undefined>;
}

// Asymmetric algorithms only: Kubernetes signs with RS256 (or ES256), the local runner with EdDSA;
// "none" and HMAC (a key anyone holding the JWKS could use) are never accepted.
const ALGORITHMS = ["RS256", "ES256", "EdDSA"];
// Verified tokens remembered; past this many (a token per sender and renewal) the memory starts over.
const REMEMBERED_MAX = 1024;

/** A verifier for `config`, or undefined when event authentication is off. */
export function createEventVerifier(config: EventAuthConfig): EventVerifier | undefined {
  if (config.mode === "off") return undefined;
  const keys = keySet(config);
  const verified = new Map<string, number>();
  return {
    async check(authorization) {
      if (!authorization) return "event delivery needs an OIDC token: no Authorization header";
      if (!authorization.startsWith("Bearer ")) return "event delivery needs an Authorization: Bearer token";
      const token = authorization.slice("Bearer ".length).trim();
      const expires = verified.get(token);
      if (expires !== undefined && expires > Date.now()) return undefined;
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: ALGORITHMS,
          requiredClaims: ["exp"],
        });
        if (verified.size >= REMEMBERED_MAX) verified.clear();
        verified.set(token, (payload.exp ?? 0) * 1000);
        return undefined;
      } catch (error) {
        return `event token refused: ${(error as Error).message}`;
      }
    },
  };
}

function keySet(config: Extract<EventAuthConfig, { mode: "oidc" }>): JWTVerifyGetKey {
  if ("get" in config.keys) return config.keys.get;
  const { url, tokenFile } = config.keys;
  return createRemoteJWKSet(new URL(url), {
    cacheMaxAge: 10 * 60_000,
    // The API server serves its JWKS to authenticated callers: the pod's own service account token,
    // read at each fetch because the kubelet rotates the file.
    ...(tokenFile
      ? {
          [customFetch]: async (input: string, init: RequestInit) => {
            const token = (await readFile(tokenFile, "utf8")).trim();
            const headers = new Headers(init.headers);
            headers.set("authorization", `Bearer ${token}`);
            return fetch(input, { ...init, headers });
          },
        }
      : {}),
  });
}

/**
 * The verifier of a starting function: from its environment, or `option` (a caller in this process),
 * saying once at warn level when authentication is off.
 */
export function eventVerifierFor(
  name: string,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  option?: EventAuthOption,
): EventVerifier | undefined {
  const config = readEventAuthConfig(name, env, option);
  if (config.mode === "off") {
    logger.warn(
      "event authentication is off (SHOP_EVENT_AUTH=off): POST / accepts events from anyone who can reach it",
    );
  } else {
    const keys = "url" in config.keys ? config.keys.url : "in process";
    logger.debug({ issuer: config.issuer, audience: config.audience, keys }, "events need an OIDC token");
  }
  return createEventVerifier(config);
}
