/**
 * The back office's catalog: image upload (refusals, storage, the images route with its cache
 * headers), the inactive products an administrator lists, and the audit entry of every admin verb.
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isMessage } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { createTokenSigner } from "@shop/runtime";
import { publishedEvents } from "@shop/runtime/testing";
import { type AdminActionRecorded, AdminActionRecordedSchema } from "@shop/schemas/audit/v1/events";
import { CatalogService } from "@shop/schemas/catalog/v1/catalog";
import { ProductChangedSchema } from "@shop/schemas/catalog/v1/events";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_IMAGE_BYTES } from "../catalog/index.ts";
import { admin, type Catalog, catalogClient, customer, startCatalog, upsert } from "../test-support.ts";

// Generous: other test files may be keeping this machine's cores busy.
vi.setConfig({ testTimeout: 30_000 });

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A PNG-signed file of `size` bytes (the signature is all catalog checks of its content). */
function png(size = 64, fill = 7): Uint8Array {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set(PNG);
  return bytes;
}

let fn: Catalog;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  fn = await startCatalog();
  server = createServer(fn.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fn.close();
});

/** The Connect error `promise` is refused with. */
async function refusal(promise: Promise<unknown>): Promise<ConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

/** The AdminActionRecorded events catalog published about `target`, in order. */
async function auditOf(target: string): Promise<AdminActionRecorded[]> {
  return (await publishedEvents(fn))
    .map((d) => d.message)
    .filter((m): m is AdminActionRecorded => isMessage(m, AdminActionRecordedSchema) && m.target === target);
}

describe("UploadProductImage", () => {
  it("stores the image, points image_url at it and serves it with immutable cache headers and an ETag", async () => {
    await upsert(fn, { id: "vase-1", name: "Vase" });
    const content = png(1000);
    const catalog = await catalogClient(fn, admin);
    const { product } = await catalog.uploadProductImage({
      productId: "vase-1",
      contentType: "image/png",
      content,
    });
    const sha = createHash("sha256").update(content).digest("hex");
    expect(product?.imageUrl).toBe(`/images/${sha}`);
    expect((await (await catalogClient(fn)).getProduct({ id: "vase-1" })).product?.imageUrl).toBe(
      `/images/${sha}`,
    );

    const answer = await fetch(`${baseUrl}${product?.imageUrl}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("image/png");
    expect(answer.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(answer.headers.get("etag")).toBe(`"${sha}"`);
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await answer.arrayBuffer())).toEqual(content);

    const again = await fetch(`${baseUrl}${product?.imageUrl}`, { headers: { "if-none-match": `"${sha}"` } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const head = await fetch(`${baseUrl}${product?.imageUrl}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("1000");
  });

  it("answers 404 for an image it does not have", async () => {
    const missing = await fetch(`${baseUrl}/images/${"0".repeat(64)}`);
    expect(missing.status).toBe(404);
    expect((await fetch(`${baseUrl}/images/not-a-hash`)).status).toBe(404);
  });

  it("takes an image of 2 MiB over HTTP, through the function's own server", async () => {
    await upsert(fn, { id: "poster-1", name: "Poster" });
    const { token } = await createTokenSigner(fn.app.secrets).sign(admin, 600);
    const catalog = createClient(CatalogService, createConnectTransport({ baseUrl, httpVersion: "1.1" }));
    const content = png(MAX_IMAGE_BYTES, 3);
    const { product } = await catalog.uploadProductImage(
      { productId: "poster-1", contentType: "image/png", content },
      { headers: { authorization: `Bearer ${token}` } },
    );
    const served = await fetch(`${baseUrl}${product?.imageUrl}`);
    expect(served.headers.get("content-length")).toBe(String(MAX_IMAGE_BYTES));
  });

  it("refuses SVG, other types, a type its bytes do not match, empty and too large images, with a sentence", async () => {
    await upsert(fn, { id: "frame-1", name: "Frame" });
    const catalog = await catalogClient(fn, admin);
    const upload = (contentType: string, content: Uint8Array, productId = "frame-1") =>
      refusal(catalog.uploadProductImage({ productId, contentType, content }));
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    const cases: [Promise<ConnectError>, Code, RegExp][] = [
      [upload("image/svg+xml", svg), Code.InvalidArgument, /SVG images are not accepted/],
      [upload("image/gif", png()), Code.InvalidArgument, /PNG, JPEG or WebP/],
      [upload("image/jpeg", png()), Code.InvalidArgument, /not a JPEG image/],
      [upload("image/png", new Uint8Array()), Code.InvalidArgument, /The image is empty/],
      [upload("image/png", png(MAX_IMAGE_BYTES + 1)), Code.InvalidArgument, /larger than 2 MiB/],
      [upload("image/png", png(), "no-such-product"), Code.NotFound, /There is no product "no-such-product"/],
    ];
    for (const [promise, code, sentence] of cases) {
      const error = await promise;
      expect(error.code).toBe(code);
      expect(error.rawMessage).toMatch(sentence);
    }
    expect((await (await catalogClient(fn)).getProduct({ id: "frame-1" })).product?.imageUrl).toBe("");
  });

  it("is for administrators only", async () => {
    await upsert(fn, { id: "rug-1", name: "Rug" });
    const input = { productId: "rug-1", contentType: "image/png", content: png() };
    const asCustomer = await refusal((await catalogClient(fn, customer)).uploadProductImage(input));
    expect(asCustomer.code).toBe(Code.PermissionDenied);
    expect(asCustomer.rawMessage).toBe("Only an administrator may do this.");
    expect((await refusal((await catalogClient(fn)).uploadProductImage(input))).code).toBe(
      Code.Unauthenticated,
    );
  });

  it("keeps an uploaded image's URL when the product is edited again", async () => {
    await upsert(fn, { id: "bowl-1", name: "Bowl" });
    const admins = await catalogClient(fn, admin);
    const { product } = await admins.uploadProductImage({
      productId: "bowl-1",
      contentType: "image/webp",
      content: new Uint8Array([
        ...new TextEncoder().encode("RIFF"),
        0,
        0,
        0,
        0,
        ...new TextEncoder().encode("WEBPVP8 "),
      ]),
    });
    const edited = await upsert(fn, { id: "bowl-1", name: "Big bowl", imageUrl: product?.imageUrl ?? "" });
    expect(edited.product?.imageUrl).toBe(product?.imageUrl);
  });
});

describe("ListProducts with include_inactive", () => {
  it("lists inactive products for an administrator, and refuses anyone else", async () => {
    await upsert(fn, { id: "old-1", name: "Old clock", category: "retired", active: false });
    await upsert(fn, { id: "new-1", name: "New clock", category: "retired" });
    const asAdmin = await (await catalogClient(fn, admin)).listProducts({
      category: "retired",
      includeInactive: true,
    });
    expect(asAdmin.products.map((p) => [p.id, p.active])).toEqual([
      ["new-1", true],
      ["old-1", false],
    ]);
    const shopper = await (await catalogClient(fn)).listProducts({ category: "retired" });
    expect(shopper.products.map((p) => p.id)).toEqual(["new-1"]);
    for (const client of [await catalogClient(fn, customer), await catalogClient(fn)]) {
      const error = await refusal(client.listProducts({ category: "retired", includeInactive: true }));
      expect(error.code).toBe(Code.PermissionDenied);
      expect(error.rawMessage).toBe("Only an administrator may list inactive products.");
    }
  });
});

describe("the audit trail of catalog's admin verbs", () => {
  it("records UpsertProduct and UploadProductImage with who, before and after, in the same transaction", async () => {
    await upsert(fn, { id: "lamp-9", name: "Lamp", price: { amountMinor: 1500n, currency: "EUR" } });
    await upsert(fn, { id: "lamp-9", name: "Desk lamp", price: { amountMinor: 1700n, currency: "EUR" } });
    await (await catalogClient(fn, admin)).uploadProductImage({
      productId: "lamp-9",
      contentType: "image/png",
      content: png(10, 9),
    });
    const entries = await auditOf("lamp-9");
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ["catalog.UpsertProduct", "admin-1"],
      ["catalog.UpsertProduct", "admin-1"],
      ["catalog.UploadProductImage", "admin-1"],
    ]);
    const [created, renamed, imaged] = entries;
    expect(created?.before).toBe("");
    expect(JSON.parse(created?.after ?? "")).toMatchObject({ name: "Lamp", price: { amountMinor: "1500" } });
    expect(JSON.parse(renamed?.before ?? "")).toMatchObject({ name: "Lamp", version: "1" });
    expect(JSON.parse(renamed?.after ?? "")).toMatchObject({ name: "Desk lamp", version: "2" });
    expect(JSON.parse(imaged?.before ?? "")).toMatchObject({ imageUrl: "" });
    expect(JSON.parse(imaged?.after ?? "")).toMatchObject({
      imageUrl: expect.stringMatching(/^\/images\/[0-9a-f]{64}$/),
      image: { contentType: "image/png", bytes: 10 },
    });
    expect(entries.every((e) => e.at && timestampDate(e.at).getTime() > 0)).toBe(true);
  });

  it("records nothing when the admin verb is refused", async () => {
    const catalog = await catalogClient(fn, admin);
    await refusal(
      catalog.uploadProductImage({ productId: "ghost-1", contentType: "image/png", content: png() }),
    );
    await refusal(catalog.upsertProduct({ product: { id: "ghost-1", name: "" } }));
    expect(await auditOf("ghost-1")).toEqual([]);
    const changed = (await publishedEvents(fn)).filter(
      (d) => d.event.type === ProductChangedSchema.typeName && d.event.subject === "ghost-1",
    );
    expect(changed).toEqual([]);
  });
});
