/**
 * Puts the demo data (demo-catalog.ts) into a shop through its public Connect API, as an
 * administrator, like any other client would.
 *
 * Seeding is complete when the last demo promotion exists: promotions are stored after every
 * product and its stock, so that record is only written once everything before it was. Until then
 * each run does every step again, and each step is idempotent (products have fixed ids and are
 * upserted; stock is set only where it was never set; only missing promotions are created), so a
 * first start interrupted while seeding is finished by the next start. A shop whose catalog has
 * products of its own (not the demo's) is left alone.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { DEV_ADMIN, loginAs, type ShopClients } from "@shop/platform";
import type { Product } from "@shop/schemas/catalog/v1/catalog";
import type { Promotion } from "@shop/schemas/promotions/v1/promotions";
import {
  DEMO_CODES,
  DEMO_IMAGE_PATH,
  DEMO_PRODUCTS,
  DEMO_PROMOTIONS,
  type DemoProduct,
  type DemoPromotion,
  demoPrice,
} from "./demo-catalog.ts";

export { DEMO_CODES, DEMO_PRODUCTS };

/**
 * What a seed run found and did: `seeded` (it stored what was missing), `complete` (the demo data was
 * all there: nothing stored but pictures moved to this origin), `own-catalog` (the catalog has
 * products that are not the demo's: nothing stored).
 */
export type SeedOutcome = "seeded" | "complete" | "own-catalog";

/** Options of {@link seedDemo}. */
export interface SeedOptions {
  /**
   * The origin the shop's storefront is served from (`http://127.0.0.1:8080`): the products'
   * pictures are its `/demo/products/*.svg`, so a page never loads one from another host.
   */
  origin: string;
  /** Called after each product is stored with its stock, with how many are (tests interrupt seeding here). */
  afterProduct?: (stored: number) => void | Promise<void>;
  /** How long to wait for the catalog to show every product with its stock (default 60 s). */
  settleTimeoutMs?: number;
}

/** Seeds whatever of the demo data is missing (see the module comment). */
export async function seedDemo(admin: ShopClients, options: SeedOptions): Promise<SeedOutcome> {
  const listed = await activeProducts(admin);
  const { promotions } = await admin.promotions.listPromotions({});
  const missing = DEMO_PROMOTIONS.filter((wanted) => !promotions.some((p) => samePromotion(wanted, p)));
  const found = new Map<DemoProduct, Product>();
  for (const product of listed) {
    const demo = demoProductOf(product);
    if (demo) found.set(demo, product);
  }
  if (missing.length === 0) {
    await movePictures(admin, found, options.origin);
    return "complete";
  }
  if (listed.some((product) => !demoProductOf(product))) return "own-catalog";

  const shown = new Map<string, number>(); // product id → the stock the catalog must show
  let stored = 0;
  for (const demo of DEMO_PRODUCTS) {
    const existing = found.get(demo);
    // A product of an earlier, unfinished run keeps its id (one from before ids were fixed, too).
    const id = existing?.id ?? demo.id;
    await admin.catalog.upsertProduct({
      product: {
        id,
        name: demo.name,
        category: demo.category,
        price: demoPrice(demo),
        description: `${demo.name}: a well-made ${demo.category} favourite.`,
        imageUrl: pictureUrl(demo, options.origin),
        active: true,
      },
    });
    shown.set(id, await stockUp(admin, id, demo.stock, existing?.available));
    stored += 1;
    await options.afterProduct?.(stored);
  }
  for (const promotion of missing) await admin.promotions.createPromotion({ promotion });
  await settled(admin, shown, options.settleTimeoutMs ?? 60_000);
  return "seeded";
}

/** Logs in as an administrator (the dev admin unless given) at `url` and seeds (see {@link seedDemo}). */
export async function seedShop(
  url: string,
  options: Partial<SeedOptions> & { email?: string; password?: string } = {},
): Promise<SeedOutcome> {
  const admin = await loginAs(url, options.email ?? DEV_ADMIN.email, options.password ?? DEV_ADMIN.password);
  return seedDemo(admin.clients, { ...options, origin: options.origin ?? new URL(url).origin });
}

/** The URL of a demo product's picture on `origin`. */
export function pictureUrl(demo: DemoProduct, origin: string): string {
  return new URL(demo.imagePath, origin).href;
}

async function activeProducts(admin: ShopClients): Promise<Product[]> {
  const all: Product[] = [];
  let pageToken = "";
  do {
    const page = await admin.catalog.listProducts({ pageSize: 100, pageToken });
    all.push(...page.products);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return all;
}

function demoProductOf(product: Product): DemoProduct | undefined {
  return DEMO_PRODUCTS.find((demo) => demo.id === product.id || demo.name === product.name);
}

function samePromotion(wanted: DemoPromotion, promotion: Promotion): boolean {
  return wanted.code
    ? promotion.code.toUpperCase() === wanted.code.toUpperCase()
    : !promotion.code && promotion.name === wanted.name;
}

/**
 * Gives a product its demo stock unless it has been stocked already (SetStock expecting version 0,
 * so a stock someone set meanwhile is kept), and announces a stock the catalog does not show yet
 * again (its StockChanged may have been lost with an interrupted start's in-memory log). Returns
 * the units the catalog must show.
 */
async function stockUp(
  admin: ShopClients,
  productId: string,
  stock: number,
  shown?: number,
): Promise<number> {
  const { stock: level } = await admin.inventory.getStock({ productId });
  if (!level || level.version === 0n) {
    try {
      await admin.inventory.setStock({ productId, available: stock, expectedVersion: 0n });
      return stock;
    } catch (error) {
      if (ConnectError.from(error).code !== Code.Aborted) throw error;
      return stockUp(admin, productId, stock, shown);
    }
  }
  if (shown !== level.available) {
    await admin.inventory.setStock({
      productId,
      available: level.available,
      expectedVersion: level.version,
    });
  }
  return level.available;
}

/** Waits until the catalog lists every product of `shown` with that stock (inventory tells it by event). */
async function settled(admin: ShopClients, shown: Map<string, number>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = new Map((await activeProducts(admin)).map((p) => [p.id, p.available]));
    const behind = [...shown].filter(([id, available]) => listed.get(id) !== available);
    if (behind.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the catalog did not show the stock of ${behind.length} demo products within ${timeoutMs / 1000} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Points the demo products' pictures at `origin` where they point at the demo's pictures on another
 * origin (a shop started on another port), or at the outside host earlier versions of the seed used.
 */
async function movePictures(admin: ShopClients, found: Map<DemoProduct, Product>, origin: string) {
  for (const [demo, product] of found) {
    const url = pictureUrl(demo, origin);
    if (product.imageUrl === url || !isDemoPicture(product.imageUrl)) continue;
    await admin.catalog.upsertProduct({
      product: {
        id: product.id,
        name: product.name,
        category: product.category,
        price: product.price,
        description: product.description,
        imageUrl: url,
        active: product.active,
      },
    });
  }
}

function isDemoPicture(imageUrl: string): boolean {
  try {
    const url = new URL(imageUrl);
    return url.pathname.startsWith(DEMO_IMAGE_PATH) || url.hostname === "picsum.photos";
  } catch {
    return false;
  }
}
