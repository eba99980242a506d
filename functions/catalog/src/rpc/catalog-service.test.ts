import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isMessage } from "@bufbuild/protobuf";
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { createTokenSigner } from "@shop/runtime";
import { publishedEvents } from "@shop/runtime/testing";
import { CatalogService } from "@shop/schemas/catalog/v1/catalog";
import { ProductChangedSchema } from "@shop/schemas/catalog/v1/events";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { products } from "../db/schema.ts";
import {
  admin,
  type Catalog,
  catalogClient,
  codeOf,
  customer,
  startCatalog,
  stockChanged,
  upsert,
} from "../test-support.ts";

// Generous: other test files may be keeping this machine's cores busy.
vi.setConfig({ testTimeout: 30_000 });

let fn: Catalog;
let adminToken: string;

// Starting PGlite takes a few seconds, more on a busy machine.
beforeAll(async () => {
  fn = await startCatalog();
  adminToken = (await createTokenSigner(fn.app.secrets).sign(admin, 600)).token;
}, 120_000);
afterAll(() => fn.close());

describe("ListProducts", () => {
  it("pages through every active product of a category once, in name order", async () => {
    const names = ["Teapot", "Cup", "Saucer", "Kettle", "Spoon", "Jug", "Tray"];
    for (const name of names) await upsert(fn, { name, category: "tea" });
    await upsert(fn, { name: "Old Teapot", category: "tea", active: false });
    await upsert(fn, { name: "Bike", category: "outdoor" });

    const catalog = await catalogClient(fn);
    const seen: string[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const page = await catalog.listProducts({ category: "tea", pageSize: 3, pageToken });
      seen.push(...page.products.map((p) => p.name));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].sort());
  });

  it("finds products by words of their name, description or category, and by a word's beginning", async () => {
    await upsert(fn, { name: "Blue Mug", description: "Stoneware coffee mug", category: "kitchen" });
    await upsert(fn, { name: "Red Mug", description: "Porcelain tea mug", category: "kitchen" });
    await upsert(fn, { name: "Coffee Grinder", description: "Burr grinder", category: "kitchen" });
    const catalog = await catalogClient(fn);
    const names = async (query: string) =>
      (await catalog.listProducts({ query, category: "kitchen" })).products.map((p) => p.name);
    expect(await names("coffee")).toEqual(["Blue Mug", "Coffee Grinder"]);
    expect(await names("mug -red")).toEqual(["Blue Mug"]);
    expect(await names("porc")).toEqual(["Red Mug"]);
    expect(await names("KITCHEN grind")).toEqual(["Coffee Grinder"]);
    expect(await names('"tea mug"')).toEqual(["Red Mug"]);
    expect(await names("nothing-like-this")).toEqual([]);
  });

  it("refuses a page token it did not make, and a negative page size", async () => {
    const catalog = await catalogClient(fn);
    expect(await codeOf(catalog.listProducts({ pageToken: "not a token" }))).toBe(Code.InvalidArgument);
    expect(await codeOf(catalog.listProducts({ pageToken: "W10" }))).toBe(Code.InvalidArgument);
    expect(await codeOf(catalog.listProducts({ pageSize: -1 }))).toBe(Code.InvalidArgument);
  });

  it("gives at most 100 products a page", async () => {
    // Seeded in one statement: 102 upserts would only make the test slow.
    await fn.app.db.insert(products).values(
      Array.from({ length: 102 }, (_, i) => ({
        id: `bolt-${i}`,
        name: `Bolt ${String(i).padStart(3, "0")}`,
        price: 10n,
        currency: "EUR",
        category: "bolts",
        version: 1n,
      })),
    );
    const catalog = await catalogClient(fn);
    const page = await catalog.listProducts({ category: "bolts", pageSize: 1000 });
    expect(page.products).toHaveLength(100);
    expect(page.nextPageToken).not.toBe("");
    expect((await catalog.listProducts({ category: "bolts" })).products).toHaveLength(20);
  });
});

describe("GetProduct", () => {
  it("returns a product, and NotFound for an unknown id", async () => {
    const { product } = await upsert(fn, {
      name: "Lamp",
      category: "home",
      imageUrl: "https://img.example/lamp.png",
    });
    const catalog = await catalogClient(fn);
    const got = await catalog.getProduct({ id: product?.id ?? "" });
    expect(got.product).toMatchObject({ name: "Lamp", category: "home", active: true, available: 0 });
    expect(got.product?.price).toMatchObject({ amountMinor: 1000n, currency: "EUR" });
    expect(await codeOf(catalog.getProduct({ id: "no-such-product" }))).toBe(Code.NotFound);
  });
});

describe("reads over HTTP GET", () => {
  let server: Server;
  let baseUrl: string;
  const methods: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      methods.push(req.method ?? "");
      fn.handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("serves ListProducts and GetProduct to a GET client with cache headers", async () => {
    const { product } = await upsert(fn, { id: "desk-1", name: "Desk", category: "office" });
    const catalog = createClient(
      CatalogService,
      createConnectTransport({ baseUrl, httpVersion: "1.1", useHttpGet: true }),
    );
    const headers: Headers[] = [];
    const got = await catalog.getProduct({ id: "desk-1" }, { onHeader: (h) => headers.push(h) });
    const list = await catalog.listProducts({ category: "office" }, { onHeader: (h) => headers.push(h) });
    expect(got.product?.name).toBe("Desk");
    expect(list.products.map((p) => p.id)).toEqual([product?.id]);
    expect(methods).toEqual(["GET", "GET"]);
    for (const h of headers) {
      expect(h.get("cache-control")).toBe("public, max-age=30");
      expect(h.get("etag")).toMatch(/^"[\w-]+"$/);
    }
    expect(headers[0]?.get("etag")).not.toBe(headers[1]?.get("etag"));
  });

  it("answers a plain Connect GET URL, with an ETag that changes when the product does", async () => {
    await upsert(fn, { id: "chair-1", name: "Chair", category: "office" });
    const url = `${baseUrl}/shop.catalog.v1.CatalogService/GetProduct?connect=v1&encoding=json&message=${encodeURIComponent(JSON.stringify({ id: "chair-1" }))}`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ product: { id: "chair-1", name: "Chair" } });
    const etag = first.headers.get("etag");
    expect((await fetch(url)).headers.get("etag")).toBe(etag);
    await fn.receive(stockChanged("chair-1", 4, 1n));
    const changed = await fetch(url);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(await changed.json()).toMatchObject({ product: { available: 4 } });
  });

  it("answers every call with its request id, the caller's or a new one", async () => {
    await upsert(fn, { id: "lamp-1", name: "Lamp", category: "office" });
    const post = (headers: Record<string, string>) =>
      fetch(`${baseUrl}/shop.catalog.v1.CatalogService/GetProduct`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ id: "lamp-1" }),
      });
    const given = await post({ "x-request-id": "req-from-the-gateway" });
    expect(given.status).toBe(200);
    expect(given.headers.get("x-request-id")).toBe("req-from-the-gateway");
    expect(given.headers.get("etag")).toMatch(/^"/);
    const fresh = await post({});
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await fetch(`${baseUrl}/shop.catalog.v1.CatalogService/GetProduct`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-2" },
      body: JSON.stringify({ id: "no-such-product" }),
    });
    expect([missing.status, missing.headers.get("x-request-id")]).toEqual([404, "req-2"]);
  });

  it("refuses UpsertProduct by GET", async () => {
    const url = `${baseUrl}/shop.catalog.v1.CatalogService/UpsertProduct?connect=v1&encoding=json&message=${encodeURIComponent("{}")}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(response.status).toBe(405);
  });
});

describe("UpsertProduct", () => {
  it("creates a product with a generated id and emits ProductChanged, with a version that grows", async () => {
    const created = (
      await upsert(fn, {
        name: " Kite ",
        category: "outdoor",
        price: { amountMinor: 2599n, currency: "eur" },
      })
    ).product;
    expect(created?.id).toMatch(/^[\w-]{36}$/);
    expect(created).toMatchObject({ name: "Kite", price: { amountMinor: 2599n, currency: "EUR" } });
    await upsert(fn, { id: created?.id ?? "", name: "Kite", category: "outdoor", active: false });

    const changes = (await publishedEvents(fn))
      // Its audit entries (AdminActionRecorded) share the key; catalog-admin.test.ts reads those.
      .filter((e) => e.event.partitionkey === created?.id)
      .map((e) => e.message)
      .filter((m) => isMessage(m, ProductChangedSchema));
    expect(changes).toEqual([
      expect.objectContaining({
        productId: created?.id,
        name: "Kite",
        category: "outdoor",
        active: true,
        version: 1n,
      }),
      expect.objectContaining({ productId: created?.id, active: false, version: 2n }),
    ]);
    expect(changes[0]?.price).toMatchObject({ amountMinor: 2599n, currency: "EUR" });
    expect(changes[1]?.price).toMatchObject({ amountMinor: 1000n });
    // An inactive product is hidden from the list but can still be looked up.
    const catalog = await catalogClient(fn);
    expect((await catalog.listProducts({ category: "outdoor" })).products.map((p) => p.id)).not.toContain(
      created?.id,
    );
    expect((await catalog.getProduct({ id: created?.id ?? "" })).product?.active).toBe(false);
  });

  it("refuses a product without a name, category, price or valid currency", async () => {
    const price = { amountMinor: 100n, currency: "EUR" };
    expect(await codeOf(upsert(fn, { name: "  " }))).toBe(Code.InvalidArgument);
    expect(await codeOf(upsert(fn, { name: "X", category: "" }))).toBe(Code.InvalidArgument);
    expect(await codeOf(upsert(fn, { name: "X", price: { ...price, amountMinor: -1n } }))).toBe(
      Code.InvalidArgument,
    );
    expect(await codeOf(upsert(fn, { name: "X", price: { ...price, currency: "EURO" } }))).toBe(
      Code.InvalidArgument,
    );
    expect(await codeOf(upsert(fn, { name: "X", price: undefined }))).toBe(Code.InvalidArgument);
    const asAdmin = await catalogClient(fn, admin);
    expect(await codeOf(asAdmin.upsertProduct({}))).toBe(Code.InvalidArgument);
  });

  it("is for administrators only", async () => {
    const product = { name: "Hack", category: "x", price: { amountMinor: 1n, currency: "EUR" } };
    const asCustomer = await catalogClient(fn, customer);
    expect(await codeOf(asCustomer.upsertProduct({ product }))).toBe(Code.PermissionDenied);
    const anonymous = await catalogClient(fn);
    expect(await codeOf(anonymous.upsertProduct({ product }))).toBe(Code.Unauthenticated);
  });
});
