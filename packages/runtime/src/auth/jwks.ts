/**
 * The public keys at `/.well-known/jwks.json` (served by identity), for whoever verifies Shop's access
 * tokens outside the functions: the cluster gateway's SecurityPolicy (remoteJWKS), third parties.
 *
 * The set is `shop/jwks` as published for the functions: during a rotation it holds the new key and the
 * previous one (infra/cluster/vault/setup.sh publishes the new key before identity signs with it, and
 * keeps the old one while its tokens live), so a cached copy of either age verifies every live token.
 * Only the public members of each key are served, whatever the secret holds.
 */
import type { SecretStore } from "../config.ts";
import { JWKS_PATH } from "./keys.ts";

/** The path every Shop deployment serves its public keys at (RFC 8615 well-known URI). */
export const JWKS_HTTP_PATH = "/.well-known/jwks.json";

/**
 * How long a verifier may keep the set: well under the access tokens' 15 minutes, so a key published
 * ahead of its use (wait this long after publishing before signing with it) is known everywhere.
 */
export const JWKS_MAX_AGE_SECONDS = 300;

const PUBLIC_MEMBERS = ["kty", "crv", "x", "y", "n", "e", "kid", "alg", "use"] as const;

/** The JSON of the public key set, from `shop/jwks` with only public members kept. */
export async function publicKeySet(secrets: SecretStore): Promise<string> {
  const secret = await secrets.read(JWKS_PATH);
  if (!secret?.jwks) throw new Error(`no public keys at ${JWKS_PATH}`);
  const { keys } = JSON.parse(secret.jwks) as { keys?: Record<string, unknown>[] };
  const published = (keys ?? []).map((key) =>
    Object.fromEntries(
      PUBLIC_MEMBERS.filter((name) => key[name] !== undefined).map((name) => [name, key[name]]),
    ),
  );
  return JSON.stringify({ keys: published });
}
