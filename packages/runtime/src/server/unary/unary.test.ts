/**
 * The unary fast path answers exactly as connect-node does: every case goes to a server with the fast
 * path and to one with connect-node alone, and the two answers must match (and be the expected one).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Interceptor, type ServiceImpl } from "@connectrpc/connect";
import {
  compressionBrotli,
  compressionGzip,
  connectNodeAdapter,
  createConnectTransport as createNodeTransport,
} from "@connectrpc/connect-node";
import { createConnectTransport as createWebTransport } from "@connectrpc/connect-web";
import {
  CatalogService,
  GetProductRequestSchema,
  GetProductResponseSchema,
} from "@shop/schemas/catalog/v1/catalog";
import { OrderService, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureRoutes, createUnaryHandler, reusableResponse } from "./index.ts";

const READ_MAX_BYTES = 4096;

const catalog: Partial<ServiceImpl<typeof CatalogService>> = {
  async getProduct({ id }, context) {
    if (id === "missing")
      throw new ConnectError(`There is no product "${id}".`, Code.NotFound, { "x-why": "gone" });
    if (id === "boom") throw new Error("the database is down");
    if (id === "slow") {
      // Ends only when the call is cancelled (deadline or client gone), as a well-behaved handler does.
      await new Promise((_, reject) =>
        context.signal.addEventListener("abort", () => reject(context.signal.reason)),
      );
    }
    context.responseHeader.set("etag", '"v1"');
    context.responseTrailer.set("x-served-by", "test");
    const caller = context.requestHeader.get("x-caller") ?? "nobody";
    if (id === "shared") return shared;
    if (id === "bad-header") context.responseHeader.set("x-note", "line\nbreak");
    return {
      product: {
        id,
        name: `Mug for ${caller}`,
        description: id === "big" ? "A very fine mug. ".repeat(200) : "A mug.",
        price: { amountMinor: 1250n, currency: "EUR" },
      },
    };
  },
};

// One response handed to every caller, as a cache does.
const shared = reusableResponse(
  create(GetProductResponseSchema, {
    product: { id: "shared", name: "Shared mug", price: { amountMinor: 990n, currency: "EUR" } },
  }),
);

const orders: Partial<ServiceImpl<typeof OrderService>> = {
  async *watchOrder({ id }) {
    yield { order: { id, status: OrderStatus.PENDING } };
    yield { order: { id, status: OrderStatus.CONFIRMED } };
  },
};

// Interceptors see the same request in both paths: this one refuses callers without a name, and
// hands on a copy of the request when asked (as interceptors that change a request do).
const requireCaller: Interceptor = (next) => async (req) => {
  if (req.header.get("x-caller") === "stranger") throw new ConnectError("Who are you?", Code.Unauthenticated);
  return next(req.header.get("x-copy") === "1" ? { ...req } : req);
};

interface Running {
  url: string;
  server: Server;
  /** Requests the fast path took. */
  taken: () => number;
}

async function serve(fastPath: boolean): Promise<Running> {
  const routes = captureRoutes((router) =>
    router.service(CatalogService, catalog).service(OrderService, orders),
  );
  const options = {
    interceptors: [requireCaller],
    acceptCompression: [compressionGzip, compressionBrotli],
    readMaxBytes: READ_MAX_BYTES,
  };
  const connect = connectNodeAdapter({ ...options, routes: routes.replay });
  const unary = createUnaryHandler({ ...options, routes });
  let taken = 0;
  const server = createServer((req, res) => {
    if (fastPath && unary(req, res)) taken++;
    else connect(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, taken: () => taken };
}

/** What a client sees of an answer: status, the headers that carry meaning, and the body. */
async function call(base: string, path: string, init: RequestInit) {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { "accept-encoding": "identity", ...init.headers },
  });
  const body = Buffer.from(await response.arrayBuffer());
  const headers = Object.fromEntries(
    [...response.headers].filter(
      ([name]) => !["date", "connection", "keep-alive", "transfer-encoding"].includes(name),
    ),
  );
  return { status: response.status, headers, body: body.toString("latin1") };
}

const getProduct = "/shop.catalog.v1.CatalogService/GetProduct";
const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json", "x-caller": "ann" },
  body: JSON.stringify(body),
});
const proto = (id: string, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/proto", "x-caller": "ann", ...headers },
  body: toBinary(GetProductRequestSchema, create(GetProductRequestSchema, { id })),
});

describe("the Connect unary fast path", () => {
  let fast: Running;
  let plain: Running;
  beforeAll(async () => {
    [fast, plain] = await Promise.all([serve(true), serve(false)]);
  });
  afterAll(async () => {
    for (const { server } of [fast, plain]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /** Sends the same request to both servers; the answers must be the same. Returns the fast one. */
  async function same(path: string, init: () => RequestInit) {
    const before = fast.taken();
    const [a, b] = await Promise.all([call(fast.url, path, init()), call(plain.url, path, init())]);
    expect(a).toEqual(b);
    return { ...a, tookFastPath: fast.taken() > before };
  }

  it("answers JSON and binary calls as connect-node does, trailers and response headers included", async () => {
    const viaJson = await same(getProduct, () => json({ id: "p1" }));
    expect(viaJson).toMatchObject({ status: 200, tookFastPath: true });
    expect(viaJson.headers).toMatchObject({
      "content-type": "application/json",
      etag: '"v1"',
      "trailer-x-served-by": "test",
    });
    expect(JSON.parse(viaJson.body)).toMatchObject({ product: { id: "p1", name: "Mug for ann" } });

    const viaProto = await same(getProduct, () => proto("p1"));
    expect(viaProto).toMatchObject({ status: 200, tookFastPath: true });
    expect(viaProto.headers["content-type"]).toBe("application/proto");
  });

  it("answers a reusable response in both formats, the same bytes every time", async () => {
    for (const init of [() => json({ id: "shared" }), () => proto("shared")]) {
      const first = await same(getProduct, init);
      const second = await same(getProduct, init);
      expect(first).toMatchObject({ status: 200, tookFastPath: true });
      expect(second.body).toBe(first.body);
    }
    const client = createClient(CatalogService, createWebTransport({ baseUrl: fast.url }));
    const { product } = await client.getProduct({ id: "shared" }, { headers: { "x-caller": "ann" } });
    expect(product).toMatchObject({ id: "shared", name: "Shared mug", price: { amountMinor: 990n } });
  });

  it("answers Connect GET as connect-node does, in both encodings, errors included", async () => {
    const get = () => ({ method: "GET", headers: { "x-caller": "ann" } }) as RequestInit;
    const asJson = `${getProduct}?encoding=json&message=${encodeURIComponent(JSON.stringify({ id: "p1" }))}`;
    const viaJson = await same(asJson, get);
    expect(viaJson).toMatchObject({ status: 200, tookFastPath: true, headers: { etag: '"v1"' } });
    expect(JSON.parse(viaJson.body)).toMatchObject({ product: { id: "p1", name: "Mug for ann" } });

    const message = Buffer.from(
      toBinary(GetProductRequestSchema, create(GetProductRequestSchema, { id: "p2" })),
    );
    const asProto = `${getProduct}?encoding=proto&base64=1&message=${message.toString("base64url")}`;
    expect(await same(asProto, get)).toMatchObject({ status: 200, tookFastPath: true });

    const missing = `${getProduct}?encoding=json&message=${encodeURIComponent(JSON.stringify({ id: "missing" }))}`;
    expect(await same(missing, get)).toMatchObject({ status: 404, tookFastPath: true });

    const client = createClient(
      CatalogService,
      createNodeTransport({ baseUrl: fast.url, httpVersion: "1.1", useHttpGet: true }),
    );
    const before = fast.taken();
    const { product } = await client.getProduct({ id: "p3" }, { headers: { "x-caller": "ann" } });
    expect(product).toMatchObject({ id: "p3", name: "Mug for ann" });
    expect(fast.taken()).toBe(before + 1);
  });

  it("answers 304 with no body to a GET whose if-none-match holds the etag, 200 otherwise", async () => {
    const path = `${getProduct}?encoding=json&message=${encodeURIComponent(JSON.stringify({ id: "p1" }))}`;
    const asked = (etag: string) =>
      call(fast.url, path, { method: "GET", headers: { "if-none-match": etag } });
    const same = await asked('"v1"');
    expect(same).toMatchObject({ status: 304, body: "", headers: { etag: '"v1"' } });
    expect(same.headers["content-type"]).toBeUndefined();
    expect(await asked('"v0", W/"v1"')).toMatchObject({ status: 304 });
    const changed = await asked('"v0"');
    expect(changed).toMatchObject({ status: 200, headers: { etag: '"v1"' } });
    expect(JSON.parse(changed.body)).toMatchObject({ product: { id: "p1" } });
  });

  it("answers errors with the same status, JSON error and metadata headers", async () => {
    const notFound = await same(getProduct, () => json({ id: "missing" }));
    expect(notFound).toMatchObject({ status: 404, tookFastPath: true, headers: { "x-why": "gone" } });
    expect(JSON.parse(notFound.body)).toEqual({
      code: "not_found",
      message: 'There is no product "missing".',
    });

    const refused = await same(getProduct, () => ({
      ...json({ id: "p1" }),
      headers: { "content-type": "application/json", "x-caller": "stranger" },
    }));
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toEqual({ code: "unauthenticated", message: "Who are you?" });

    const crashed = await same(getProduct, () => json({ id: "boom" }));
    expect(crashed.status).toBe(500);
    expect(JSON.parse(crashed.body).code).toBe("internal");

    const badJson = await same(getProduct, () => ({ ...json({}), body: "{not json" }));
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body).code).toBe("invalid_argument");

    const tooLarge = await same(getProduct, () => json({ id: "x".repeat(READ_MAX_BYTES) }));
    expect(tooLarge.status).toBe(429);
    expect(JSON.parse(tooLarge.body).code).toBe("resource_exhausted");

    const unknownCompression = await same(getProduct, () => proto("p1", { "content-encoding": "zstd" }));
    expect(unknownCompression.status).toBe(501);
    expect(JSON.parse(unknownCompression.body)).toEqual({
      code: "unimplemented",
      message: 'unknown compression "zstd": supported encodings are gzip,br',
    });
  });

  it("answers Internal when the answer cannot be written, and keeps serving", async () => {
    const broken = await call(fast.url, getProduct, json({ id: "bad-header" }));
    expect([broken.status, JSON.parse(broken.body).code]).toEqual([500, "internal"]);
    expect((await call(fast.url, getProduct, json({ id: "p2" }))).status).toBe(200);
  });

  it("calls undecodable protobuf InvalidArgument, where connect-node says Internal", async () => {
    const garbage = () => ({ ...proto("p1"), body: new Uint8Array([0x0a, 0xff, 0xff]) });
    const [a, b] = await Promise.all([
      call(fast.url, getProduct, garbage()),
      call(plain.url, getProduct, garbage()),
    ]);
    expect([a.status, JSON.parse(a.body).code]).toEqual([400, "invalid_argument"]);
    expect([b.status, JSON.parse(b.body).code]).toEqual([500, "internal"]);
  });

  it("decompresses requests and compresses large responses as negotiated", async () => {
    const gzipped = () => ({
      ...proto("big", { "content-encoding": "gzip", "accept-encoding": "gzip" }),
      body: gzipSync(toBinary(GetProductRequestSchema, create(GetProductRequestSchema, { id: "big" }))),
    });
    const answer = await same(getProduct, gzipped);
    expect(answer).toMatchObject({
      status: 200,
      tookFastPath: true,
      headers: { "content-encoding": "gzip" },
    });
  });

  it("ends a call past its connect-timeout-ms with DeadlineExceeded", async () => {
    const late = await same(getProduct, () => ({ ...proto("slow", { "connect-timeout-ms": "50" }) }));
    expect(late).toMatchObject({ status: 504, tookFastPath: true });
    expect(JSON.parse(late.body).code).toBe("deadline_exceeded");
    // An interceptor's copy of the request carries the same signal to the implementation.
    const copied = await same(getProduct, () => ({
      ...proto("slow", { "connect-timeout-ms": "50", "x-copy": "1" }),
    }));
    expect(copied).toMatchObject({ status: 504, tookFastPath: true });
    expect(JSON.parse(copied.body).code).toBe("deadline_exceeded");
  });

  it("leaves GET of methods with side effects or of other encodings, streaming and unknown methods to connect-node", async () => {
    const message = encodeURIComponent(JSON.stringify({ id: "p1" }));
    const upsert = "/shop.catalog.v1.CatalogService/UpsertProduct";
    const viaGet = await same(`${upsert}?encoding=json&message=${message}`, () => ({
      headers: { "x-caller": "ann" },
    }));
    expect(viaGet).toMatchObject({ status: 405, tookFastPath: false });
    const oddEncoding = await same(`${getProduct}?encoding=yaml&message=${message}`, () => ({
      headers: { "x-caller": "ann" },
    }));
    expect(oddEncoding).toMatchObject({ status: 415, tookFastPath: false });

    const unknown = await same("/shop.catalog.v1.CatalogService/Nope", () => json({}));
    expect(unknown).toMatchObject({ status: 404, tookFastPath: false });

    const wrongType = await same(getProduct, () => ({
      ...json({ id: "p1" }),
      headers: { "content-type": "text/plain" },
    }));
    expect(wrongType).toMatchObject({ status: 415, tookFastPath: false });
  });

  it("serves connect-node (binary) and connect-web (JSON) clients, unary and streaming", async () => {
    const header = { "x-caller": "bob" };
    const nodeClient = createClient(
      CatalogService,
      createNodeTransport({ baseUrl: fast.url, httpVersion: "1.1" }),
    );
    const webClient = createClient(CatalogService, createWebTransport({ baseUrl: fast.url }));
    for (const client of [nodeClient, webClient]) {
      const { product } = await client.getProduct({ id: "p7" }, { headers: header });
      expect(product).toMatchObject({
        id: "p7",
        name: "Mug for bob",
        price: { amountMinor: 1250n, currency: "EUR" },
      });
      const failure = await client
        .getProduct({ id: "missing" }, { headers: header })
        .catch((e: unknown) => e);
      expect(ConnectError.from(failure).code).toBe(Code.NotFound);
    }
    const watch = createClient(OrderService, createWebTransport({ baseUrl: fast.url }));
    const statuses: OrderStatus[] = [];
    for await (const { order } of watch.watchOrder({ id: "o1" }, { headers: header }))
      statuses.push(order!.status);
    expect(statuses).toEqual([OrderStatus.PENDING, OrderStatus.CONFIRMED]);
  });
});
