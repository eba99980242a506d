/**
 * The shop's front door as gRPC clients and caches see it, for a shop started as `shop start` starts
 * it (grpc.test.ts: the embedded host; grpc.int.test.ts: local real mode, one process per function
 * behind the local gateway), with a few products and their stock. Real gRPC over HTTP/2 by @grpc/grpc-js (its generic client, built from the
 * protobuf-es descriptors) and by `buf curl --protocol grpc --http2-prior-knowledge`: catalog reads,
 * register and login, an order placed with the customer's token and watched (server streaming) until
 * final, and the status codes and messages of bad input and missing auth, equal to the Connect answers.
 * Then conditional reads by Connect GET (304 for the etag the client holds, a new etag once the product
 * changed) over HTTP/1.1 and HTTP/2, and a CloudEvent delivered over h2c, as queue-proxy delivers one
 * to a port named h2c.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { connect } from "node:http2";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  create,
  type DescMessage,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  type DescService,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type Client,
  credentials,
  Metadata,
  type MethodDefinition,
  makeGenericClientConstructor,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import {
  createDocsHandler,
  DEV_ADMIN,
  loginAs,
  repoRoot,
  type ShopClients,
  shopClients,
} from "@shop/platform";
import { waitFor } from "@shop/runtime/testing";
import { CatalogService, type Product } from "@shop/schemas/catalog/v1/catalog";
import { IdentityService } from "@shop/schemas/identity/v1/identity";
import { OrderService, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A running shop: its one URL (HTTP/1.1 and h2c) and how to stop it. */
export interface FrontDoor {
  url: string;
  /** The broker's token issuer, which the functions trust on `POST /` (a delivery by hand needs a token). */
  issuer: { token(audience: string): Promise<string> };
  close(): Promise<void>;
}

/** What `shop start` serves besides the APIs (the storefront is left out: it needs a Vite build). */
export const fallback = createDocsHandler();

const FINAL = [OrderStatus.CONFIRMED, OrderStatus.CANCELLED];

// --- @grpc/grpc-js, with a generic client built from the protobuf-es descriptors ---------------------

/** grpc-js's service definition of a protobuf-es service: paths, streaming kinds, binary serializers. */
function grpcDefinition(service: DescService): Record<string, MethodDefinition<object, object>> {
  return Object.fromEntries(
    service.methods.map((method) => [
      method.name,
      {
        path: `/${service.typeName}/${method.name}`,
        requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
        responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
        requestSerialize: (message: object) =>
          Buffer.from(toBinary(method.input, message as MessageShape<DescMessage>)),
        requestDeserialize: (bytes: Buffer) => fromBinary(method.input, bytes),
        responseSerialize: (message: object) =>
          Buffer.from(toBinary(method.output, message as MessageShape<DescMessage>)),
        responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
        originalName: method.localName,
      },
    ]),
  );
}

type Callback = (error: ServiceError | null, response?: unknown) => void;
type GrpcMethods = Record<string, (request: unknown, metadata: Metadata, callback?: Callback) => unknown>;

/** A grpc-js client of `service` at `url` (`http://host:port`), over cleartext HTTP/2. */
export function grpcClient(service: DescService, url: string): Client & GrpcMethods {
  const Constructor = makeGenericClientConstructor(grpcDefinition(service), service.name);
  return new Constructor(new URL(url).host, credentials.createInsecure()) as unknown as Client & GrpcMethods;
}

function metadataOf(token?: string): Metadata {
  const metadata = new Metadata();
  if (token) metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}

/** Calls a unary method with grpc-js. */
export function grpcUnary<I extends DescMessage, O extends DescMessage>(
  client: GrpcMethods,
  method: DescMethodUnary<I, O>,
  request: MessageInitShape<I>,
  token?: string,
): Promise<MessageShape<O>> {
  return new Promise((resolve, reject) => {
    client[method.name]!(create(method.input, request), metadataOf(token), (error, response) =>
      error ? reject(error) : resolve(response as MessageShape<O>),
    );
  });
}

/** Calls a server-streaming method with grpc-js and reads the stream to its end. */
export async function grpcStream<I extends DescMessage, O extends DescMessage>(
  client: GrpcMethods,
  method: DescMethodServerStreaming<I, O>,
  request: MessageInitShape<I>,
  token?: string,
): Promise<MessageShape<O>[]> {
  const call = client[method.name]!(create(method.input, request), metadataOf(token)) as AsyncIterable<
    MessageShape<O>
  >;
  const received: MessageShape<O>[] = [];
  for await (const message of call) received.push(message);
  return received;
}

/** The error of a call that must fail. */
async function failure(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error("the call succeeded");
}

/** The Connect error of a call that must fail. */
async function connectFailure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("the call succeeded");
}

// --- buf curl -------------------------------------------------------------------------------------

const buf = join(repoRoot, "node_modules", ".bin", "buf");
const schemas = join(repoRoot, "schemas");

/** The JSON documents of buf curl's output, one per message (a stream prints several). */
function jsonDocuments(text: string): unknown[] {
  const documents: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && --depth === 0) documents.push(JSON.parse(text.slice(start, i + 1)));
  }
  return documents;
}

interface Curled {
  ok: boolean;
  messages: unknown[];
  /** A failed call's error as buf curl prints it: `{ code: "invalid_argument", message }`. */
  error?: { code: string; message: string };
}

/** `buf curl --protocol grpc --http2-prior-knowledge` of `/<service>/<method>` with `data` as JSON. */
export async function bufCurl(url: string, path: string, data: unknown, token?: string): Promise<Curled> {
  const args = ["curl", "--schema", schemas, "--protocol", "grpc", "--http2-prior-knowledge"];
  if (token) args.push("--header", `authorization: Bearer ${token}`);
  args.push("--data", JSON.stringify(data), `${url}${path}`);
  try {
    const { stdout } = await promisify(execFile)(buf, args, { timeout: 90_000 });
    return { ok: true, messages: jsonDocuments(stdout) };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    const [printed] = jsonDocuments(stderr) as Curled["error"][];
    if (!printed) throw error;
    return { ok: false, messages: jsonDocuments(stdout), error: printed };
  }
}

const path = (service: DescService, method: string) => `/${service.typeName}/${method}`;

// --- HTTP/2 requests without a gRPC client ---------------------------------------------------------

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request over cleartext HTTP/2 (prior knowledge), on a session of its own. */
function h2Request(url: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = connect(new URL(url).origin);
    session.on("error", reject);
    const { pathname, search } = new URL(url);
    const stream = session.request({ ":path": `${pathname}${search}`, ...headers });
    const chunks: Buffer[] = [];
    let answer: Omit<Answer, "body"> | undefined;
    stream.on("response", (h) => {
      answer = { status: Number(h[":status"]), headers: h };
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", reject);
    stream.on("end", () => {
      session.close();
      if (!answer) reject(new Error("no answer"));
      else resolve({ ...answer, body: Buffer.concat(chunks) });
    });
    stream.end(body);
  });
}

// --- the suite ------------------------------------------------------------------------------------

const SEEDED: [name: string, category: string, priceMinor: number][] = [
  ["Blue Mug", "kitchen", 1_250],
  ["Espresso Cup Set", "kitchen", 2_400],
  ["Green Tea", "pantry", 800],
  ["Dark Roast Coffee", "pantry", 1_400],
  ["Notebook", "office", 900],
  ["Fountain Pen", "office", 3_500],
];

/** A small catalog with stock, through the public API as the admin (as the demo seed does). */
async function seed(admin: ShopClients): Promise<void> {
  for (const [name, category, price] of SEEDED) {
    const { product } = await admin.catalog.upsertProduct({
      product: { name, category, price: { amountMinor: BigInt(price), currency: "EUR" }, active: true },
    });
    await admin.inventory.setStock({ productId: product!.id, available: 50 });
  }
}

/** The tests, against the shop that `start` starts. */
export function frontDoorSuite(start: () => Promise<FrontDoor>): void {
  let door: FrontDoor;
  let admin: ShopClients;
  let catalog: ReturnType<typeof grpcClient>;
  let identity: ReturnType<typeof grpcClient>;
  let orders: ReturnType<typeof grpcClient>;
  let products: Product[];
  let customer: { token: string; clients: ShopClients };

  beforeAll(async () => {
    door = await start();
    admin = (await loginAs(door.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
    await seed(admin);
    catalog = grpcClient(CatalogService, door.url);
    identity = grpcClient(IdentityService, door.url);
    orders = grpcClient(OrderService, door.url);
    ({ products } = await admin.catalog.listProducts({ pageSize: 100 }));
  });

  afterAll(async () => {
    for (const client of [catalog, identity, orders]) client?.close();
    await door?.close();
  });

  /** A PlaceOrder request for one product in stock. */
  const orderOf = (product: Product) => ({
    lines: [{ productId: product.id, quantity: 1 }],
    paymentToken: "tok_visa",
    idempotencyKey: randomUUID(),
  });

  describe("gRPC with @grpc/grpc-js (HTTP/2)", () => {
    it("registers and logs a customer in through identity", async () => {
      const email = `grpc-${randomUUID().slice(0, 8)}@example.com`;
      const password = "correct horse battery";
      const { user } = await grpcUnary(identity, IdentityService.method.register, { email, password });
      expect(user?.email).toBe(email);
      const login = await grpcUnary(identity, IdentityService.method.login, { email, password });
      expect(login.user?.id).toBe(user?.id);
      const token = login.tokens!.accessToken;
      customer = { token, clients: shopClients(door.url, token) };
      const me = await grpcUnary(identity, IdentityService.method.me, {}, token);
      expect(me.user?.email).toBe(email);
    });

    it("lists products, as Connect lists them", async () => {
      const request = { pageSize: 10, category: "kitchen" };
      const listed = await grpcUnary(catalog, CatalogService.method.listProducts, request);
      expect(listed.products.length).toBeGreaterThan(0);
      expect(listed.products.every((p) => p.category === "kitchen")).toBe(true);
      expect(listed).toEqual(await admin.catalog.listProducts(request));
    });

    it("gets a product, and answers NotFound for an unknown one with Connect's message", async () => {
      const product = products[0]!;
      const got = await grpcUnary(catalog, CatalogService.method.getProduct, { id: product.id });
      expect(got.product).toEqual(product);
      const id = randomUUID();
      const error = await failure(grpcUnary(catalog, CatalogService.method.getProduct, { id }));
      const connectError = await connectFailure(admin.catalog.getProduct({ id }));
      expect(connectError.code).toBe(Code.NotFound);
      expect({ code: error.code, details: error.details }).toEqual({
        code: status.NOT_FOUND,
        details: connectError.rawMessage,
      });
    });

    it("answers bad input with InvalidArgument and Connect's message", async () => {
      const request = { lines: [], paymentToken: "tok_visa", idempotencyKey: randomUUID() };
      const error = await failure(grpcUnary(orders, OrderService.method.placeOrder, request, customer.token));
      const connectError = await connectFailure(customer.clients.orders.placeOrder(request));
      expect(connectError.code).toBe(Code.InvalidArgument);
      expect({ code: error.code, details: error.details }).toEqual({
        code: status.INVALID_ARGUMENT,
        details: connectError.rawMessage,
      });
    });

    it("answers missing or bad auth with Unauthenticated and Connect's message", async () => {
      const request = orderOf(products[0]!);
      for (const token of [undefined, "not-a-token"]) {
        const error = await failure(grpcUnary(orders, OrderService.method.placeOrder, request, token));
        const connectError = await connectFailure(shopClients(door.url, token).orders.placeOrder(request));
        expect(connectError.code).toBe(Code.Unauthenticated);
        expect({ code: error.code, details: error.details }).toEqual({
          code: status.UNAUTHENTICATED,
          details: connectError.rawMessage,
        });
      }
    });

    it("places an order with the customer's token and watches it (server streaming) until final", async () => {
      const product = products.find((p) => p.category === "pantry") ?? products[0]!;
      // orders learns the products from ProductChanged events: wait until it knows this one.
      const placed = await waitFor(
        async () => {
          try {
            return await grpcUnary(orders, OrderService.method.placeOrder, orderOf(product), customer.token);
          } catch (error) {
            if ((error as ServiceError).code === status.INVALID_ARGUMENT) return undefined;
            throw error;
          }
        },
        { message: "orders to know the product", timeoutMs: 30_000 },
      );
      const order = placed.order!;
      expect(order.lines[0]?.productId).toBe(product.id);
      const watched = await grpcStream(
        orders,
        OrderService.method.watchOrder,
        { id: order.id },
        customer.token,
      );
      const statuses = watched.map((w) => w.order!.status);
      // The stream ends by itself once the order is final.
      expect(statuses.at(-1)).toBe(OrderStatus.CONFIRMED);
      expect(statuses.filter((s) => FINAL.includes(s))).toHaveLength(1);
      const got = await grpcUnary(orders, OrderService.method.getOrder, { id: order.id }, customer.token);
      expect(got.order?.status).toBe(OrderStatus.CONFIRMED);
    });
  });

  describe("buf curl --protocol grpc --http2-prior-knowledge", () => {
    it("lists and gets products", async () => {
      const listed = await bufCurl(door.url, path(CatalogService, "ListProducts"), { pageSize: 5 });
      expect(listed.ok).toBe(true);
      const [page] = listed.messages as { products: { id: string; name: string }[] }[];
      expect(page!.products).toHaveLength(5);
      const got = await bufCurl(door.url, path(CatalogService, "GetProduct"), { id: page!.products[0]!.id });
      expect(got.messages).toEqual([{ product: expect.objectContaining({ name: page!.products[0]!.name }) }]);
    });

    it("gets InvalidArgument and Unauthenticated with Connect's messages", async () => {
      const empty = { lines: [], paymentToken: "tok_visa", idempotencyKey: randomUUID() };
      const bad = await bufCurl(door.url, path(OrderService, "PlaceOrder"), empty, customer.token);
      const badConnect = await connectFailure(customer.clients.orders.placeOrder(empty));
      expect(bad.error).toMatchObject({ code: "invalid_argument", message: badConnect.rawMessage });

      const anonymous = await bufCurl(door.url, path(OrderService, "PlaceOrder"), orderOf(products[0]!));
      const anonymousConnect = await connectFailure(shopClients(door.url).orders.placeOrder(empty));
      expect(anonymous.error).toMatchObject({
        code: "unauthenticated",
        message: anonymousConnect.rawMessage,
      });
    });

    it("places an order with the customer's token and watches it until final", async () => {
      const product = products.find((p) => p.category === "office") ?? products[0]!;
      const placed = await bufCurl(
        door.url,
        path(OrderService, "PlaceOrder"),
        orderOf(product),
        customer.token,
      );
      expect(placed.error).toBeUndefined();
      const { order } = placed.messages[0] as { order: { id: string } };
      const watched = await bufCurl(
        door.url,
        path(OrderService, "WatchOrder"),
        { id: order.id },
        customer.token,
      );
      expect(watched.ok).toBe(true);
      const statuses = (watched.messages as { order: { status: string } }[]).map((m) => m.order.status);
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.at(-1)).toBe("ORDER_STATUS_CONFIRMED");
    });
  });

  describe("conditional reads: GetProduct by Connect GET", () => {
    let product: Product;
    const getUrl = () =>
      `${door.url}${path(CatalogService, "GetProduct")}?${new URLSearchParams({
        connect: "v1",
        encoding: "json",
        message: JSON.stringify({ id: product.id }),
      })}`;

    beforeAll(async () => {
      ({ product } = (await admin.catalog.upsertProduct({
        product: {
          name: "Etag Mug",
          category: "kitchen",
          price: { amountMinor: 1_000n, currency: "EUR" },
          active: true,
        },
      })) as { product: Product });
    });

    it("answers 304 with no body for the etag the client holds, over HTTP/1.1 and HTTP/2", async () => {
      const first = await fetch(getUrl());
      expect(first.status).toBe(200);
      const etag = first.headers.get("etag")!;
      expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
      expect(first.headers.get("cache-control")).toContain("max-age");
      expect(await first.json()).toMatchObject({ product: { id: product.id, name: "Etag Mug" } });

      const again = await fetch(getUrl(), { headers: { "if-none-match": etag } });
      expect(again.status).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
      expect(await again.text()).toBe("");

      const h2 = await h2Request(getUrl(), { "if-none-match": etag });
      expect(h2.status).toBe(304);
      expect(h2.headers.etag).toBe(etag);
      expect(h2.body.length).toBe(0);
      const h2Fresh = await h2Request(getUrl(), {});
      expect(h2Fresh.status).toBe(200);
      expect(h2Fresh.headers.etag).toBe(etag);
    });

    it("gives a changed product a new etag and a 200 to the old one", async () => {
      const before = await fetch(getUrl());
      const old = before.headers.get("etag")!;
      await admin.catalog.upsertProduct({
        product: { ...product, price: { ...product.price!, amountMinor: 1_500n } },
      });
      const after = await fetch(getUrl(), { headers: { "if-none-match": old } });
      expect(after.status).toBe(200);
      const fresh = after.headers.get("etag")!;
      expect(fresh).not.toBe(old);
      expect(await after.json()).toMatchObject({ product: { price: { amountMinor: "1500" } } });
      const cached = await fetch(getUrl(), { headers: { "if-none-match": fresh } });
      expect(cached.status).toBe(304);
    });
  });

  describe("CloudEvents over h2c (queue-proxy's protocol for a port named h2c)", () => {
    it("takes a delivery to POST / over HTTP/2 as over HTTP/1.1, and refuses one without a token", async () => {
      const headers = {
        ":method": "POST",
        authorization: `Bearer ${await door.issuer.token("shop/catalog")}`,
        "ce-specversion": "1.0",
        "ce-id": randomUUID(),
        "ce-source": "/tests/grpc",
        "ce-type": "dev.shop.tests.NothingSubscribesToThis",
        "content-type": "application/json",
      };
      const h2 = await h2Request(`${door.url}/functions/catalog/`, headers, "{}");
      const { ":method": _, ...h1Headers } = { ...headers, "ce-id": randomUUID() };
      const h1 = await fetch(`${door.url}/functions/catalog/`, {
        method: "POST",
        headers: h1Headers,
        body: "{}",
      });
      // An event no subscription names is accepted and ignored.
      expect([h2.status, h1.status]).toEqual([202, 202]);
      const { authorization: _token, ...anonymous } = { ...h1Headers, "ce-id": randomUUID() };
      const refused = await fetch(`${door.url}/functions/catalog/`, {
        method: "POST",
        headers: anonymous,
        body: "{}",
      });
      expect(refused.status).toBe(401);
      expect(await refused.text()).toMatch(/OIDC token/);
    });
  });
}
