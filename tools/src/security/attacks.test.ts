/**
 * What an attacker would try, end to end over HTTP against running functions, and sees refused. The
 * details of each defence are unit-tested beside it (auth/tokens.test.ts: every forged token form;
 * identity-service.test.ts: lockout, address limit, refresh rotation; function.test.ts: forged
 * sources; orders' order-service.test.ts: ownership; events/auth.test.ts: every forged delivery
 * token); this suite proves the deployed server wires them in. It also reads every log line written
 * meanwhile and finds no password or token.
 */

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { shopFunction } from "@shop/platform";
import {
  createEventIssuer,
  createTokenSigner,
  envSecretStore,
  keyFromSeed,
  type RunningFunction,
  toCloudEvent,
  toHttpBinary,
} from "@shop/runtime";
import {
  captureLogs,
  eventAuthorization,
  startForTest,
  testClient,
  testEventIssuer,
} from "@shop/runtime/testing";
import { CatalogService } from "@shop/schemas/catalog/v1/catalog";
import { ProductChangedSchema } from "@shop/schemas/catalog/v1/events";
import { IdentityService } from "@shop/schemas/identity/v1/identity";
import { InventoryService } from "@shop/schemas/inventory/v1/inventory";
import { OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import { OrderService, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint } from "../fuzz/harness.ts";

const ORIGIN = "https://shop.example";
const secrets = envSecretStore({});
const logs = {
  identity: captureLogs("identity"),
  orders: captureLogs("orders"),
  catalog: captureLogs("catalog"),
  inventory: captureLogs("inventory"),
};
const fns: Record<string, RunningFunction> = {};
// Every password and token of the suite: none may appear in a log line.
const sensitive: string[] = [];

beforeAll(async () => {
  for (const name of ["identity", "orders", "catalog", "inventory"] as const) {
    fns[name] = await startForTest(shopFunction(name), {
      secrets,
      logger: logs[name].logger,
      listen: true,
      config: { port: 0, corsOrigins: [ORIGIN] },
    });
  }
  const book = create(ProductChangedSchema, {
    productId: "p-1",
    name: "Dune",
    category: "books",
    price: { amountMinor: 1250n, currency: "EUR" },
    active: true,
    version: 1n,
  });
  await fns.orders?.receive(
    toCloudEvent(ProductChangedSchema, book, { source: "/functions/catalog", key: "p-1" }),
  );
}, 180_000);
afterAll(async () => {
  for (const fn of Object.values(fns)) await fn.close();
});

const transport = (name: string, headers: Record<string, string> = {}) =>
  createConnectTransport({
    baseUrl: fns[name]?.url ?? "",
    httpVersion: "1.1",
    interceptors: [
      (next) => (req) => {
        for (const [key, value] of Object.entries(headers)) req.header.set(key, value);
        return next(req);
      },
    ],
  });
const identity = (headers?: Record<string, string>) =>
  createClient(IdentityService, transport("identity", headers));
const orders = (token: string) =>
  createClient(OrderService, transport("orders", { authorization: `Bearer ${token}` }));

async function refusal(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return { code: (error as ConnectError).code, message: (error as ConnectError).rawMessage };
}

async function customer(email: string) {
  const password = `pw-${email}-correct horse`;
  sensitive.push(password);
  await identity().register({ email, password });
  const { tokens } = await identity().login({ email, password });
  sensitive.push(tokens?.accessToken ?? "", tokens?.refreshToken ?? "");
  return { password, access: tokens?.accessToken ?? "", refresh: tokens?.refreshToken ?? "" };
}

describe("attacks", { timeout: 60_000 }, () => {
  it("another customer's order by id reads as not found", async () => {
    const alice = await customer("alice@attack.test");
    const bob = await customer("bob@attack.test");
    const { order } = await orders(alice.access).placeOrder({
      lines: [{ productId: "p-1", quantity: 1 }],
      idempotencyKey: "attack-1",
      paymentToken: "tok_visa",
    });
    expect((await refusal(orders(bob.access).getOrder({ id: order?.id ?? "" }))).code).toBe(Code.NotFound);
    expect((await orders(bob.access).listOrders({})).orders).toEqual([]);
  });

  it("admin RPCs as a customer are refused", async () => {
    const carol = await customer("carol@attack.test");
    const catalog = createClient(
      CatalogService,
      transport("catalog", { authorization: `Bearer ${carol.access}` }),
    );
    const refused = await refusal(catalog.upsertProduct({ product: { id: "p-evil", name: "Free stuff" } }));
    expect(refused.code).toBe(Code.PermissionDenied);
  });

  it("forged tokens are refused: alg none, unknown key, expired, tampered", async () => {
    const { access } = await customer("dave@attack.test");
    const claims = { role: "admin" };
    const none = new UnsecuredJWT(claims)
      .setSubject("dave")
      .setIssuer("shop-identity")
      .setAudience("shop")
      .encode();
    const stranger = keyFromSeed("not shop key", "k-unknown");
    const { importJWK } = await import("jose");
    const unknownKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: "EdDSA", kid: stranger.kid })
      .setSubject("dave")
      .setIssuer("shop-identity")
      .setAudience("shop")
      .setExpirationTime("1h")
      .sign(await importJWK(stranger.privateJwk as never, "EdDSA"));
    const expired = (await createTokenSigner(secrets).sign({ userId: "dave", role: "customer" }, -60)).token;
    const [header, payload, signature] = access.split(".");
    const raised = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...raised, role: "admin" })).toString("base64url")}.${signature}`;
    for (const token of [none, unknownKey, expired, tampered]) {
      expect((await refusal(orders(token).listOrders({}))).code).toBe(Code.Unauthenticated);
    }
  });

  it("a reused refresh token ends the session", async () => {
    const erin = await customer("erin@attack.test");
    const next = (await identity().refresh({ refreshToken: erin.refresh })).tokens;
    sensitive.push(next?.accessToken ?? "", next?.refreshToken ?? "");
    expect((await refusal(identity().refresh({ refreshToken: erin.refresh }))).code).toBe(
      Code.Unauthenticated,
    );
    expect((await refusal(identity().refresh({ refreshToken: next?.refreshToken ?? "" }))).code).toBe(
      Code.Unauthenticated,
    );
  });

  it("a forged PaymentSucceeded or OrderConfirmed without a valid delivery token is refused with 401, the books unchanged", async () => {
    const grace = await customer("grace@attack.test");
    const { order } = await orders(grace.access).placeOrder({
      lines: [{ productId: "p-1", quantity: 2 }],
      idempotencyKey: "attack-forged-payment",
      paymentToken: "tok_visa",
    });
    const orderId = order?.id ?? "";
    const customerId = order?.customerId ?? "";
    const total = { amountMinor: 2500n, currency: "EUR" };
    // Inventory holds two for the order, as after promotions priced it.
    const admin = await testClient(fns.inventory!, InventoryService, {
      principal: { userId: "root", role: "admin" },
    });
    await admin.setStock({ productId: "p-1", available: 5 });
    const priced = create(OrderPricedSchema, {
      orderId,
      customerId,
      lines: order?.lines ?? [],
      total,
      subtotal: total,
    });
    await fns.inventory?.receive(
      toCloudEvent(OrderPricedSchema, priced, { source: "/functions/promotions", key: orderId }),
    );
    const forged = {
      orders: toCloudEvent(
        PaymentSucceededSchema,
        create(PaymentSucceededSchema, { orderId, customerId, paymentId: "pay-forged", amount: total }),
        { source: "/functions/payments", key: orderId },
      ),
      inventory: toCloudEvent(
        OrderConfirmedSchema,
        create(OrderConfirmedSchema, { orderId, customerId, total }),
        { source: "/functions/orders", key: orderId },
      ),
    };
    const books = async () => ({
      ...(await fingerprint({ functions: { orders: fns.orders! } })),
      ...(await fingerprint({ functions: { inventory: fns.inventory! } })),
    });
    const deliver = (name: keyof typeof forged, authorization?: string) => {
      const { headers, body } = toHttpBinary(forged[name]);
      return fetch(`${fns[name]?.url}/`, {
        method: "POST",
        headers: { ...headers, ...(authorization ? { authorization } : {}) },
        body,
      });
    };
    const broker = await testEventIssuer();
    const stranger = await createEventIssuer({ issuer: broker.issuer });
    // What the order and the reservation emitted is published, and marked so a moment later: the
    // books are read once the relays have done both (a sweep waits for both), or a mark would land
    // between the two readings.
    for (const fn of [fns.orders!, fns.inventory!]) await fn.relay.sweep();
    const before = await books();
    for (const name of ["orders", "inventory"] as const) {
      const audience = `shop/${name}`;
      const attempts = {
        "no token": undefined,
        "another audience": `Bearer ${await broker.token("shop/payments")}`,
        expired: `Bearer ${await broker.sign({ audience, expiresInS: -60 })}`,
        "another key": `Bearer ${await stranger.token(audience)}`,
      };
      for (const [attempt, authorization] of Object.entries(attempts)) {
        const response = await deliver(name, authorization);
        expect(response.status, `${name}: ${attempt}`).toBe(401);
        expect(await response.text(), `${name}: ${attempt}`).toMatch(/OIDC token|token refused/);
      }
    }
    expect(await books()).toEqual(before);
    expect((await orders(grace.access).getOrder({ id: orderId })).order?.status).toBe(OrderStatus.PENDING);
    // The same events with the broker's token for each: the attack the tokens stand in the way of.
    expect((await deliver("orders", await eventAuthorization("orders"))).status).toBe(200);
    expect((await deliver("inventory", await eventAuthorization("inventory"))).status).toBe(200);
    expect((await orders(grace.access).getOrder({ id: orderId })).order?.status).toBe(OrderStatus.CONFIRMED);
    const after = await books();
    expect(after["orders.orders"]).not.toBe(before["orders.orders"]);
    expect(
      Object.entries(after).filter(
        ([table, digest]) => table.startsWith("inventory.") && digest !== before[table],
      ),
    ).not.toEqual([]);
  });

  it("100 wrong passwords in a row are slowed, then refused, whatever X-Forwarded-For claims", async () => {
    const frank = await customer("frank@attack.test");
    const outcomes: string[] = [];
    for (let i = 0; i < 100; i++) {
      // A forged X-Forwarded-For does not make a new address: no proxy is trusted here.
      const guess = identity({ "x-forwarded-for": `10.0.${i}.1` }).login({
        email: "frank@attack.test",
        password: `guess-${i}`,
      });
      const { code, message } = await refusal(guess);
      outcomes.push(code === Code.Unauthenticated ? "wrong" : /network/.test(message) ? "address" : "locked");
    }
    expect(outcomes.slice(0, 5)).toEqual(["wrong", "wrong", "wrong", "wrong", "wrong"]);
    expect(outcomes[5]).toBe("locked");
    expect(outcomes.filter((o) => o === "wrong").length).toBeLessThanOrEqual(20);
    expect(outcomes.at(-1)).toBe("address");
    const right = await refusal(identity().login({ email: "frank@attack.test", password: frank.password }));
    expect(right.code).toBe(Code.ResourceExhausted);
  });

  it("oversized bodies are refused: an RPC with ResourceExhausted, a CloudEvent with 413", async () => {
    const huge = "x".repeat(2 * 1024 * 1024);
    const refused = await refusal(identity().register({ email: "big@attack.test", password: huge }));
    expect(refused.code).toBe(Code.ResourceExhausted);
    const event = await fetch(`${fns.orders?.url}/`, {
      method: "POST",
      headers: {
        authorization: await eventAuthorization("orders"),
        "ce-specversion": "1.0",
        "ce-id": "x",
        "ce-type": "t",
        "ce-source": "/s",
      },
      body: huge,
    });
    expect(event.status).toBe(413);
  });

  it("a CloudEvent with a forged source for a type the sender does not emit is refused with 400", async () => {
    const forged = toCloudEvent(
      ProductChangedSchema,
      create(ProductChangedSchema, {
        productId: "p-1",
        name: "Free",
        price: { amountMinor: 0n, currency: "EUR" },
      }),
      { source: "/functions/identity", key: "p-1" },
    );
    const { headers, body } = toHttpBinary(forged);
    const authorization = await eventAuthorization("orders");
    const response = await fetch(`${fns.orders?.url}/`, {
      method: "POST",
      headers: { ...headers, authorization },
      body,
    });
    expect(response.status).toBe(400);
  });

  it("answers CORS preflights for the configured origin only", async () => {
    const preflight = (origin: string) =>
      fetch(`${fns.orders?.url}/shop.orders.v1.OrderService/ListOrders`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    const allowed = await preflight(ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(allowed.headers.get("access-control-allow-headers")).toMatch(/Connect-Protocol-Version/i);
    const other = await preflight("https://evil.example");
    expect(other.status).toBe(403);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("writes no password, token or secret to any log line", () => {
    const lines = Object.values(logs).flatMap((l) => l.lines());
    expect(lines.length).toBeGreaterThan(0);
    const text = lines.join("\n");
    for (const value of sensitive.filter(Boolean)) expect(text).not.toContain(value);
    expect(text).not.toContain(String(keyFromSeed("shop dev signing key: not for production").privateJwk.d));
  });
});
