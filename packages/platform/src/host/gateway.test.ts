/**
 * The local gateway in front of function processes: HTTP/1.1 is passed on as HTTP/1.1, HTTP/2 as HTTP/2
 * over one session per function, with its trailers (gRPC's status), trailers-only answers, streams, a
 * client's cancellation and a function that is down.
 */
import { connect, constants, createServer as createH2cServer, type Http2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, createClient, type ServiceImpl } from "@connectrpc/connect";
import { connectNodeAdapter, createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { type DualServer, listenDual } from "@shop/runtime";
import { OrderService, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "./gateway.ts";

let watchesCancelled = 0;
const orders: Partial<ServiceImpl<typeof OrderService>> = {
  async getOrder({ id }) {
    if (id === "missing") throw new ConnectError(`We could not find order ${id}.`, Code.NotFound);
    return { order: { id, status: OrderStatus.CONFIRMED } };
  },
  async *watchOrder({ id }, context) {
    yield { order: { id, status: OrderStatus.PENDING } };
    if (id === "forever") {
      // Until the client goes away: the gateway must cancel the function's stream too.
      await new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve()));
      watchesCancelled++;
      return;
    }
    yield { order: { id, status: OrderStatus.CONFIRMED } };
  },
};

let fn: DualServer;
// A gRPC server that answers an error with headers alone (trailers-only), as grpc-go and grpc-java do.
let trailersOnly: Http2Server;
let gateway: Gateway;
let front: DualServer;
// Answers with the X-Forwarded-For it received.
let echo: DualServer;

beforeAll(async () => {
  fn = await listenDual(
    0,
    connectNodeAdapter({ routes: (r) => r.service(OrderService, orders) }),
    "127.0.0.1",
  );
  trailersOnly = createH2cServer((_req, res) =>
    res.stream.respond(
      {
        ":status": 200,
        "content-type": "application/grpc",
        "grpc-status": String(Code.PermissionDenied),
        "grpc-message": "Only the customer may see this order.",
      },
      { endStream: true },
    ),
  );
  await new Promise<void>((resolve) => trailersOnly.listen(0, "127.0.0.1", resolve));
  echo = await listenDual(0, (req, res) => res.end(String(req.headers["x-forwarded-for"])), "127.0.0.1");
  gateway = createGateway({
    identity: echo.url,
    orders: fn.url,
    promotions: `http://127.0.0.1:${(trailersOnly.address() as AddressInfo).port}`,
    // Nobody listens on port 1.
    inventory: "http://127.0.0.1:1",
    // Answers with the path it was asked for.
    catalog: (req, res) => res.end(`catalog ${req.method} ${req.url}`),
  });
  front = await listenDual(0, gateway, "127.0.0.1");
});

afterAll(async () => {
  await front?.close();
  gateway?.close();
  await fn?.close();
  await echo?.close();
  await new Promise((resolve) => trailersOnly?.close(resolve));
});

const transports = {
  "gRPC (HTTP/2)": () => createGrpcTransport({ baseUrl: front.url }),
  "Connect over HTTP/2": () => createConnectTransport({ baseUrl: front.url, httpVersion: "2" }),
  "Connect over HTTP/1.1": () => createConnectTransport({ baseUrl: front.url, httpVersion: "1.1" }),
};

describe.each(Object.entries(transports))("%s through the gateway", (_name, transport) => {
  it("answers a unary call, and an error with its code and message", async () => {
    const client = createClient(OrderService, transport());
    await expect(client.getOrder({ id: "o-1" })).resolves.toMatchObject({ order: { id: "o-1" } });
    const error = await client.getOrder({ id: "missing" }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.NotFound, rawMessage: "We could not find order missing." });
  });

  it("streams", async () => {
    const client = createClient(OrderService, transport());
    const statuses: OrderStatus[] = [];
    for await (const { order } of client.watchOrder({ id: "o-2" })) statuses.push(order!.status);
    expect(statuses).toEqual([OrderStatus.PENDING, OrderStatus.CONFIRMED]);
  });
});

describe("the client's address", () => {
  // A function process counts the gateway as one trusted hop (SHOP_TRUSTED_PROXY_HOPS=1).
  const path = "/shop.identity.v1.IdentityService/Login";

  it("is appended to X-Forwarded-For over HTTP/1.1, after what the caller wrote", async () => {
    const answer = await fetch(`${front.url}${path}`, { headers: { "x-forwarded-for": "6.6.6.6" } });
    expect(await answer.text()).toBe("6.6.6.6, 127.0.0.1");
    expect(await (await fetch(`${front.url}${path}`)).text()).toBe("127.0.0.1");
  });

  it("is appended to X-Forwarded-For over HTTP/2", async () => {
    const session = connect(front.url);
    const stream = session.request({ ":method": "GET", ":path": path, "x-forwarded-for": "6.6.6.6" });
    stream.end();
    let body = "";
    stream.setEncoding("utf8").on("data", (chunk: string) => {
      body += chunk;
    });
    await new Promise((resolve) => stream.once("end", resolve));
    session.close();
    expect(body).toBe("6.6.6.6, 127.0.0.1");
  });
});

describe("gRPC through the gateway", () => {
  const grpc = () => createGrpcTransport({ baseUrl: front.url });

  it("passes a trailers-only answer on as one", async () => {
    // The gateway routes /shop.promotions.v1.* to the stub above, which answers with headers alone.
    const session = connect(front.url);
    const stream = session.request({
      ":method": "POST",
      ":path": "/shop.promotions.v1.PromotionService/ValidateCoupon",
      "content-type": "application/grpc",
      te: "trailers",
    });
    stream.end(Buffer.alloc(5));
    const [headers, flags] = await new Promise<[Record<string, unknown>, number]>((resolve) =>
      stream.once("response", (h, f) => resolve([h, f])),
    );
    session.close();
    expect(flags & constants.NGHTTP2_FLAG_END_STREAM).toBeTruthy();
    expect(headers).toMatchObject({
      ":status": 200,
      "grpc-status": String(Code.PermissionDenied),
      "grpc-message": "Only the customer may see this order.",
    });
  });

  it("cancels the function's stream when the client goes away", async () => {
    const client = createClient(OrderService, grpc());
    const abort = new AbortController();
    const before = watchesCancelled;
    const received: OrderStatus[] = [];
    const ended = (async () => {
      for await (const { order } of client.watchOrder({ id: "forever" }, { signal: abort.signal })) {
        received.push(order!.status);
        abort.abort();
      }
    })().catch((e: unknown) => ConnectError.from(e));
    expect(await ended).toMatchObject({ code: Code.Canceled });
    expect(received).toEqual([OrderStatus.PENDING]);
    await expect.poll(() => watchesCancelled - before).toBe(1);
  });

  it("answers Unavailable when the function is down", async () => {
    const { InventoryService } = await import("@shop/schemas/inventory/v1/inventory");
    const client = createClient(InventoryService, grpc());
    const error = await client.getStock({ productId: "p" }).catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.Unavailable, rawMessage: "function unavailable" });
  });
});

describe("catalog's product images", () => {
  it("go to catalog with their path as it is", async () => {
    const answer = await fetch(`${front.url}/images/${"a".repeat(64)}`);
    expect(await answer.text()).toBe(`catalog GET /images/${"a".repeat(64)}`);
  });
});
