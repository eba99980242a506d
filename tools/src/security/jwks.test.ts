/**
 * identity's public keys at /.well-known/jwks.json: the current and the previous key during a rotation,
 * public members only, cacheable for a bounded time, and enough to verify the tokens identity issues.
 */
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { DEV_ADMIN, shopFunction } from "@shop/platform";
import {
  JWKS_MAX_AGE_SECONDS,
  keyFromSeed,
  publicJwk,
  type RunningFunction,
  type SecretStore,
} from "@shop/runtime";
import { startForTest } from "@shop/runtime/testing";
import { IdentityService } from "@shop/schemas/identity/v1/identity";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const current = keyFromSeed("jwks test: current", "k-current");
const previous = keyFromSeed("jwks test: previous", "k-previous");
const values: Record<string, Record<string, string>> = {
  "shop/identity/jwt": { kid: current.kid, privateJwk: JSON.stringify(current.privateJwk) },
  // A careless publisher put a private member in: it must not be served.
  "shop/jwks": {
    jwks: JSON.stringify({
      keys: [publicJwk(current), { ...publicJwk(previous), d: previous.privateJwk.d }],
    }),
  },
  "shop/identity/admin": DEV_ADMIN,
};
const secrets: SecretStore = {
  describe: () => "a rotation in progress",
  read: async (path) => values[path] ?? { value: `dev ${path}` },
  useDevDefaults: () => {},
};
let fn: RunningFunction;

beforeAll(async () => {
  fn = await startForTest(shopFunction("identity"), {
    secrets,
    listen: true,
    config: { port: 0 },
    settings: { passwordCost: { N: 2 ** 10, r: 8, p: 1 } },
  });
}, 120_000);
afterAll(() => fn.close());

describe("/.well-known/jwks.json", () => {
  it("serves the current and the previous public key, public members only, cacheable", async () => {
    const answer = await fetch(`${fn.url}/.well-known/jwks.json`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/jwk-set+json");
    expect(answer.headers.get("cache-control")).toBe(`public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    const { keys } = (await answer.json()) as { keys: Record<string, unknown>[] };
    expect(keys.map((key) => key.kid)).toEqual(["k-current", "k-previous"]);
    expect(keys).toEqual([publicJwk(current), publicJwk(previous)]);
    expect(JSON.stringify(keys)).not.toContain(String(previous.privateJwk.d));
  });

  it("verifies the access tokens identity issues, for a verifier that knows nothing else", async () => {
    const identity = createClient(
      IdentityService,
      createConnectTransport({ baseUrl: fn.url ?? "", httpVersion: "1.1" }),
    );
    const { tokens } = await identity.login(DEV_ADMIN);
    const keySet = createRemoteJWKSet(new URL(`${fn.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens?.accessToken ?? "", keySet, {
      issuer: "shop-identity",
      audience: "shop",
    });
    expect(protectedHeader.kid).toBe("k-current");
    expect(payload).toMatchObject({ role: "admin", sid: expect.any(String) });
  });
});
