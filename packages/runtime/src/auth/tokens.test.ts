import { Code, ConnectError } from "@connectrpc/connect";
import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { envSecretStore, type SecretStore } from "../config.ts";
import { JWKS_PATH, keyFromSeed, publicJwk, SIGNING_KEY_PATH } from "./keys.ts";
import { createTokenSigner, createTokenVerifier } from "./tokens.ts";

const secrets = envSecretStore({});
const signer = createTokenSigner(secrets);
const verifier = createTokenVerifier(secrets);

async function unauthenticated(token: string) {
  const error = await verifier.verify(token).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConnectError);
  expect((error as ConnectError).code).toBe(Code.Unauthenticated);
}

describe("access tokens", () => {
  it("verify when signed by the published key", async () => {
    const { token } = await signer.sign({ userId: "u-1", role: "customer" }, 60);
    await expect(verifier.verify(token)).resolves.toEqual({ userId: "u-1", role: "customer" });
  });

  it("are refused when expired, unsigned, tampered or signed by an unknown key", async () => {
    const { token: expired } = await signer.sign({ userId: "u-1", role: "customer" }, -10);
    await unauthenticated(expired);
    await unauthenticated(
      new UnsecuredJWT({ role: "admin" })
        .setSubject("u-1")
        .setIssuer("shop-identity")
        .setAudience("shop")
        .encode(),
    );
    const { token } = await signer.sign({ userId: "u-1", role: "customer" }, 60);
    const [header, , signature] = token.split(".");
    const forged = Buffer.from(
      JSON.stringify({ sub: "u-1", role: "admin", iss: "shop-identity", aud: "shop", exp: 9e9 }),
    ).toString("base64url");
    await unauthenticated(`${header}.${forged}.${signature}`);
    const stranger = keyFromSeed("someone else");
    const { importJWK } = await import("jose");
    const alien = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "EdDSA", kid: stranger.kid })
      .setSubject("u-1")
      .setIssuer("shop-identity")
      .setAudience("shop")
      .setExpirationTime("1h")
      .sign(await importJWK(stranger.privateJwk as never, "EdDSA"));
    await unauthenticated(alien);
  });

  it("accept a key rotated in without a restart", async () => {
    const first = keyFromSeed("first", "k1");
    const second = keyFromSeed("second", "k2");
    const values: Record<string, Record<string, string>> = {
      [SIGNING_KEY_PATH]: { kid: first.kid, privateJwk: JSON.stringify(first.privateJwk) },
      [JWKS_PATH]: { jwks: JSON.stringify({ keys: [publicJwk(first)] }) },
    };
    const store: SecretStore = { describe: () => "test", read: async (path) => values[path] };
    const rotatingVerifier = createTokenVerifier(store);
    const oldToken = (await createTokenSigner(store).sign({ userId: "u", role: "customer" }, 60)).token;
    await expect(rotatingVerifier.verify(oldToken)).resolves.toMatchObject({ userId: "u" });
    values[SIGNING_KEY_PATH] = { kid: second.kid, privateJwk: JSON.stringify(second.privateJwk) };
    values[JWKS_PATH] = { jwks: JSON.stringify({ keys: [publicJwk(second), publicJwk(first)] }) };
    const newToken = (await createTokenSigner(store).sign({ userId: "u", role: "admin" }, 60)).token;
    await expect(rotatingVerifier.verify(newToken)).resolves.toEqual({ userId: "u", role: "admin" });
    await expect(rotatingVerifier.verify(oldToken)).resolves.toMatchObject({ userId: "u" });
  });
});
