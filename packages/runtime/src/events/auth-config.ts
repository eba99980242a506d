/**
 * How a function authenticates the events delivered to its `POST /`: Knative Eventing's sender
 * identity (`authentication-oidc`), read once from the environment (see packages/runtime/README.md).
 */
import type { JWTVerifyGetKey } from "jose";

/** The audience a function's Triggers name for it (`spec.subscriber.audience`), unless configured. */
export function defaultEventAudience(name: string): string {
  return `shop/${name}`;
}

/** Where the issuer's keys come from: an HTTP JWKS, or keys handed in (the runner in this process). */
export type EventKeys =
  | {
      url: string /** A file whose content is sent as the bearer credential of the JWKS request. */;
      tokenFile?: string;
    }
  | { get: JWTVerifyGetKey };

/** Event authentication on (`oidc`, the default) or off (a cluster without OIDC). */
export type EventAuthConfig =
  | { mode: "off" }
  | { mode: "oidc"; issuer: string; audience: string; keys: EventKeys };

/** What a caller in the same process hands a function instead of the environment (the runner's keys). */
export type EventAuthOption = "off" | { issuer: string; keys: JWTVerifyGetKey; audience?: string };

// Kubernetes' service account issuer and its JWKS, as the API server serves them by default: Knative
// asks the TokenRequest API for the delivery's token, so the API server is its issuer.
const KUBERNETES_ISSUER = "https://kubernetes.default.svc";
const KUBERNETES_JWKS = "https://kubernetes.default.svc/openid/v1/jwks";

/**
 * Reads `SHOP_EVENT_AUTH` (`oidc` | `off`), `SHOP_EVENT_ISSUER`, `SHOP_EVENT_AUDIENCE`,
 * `SHOP_EVENT_JWKS_URL` and `SHOP_EVENT_JWKS_BEARER_FILE`; `option` (a caller in this process) wins.
 * Any other value of `SHOP_EVENT_AUTH` is refused: a typo must not switch authentication off.
 */
export function readEventAuthConfig(
  name: string,
  env: NodeJS.ProcessEnv,
  option?: EventAuthOption,
): EventAuthConfig {
  const audience = env.SHOP_EVENT_AUDIENCE || defaultEventAudience(name);
  if (option === "off") return { mode: "off" };
  if (option) {
    return {
      mode: "oidc",
      issuer: option.issuer,
      audience: option.audience ?? audience,
      keys: { get: option.keys },
    };
  }
  const mode = env.SHOP_EVENT_AUTH ?? "oidc";
  if (mode === "off") return { mode: "off" };
  if (mode !== "oidc")
    throw new Error(`SHOP_EVENT_AUTH must be "oidc" or "off", not ${JSON.stringify(mode)}`);
  const tokenFile = env.SHOP_EVENT_JWKS_BEARER_FILE;
  return {
    mode: "oidc",
    issuer: env.SHOP_EVENT_ISSUER || KUBERNETES_ISSUER,
    audience,
    keys: { url: env.SHOP_EVENT_JWKS_URL || KUBERNETES_JWKS, ...(tokenFile ? { tokenFile } : {}) },
  };
}
