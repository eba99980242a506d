/**
 * One port for HTTP/1.1 and h2c: Connect and gRPC-Web over HTTP/1.1, gRPC over HTTP/2 with prior
 * knowledge, through connect-node's own clients and the real `buf curl`, errors included.
 */
import { execFile } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Code, ConnectError, createClient, type ServiceImpl } from "@connectrpc/connect";
import {
  connectNodeAdapter,
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { OrderService, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DualServer, listenDual } from "./listen.ts";
import { captureRoutes, createUnaryHandler } from "./unary/index.ts";

const orders: Partial<ServiceImpl<typeof OrderService>> = {
  async getOrder({ id }) {
    if (id === "missing") throw new ConnectError(`We could not find order ${id}.`, Code.NotFound);
    return { order: { id, status: OrderStatus.CONFIRMED } };
  },
  async *watchOrder({ id }) {
    yield { order: { id, status: OrderStatus.PENDING } };
    yield { order: { id, status: OrderStatus.CONFIRMED } };
  },
};

const buf = fileURLToPath(new URL("../../../../node_modules/.bin/buf", import.meta.url));
const schemas = fileURLToPath(new URL("../../../../schemas", import.meta.url));

// As a function serves: unary Connect calls by the fast path, everything else by connect-node.
const routes = captureRoutes((router) => router.service(OrderService, orders));
const connect = connectNodeAdapter({ routes: routes.replay });
const unary = createUnaryHandler({ routes, interceptors: [], acceptCompression: [], readMaxBytes: 4096 });
let fastPathCalls = 0;

let server: DualServer;
beforeAll(async () => {
  server = await listenDual(
    0,
    (req, res) => {
      if (unary(req as IncomingMessage, res as ServerResponse)) fastPathCalls++;
      else connect(req, res);
    },
    "127.0.0.1",
  );
});
afterAll(() => server.close());

const transports = {
  "Connect over HTTP/1.1": () => createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }),
  "gRPC-Web over HTTP/1.1": () => createGrpcWebTransport({ baseUrl: server.url, httpVersion: "1.1" }),
  "gRPC over HTTP/2 (h2c)": () => createGrpcTransport({ baseUrl: server.url }),
  "Connect over HTTP/2 (h2c)": () => createConnectTransport({ baseUrl: server.url, httpVersion: "2" }),
};

describe.each(Object.entries(transports))("%s on the shared port", (_name, transport) => {
  it("answers a unary call", async () => {
    const client = createClient(OrderService, transport());
    const { order } = await client.getOrder({ id: "o-1" });
    expect(order).toMatchObject({ id: "o-1", status: OrderStatus.CONFIRMED });
  });

  it("answers an error with its code and message", async () => {
    const client = createClient(OrderService, transport());
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

describe("the unary fast path", () => {
  it("serves unary Connect over HTTP/2 as over HTTP/1.1", async () => {
    const before = fastPathCalls;
    for (const httpVersion of ["1.1", "2"] as const) {
      const client = createClient(OrderService, createConnectTransport({ baseUrl: server.url, httpVersion }));
      await expect(client.getOrder({ id: `o-${httpVersion}` })).resolves.toMatchObject({
        order: { id: `o-${httpVersion}` },
      });
      await expect(client.getOrder({ id: "missing" })).rejects.toMatchObject({ code: Code.NotFound });
    }
    expect(fastPathCalls - before).toBe(4);
  });
});

describe("buf curl --protocol grpc --http2-prior-knowledge", () => {
  const curl = (id: string) =>
    promisify(execFile)(buf, [
      "curl",
      "--schema",
      schemas,
      "--protocol",
      "grpc",
      "--http2-prior-knowledge",
      "--data",
      JSON.stringify({ id }),
      `${server.url}/shop.orders.v1.OrderService/GetOrder`,
    ]);

  it("calls a method", async () => {
    const { stdout } = await curl("o-3");
    expect(JSON.parse(stdout)).toEqual({ order: { id: "o-3", status: "ORDER_STATUS_CONFIRMED" } });
  });

  it("gets the gRPC status of an error", async () => {
    const failed = await curl("missing").catch((error: { stderr: string }) => error);
    expect(failed).toHaveProperty("stderr", expect.stringMatching(/not_found|NotFound/i));
    expect((failed as { stderr: string }).stderr).toContain("We could not find order missing.");
  });
});
