/**
 * The demo data and the first start: the embedded shop answers only once its demo catalog is whole,
 * a first start stopped while seeding is finished by the next one, and seeding again changes nothing.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEV_ADMIN,
  freePort,
  loginAs,
  type Shop,
  type ShopClients,
  shopClients,
  startShop,
} from "@shop/platform";
import type { Product } from "@shop/schemas/catalog/v1/catalog";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PRODUCTS, DEMO_PROMOTIONS } from "./demo-catalog.ts";
import { pictureUrl, seedDemo, seedShop } from "./seed.ts";

const folders: string[] = [];
const shops: Shop[] = [];

async function dataFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "shop-seed-"));
  folders.push(dir);
  return dir;
}

async function start(options: Parameters<typeof startShop>[0]): Promise<Shop> {
  const shop = await startShop({ logLevel: "silent", ...options });
  shops.push(shop);
  return shop;
}

async function stop(shop: Shop) {
  shops.splice(shops.indexOf(shop), 1);
  await shop.close();
}

afterEach(async () => {
  for (const shop of shops.splice(0)) await shop.close();
});

afterAll(async () => {
  for (const dir of folders) await rm(dir, { recursive: true, force: true });
});

async function allProducts(clients: ShopClients): Promise<Product[]> {
  return (await clients.catalog.listProducts({ pageSize: 100 })).products;
}

/** The catalog exactly as the demo has it: every product once, with its stock and its own picture. */
function expectWholeCatalog(products: Product[], origin: string) {
  expect(products.map((p) => p.name).sort()).toEqual(DEMO_PRODUCTS.map((p) => p.name).sort());
  for (const demo of DEMO_PRODUCTS) {
    const product = products.find((p) => p.name === demo.name)!;
    expect(product.available, demo.name).toBe(demo.stock);
    expect(product.imageUrl).toBe(pictureUrl(demo, origin));
  }
}

/** Status and retry-after of a GET, or undefined while nothing listens. */
function get(url: string): Promise<{ status: number; retryAfter?: string } | undefined> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] as string | undefined });
    });
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

describe("the first start", () => {
  it("answers only once the demo catalog is whole: its first ListProducts has every product with its stock", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const starting = start({ dataDir: await dataFolder(), port, prepare: (u) => seedShop(u) });
    let started = false;
    void starting.then(() => {
      started = true;
    });
    // Readiness while it starts: 503 with Retry-After once the port listens, 200 once it is ready.
    const readiness: { status: number; retryAfter?: string }[] = [];
    const watching = (async () => {
      while (!started) {
        const answer = await get(`${url}/health/readiness`);
        if (answer) readiness.push(answer);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    // The first answer anyone gets, asked for as soon as the port listens.
    let first: Product[] | undefined;
    while (!first) {
      if ((await get(`${url}/health/liveness`)) === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      first = await allProducts(shopClients(url));
    }
    await starting;
    await watching;
    expectWholeCatalog(first, url);
    expect(readiness.length).toBeGreaterThan(0);
    expect(readiness[0]).toEqual({ status: 503, retryAfter: "1" });
    expect((await get(`${url}/health/readiness`))?.status).toBe(200);
  }, 120_000);

  it("stopped while seeding, is finished by the next start, and a third start changes nothing", async () => {
    const dataDir = await dataFolder();
    const interrupted = start({
      dataDir,
      port: 0,
      prepare: (url) =>
        seedShop(url, {
          afterProduct: (stored) => {
            if (stored === 2) throw new Error("stopped while seeding");
          },
        }),
    });
    await expect(interrupted).rejects.toThrow("stopped while seeding");

    // What that start left: 2 of 24 products.
    let shop = await start({ dataDir, port: 0 });
    expect((await allProducts(shopClients(shop.url))).map((p) => p.name)).toEqual(
      DEMO_PRODUCTS.slice(0, 2)
        .map((p) => p.name)
        .sort(),
    );
    await stop(shop);

    const outcomes: string[] = [];
    const seed = async (url: string) => outcomes.push(await seedShop(url));
    const port = await freePort();
    shop = await start({ dataDir, port, prepare: seed });
    const products = await allProducts(shopClients(shop.url));
    expectWholeCatalog(products, shop.url);
    const admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
    const { promotions } = await admin.promotions.listPromotions({});
    expect(promotions.map((p) => p.name).sort()).toEqual(DEMO_PROMOTIONS.map((p) => p.name).sort());
    await stop(shop);

    shop = await start({ dataDir, port, prepare: seed });
    expect(outcomes).toEqual(["seeded", "complete"]);
    // Complete: nothing was written again.
    expect(await allProducts(shopClients(shop.url))).toEqual(products);
  }, 180_000);
});

describe("seeding a running shop", () => {
  let shop: Shop;
  let admin: ShopClients;

  beforeAll(async () => {
    shop = await startShop({ logLevel: "silent" });
    admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
  }, 120_000);

  afterAll(async () => {
    await shop?.close();
  });

  it("finishes a seed of an earlier version (its own ids, outside pictures), and moves the pictures with the origin", async () => {
    // What the seed before fixed ids and shipped pictures left after an interrupted start.
    for (const demo of DEMO_PRODUCTS.slice(0, 2)) {
      const { product } = await admin.catalog.upsertProduct({
        product: {
          name: demo.name,
          category: demo.category,
          price: { amountMinor: BigInt(demo.priceMinor), currency: "EUR" },
          imageUrl: `https://picsum.photos/seed/${encodeURIComponent(demo.name)}/400/300`,
          active: true,
        },
      });
      await admin.inventory.setStock({ productId: product!.id, available: demo.stock });
    }
    const before = await allProducts(admin);
    expect(await seedDemo(admin, { origin: shop.url })).toBe("seeded");
    const after = await allProducts(admin);
    expectWholeCatalog(after, shop.url);
    for (const old of before) expect(after.find((p) => p.name === old.name)?.id).toBe(old.id);

    // Seeding again stores nothing; on another origin (another port), the pictures follow it.
    expect(await seedDemo(admin, { origin: shop.url })).toBe("complete");
    expect(await seedDemo(admin, { origin: "http://127.0.0.1:1" })).toBe("complete");
    for (const product of await allProducts(admin))
      expect(product.imageUrl).toMatch(/^http:\/\/127\.0\.0\.1:1\/demo\/products\/[a-z-]+\.svg$/);
    const { promotions } = await admin.promotions.listPromotions({});
    expect(promotions).toHaveLength(DEMO_PROMOTIONS.length);
  });
});

describe("seeding a shop with a catalog of its own", () => {
  it("stores nothing", async () => {
    const shop = await start({ port: 0 });
    const admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
    await admin.catalog.upsertProduct({
      product: {
        name: "Own Thing",
        category: "misc",
        price: { amountMinor: 100n, currency: "EUR" },
        active: true,
      },
    });
    expect(await seedDemo(admin, { origin: shop.url })).toBe("own-catalog");
    expect((await allProducts(admin)).map((p) => p.name)).toEqual(["Own Thing"]);
  }, 120_000);
});
