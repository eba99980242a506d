import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createEventVerifier } from "./auth.ts";
import { readEventAuthConfig } from "./auth-config.ts";
import { createEventIssuer } from "./event-issuer.ts";

const issuer = await createEventIssuer({ issuer: "test-broker" });
const verifier = createEventVerifier({
  mode: "oidc",
  issuer: "test-broker",
  audience: "shop/orders",
  keys: { get: issuer.keys },
})!;
const bearer = (token: string) => `Bearer ${token}`;

describe("event delivery tokens", () => {
  it("accepts a token of the issuer for this function's audience", async () => {
    expect(await verifier.check(bearer(await issuer.token("shop/orders")))).toBeUndefined();
    // Remembered: the same token again is accepted (the broker reuses it until it renews it).
    expect(await verifier.check(bearer(await issuer.token("shop/orders")))).toBeUndefined();
  });

  it("refuses a delivery without a token, or with another scheme", async () => {
    expect(await verifier.check(undefined)).toMatch(/no Authorization header/);
    expect(await verifier.check("Basic YTpi")).toMatch(/Bearer/);
  });

  it("refuses another audience, an expired token, another key, another issuer and alg none", async () => {
    const other = await createEventIssuer({ issuer: "test-broker" });
    const foreign = await createEventIssuer({ issuer: "someone-else" });
    const none = new UnsecuredJWT({})
      .setIssuer("test-broker")
      .setAudience("shop/orders")
      .setExpirationTime("1h")
      .encode();
    const cases = {
      audience: [await issuer.token("shop/payments"), /"aud" claim/],
      expired: [await issuer.sign({ audience: "shop/orders", expiresInS: -60 }), /"exp" claim/],
      key: [await other.token("shop/orders"), /no applicable key|signature/],
      issuer: [await foreign.token("shop/orders"), /"iss" claim|no applicable key/],
      none: [none, /alg|Unsupported|not allowed/],
    } as const;
    for (const [name, [token, reason]] of Object.entries(cases)) {
      expect(await verifier.check(bearer(token)), name).toMatch(reason);
    }
  });

  it("fetches the key set over HTTP once, with the credential of a token file", async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(issuer.jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const tokenFile = join(tmpdir(), `sa-token-${process.pid}`);
    await writeFile(tokenFile, "service-account-token\n");
    try {
      const remote = createEventVerifier({
        mode: "oidc",
        issuer: "test-broker",
        audience: "shop/orders",
        keys: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`, tokenFile },
      })!;
      expect(await remote.check(bearer(await issuer.token("shop/orders")))).toBeUndefined();
      expect(
        await remote.check(bearer(await issuer.sign({ audience: "shop/orders", expiresInS: 60 }))),
      ).toBeUndefined();
      expect(seen).toEqual(["Bearer service-account-token"]);
    } finally {
      server.close();
    }
  });
});

describe("event auth configuration", () => {
  it("is on by default, against the Kubernetes API server's issuer and JWKS", () => {
    expect(readEventAuthConfig("orders", {})).toEqual({
      mode: "oidc",
      issuer: "https://kubernetes.default.svc",
      audience: "shop/orders",
      keys: { url: "https://kubernetes.default.svc/openid/v1/jwks" },
    });
  });

  it("is off only when SHOP_EVENT_AUTH says off, and refuses any other value", () => {
    expect(readEventAuthConfig("orders", { SHOP_EVENT_AUTH: "off" })).toEqual({ mode: "off" });
    expect(createEventVerifier({ mode: "off" })).toBeUndefined();
    expect(() => readEventAuthConfig("orders", { SHOP_EVENT_AUTH: "of" })).toThrow(/"oidc" or "off"/);
  });

  it("reads issuer, audience, JWKS URL and its token file from the environment", () => {
    const env = {
      SHOP_EVENT_ISSUER: "https://oidc.example",
      SHOP_EVENT_AUDIENCE: "orders.shop",
      SHOP_EVENT_JWKS_URL: "https://oidc.example/jwks",
      SHOP_EVENT_JWKS_BEARER_FILE: "/var/run/secrets/kubernetes.io/serviceaccount/token",
    };
    expect(readEventAuthConfig("orders", env)).toEqual({
      mode: "oidc",
      issuer: "https://oidc.example",
      audience: "orders.shop",
      keys: { url: "https://oidc.example/jwks", tokenFile: env.SHOP_EVENT_JWKS_BEARER_FILE },
    });
  });
});
