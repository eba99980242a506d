import { request } from "node:http";
import { create } from "@bufbuild/protobuf";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toCloudEvent, toHttpBinary } from "../events/codec.ts";
import type { RunningFunction } from "../function.ts";
import { fixtureFunction } from "../testing/fixture/fixture.ts";
import { eventAuthorization, startForTest, waitFor } from "../testing/index.ts";
import { MAX_EVENT_BYTES } from "./http.ts";

const unauthenticated = (userId: string) =>
  toHttpBinary(
    toCloudEvent(
      UserRegisteredSchema,
      create(UserRegisteredSchema, { userId, email: `${userId}@example.com` }),
      {
        source: "/functions/identity",
        key: userId,
      },
    ),
  );
/** An event as the broker delivers it to the fixture (function orders), with its token. */
const event = async (userId: string) => {
  const { headers, body } = unauthenticated(userId);
  return { headers: { ...headers, authorization: await eventAuthorization("orders") }, body };
};

describe("the function server", () => {
  let fn: RunningFunction;
  beforeAll(async () => {
    fn = await startForTest(fixtureFunction, { listen: true, config: { port: 0 } });
  });
  afterAll(() => fn.close());

  it("answers liveness, readiness and Prometheus metrics", async () => {
    expect((await fetch(`${fn.url}/health/liveness`)).status).toBe(200);
    expect((await fetch(`${fn.url}/health/readiness`)).status).toBe(200);
    const { headers, body } = await event("m1");
    expect((await fetch(fn.url!, { method: "POST", headers, body })).status).toBe(200);
    const metrics = await (await fetch(`${fn.url}/metrics`)).text();
    expect(metrics).toMatch(
      /shop_events_total\{type="shop.identity.v1.UserRegistered",outcome="handled",function="orders"\} 1/,
    );
  });

  it("answers 400 to a request that is no CloudEvent and 413 to an oversized one", async () => {
    const bad = await fetch(fn.url!, {
      method: "POST",
      headers: { "content-type": "application/protobuf", authorization: await eventAuthorization("orders") },
      body: "x",
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/not a CloudEvent/);
    const { headers } = await event("m2");
    const huge = await fetch(fn.url!, { method: "POST", headers, body: new Uint8Array(MAX_EVENT_BYTES + 1) });
    expect(huge.status).toBe(413);
  });

  it("answers 401 with a sentence to a delivery without a valid token, before reading it", async () => {
    const { headers, body } = unauthenticated("m4");
    const refused = await fetch(fn.url!, { method: "POST", headers, body });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await refused.text()).toBe("event delivery needs an OIDC token: no Authorization header");
    const wrong = await fetch(fn.url!, {
      method: "POST",
      headers: { ...headers, authorization: "Bearer x.y.z" },
      body,
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toMatch(/^event token refused: /);
    const metrics = await (await fetch(`${fn.url}/metrics`)).text();
    expect(metrics).toMatch(
      /shop_events_total\{type="unauthenticated",outcome="rejected",function="orders"\} 2/,
    );
    expect(metrics).not.toMatch(
      /shop_events_total\{type="shop.identity.v1.UserRegistered",outcome="handled",function="orders"\} 2/,
    );
  });

  it("answers a delivery handed over in-process (handler.receive) exactly as its POST", async () => {
    const { headers, body } = await event("m5");
    const over = async (h: Record<string, string>, b: Uint8Array) => {
      const answer = await fetch(fn.url!, { method: "POST", headers: h, body: b });
      return { status: answer.status, body: await answer.text() };
    };
    expect(await fn.handler.receive(headers, body)).toEqual({ status: 200, body: "handled" });
    expect(await fn.handler.receive(headers, body)).toEqual(await over(headers, body));
    expect(await fn.handler.receive(headers, body)).toEqual({ status: 200, body: "duplicate" });

    const refused = unauthenticated("m6");
    expect(await fn.handler.receive(refused.headers, refused.body)).toEqual({
      status: 401,
      body: "event delivery needs an OIDC token: no Authorization header",
    });
    const garbled = { ...headers, "ce-specversion": "0.3" };
    expect(await fn.handler.receive(garbled, body)).toEqual(await over(garbled, body));
    expect((await fn.handler.receive(garbled, body)).status).toBe(400);
    const huge = new Uint8Array(MAX_EVENT_BYTES + 1);
    expect(await fn.handler.receive(headers, huge)).toEqual({
      status: 413,
      body: `event larger than ${MAX_EVENT_BYTES} bytes`,
    });
    expect(fn.handler.inFlight()).toBe(0);
  });

  it("finishes the event in hand when told to stop, then refuses new connections", async () => {
    const { headers, body } = await event("m3");
    // The body arrives in two parts, so the event is still in hand when the function is told to stop.
    const req = request(fn.url!, { method: "POST", headers: { ...headers, "content-length": body.length } });
    const answered = new Promise<number>((resolve, reject) => {
      req.on("response", (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
    });
    req.write(body.subarray(0, 2));
    await waitFor(() => fn.handler.inFlight() === 1, { message: "the event to be in flight" });
    const closing = fn.close();
    req.end(body.subarray(2));
    expect(await answered).toBe(200);
    await closing;
    await expect(fetch(`${fn.url}/health/liveness`)).rejects.toThrow();
  });
});
