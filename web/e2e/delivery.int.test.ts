/**
 * Delivery in the storefront, in Debian Chromium against the embedded shop (as `pnpm start` runs it,
 * seeded), at desktop and phone widths: checkout with an address and express shipping, the total with
 * shipping, the order page following the parcel to dispatched and delivered (shipping's dev carrier,
 * its delays shortened), and a second order cancelled by the customer before dispatch. The browser's
 * network is the shop's host only: a request to any other host is refused and fails the test, as does
 * any error in the browser's console but the refusal the test asks for.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Shop, startShop, storefront } from "@shop/platform";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedShop } from "../../tools/src/shop/seed.ts";
import {
  CHROMIUM,
  DESKTOP,
  fillAddress,
  launchChromium,
  PHONE,
  type Problems,
  SCREENSHOTS,
  shopContext,
} from "./browser.ts";

// The dev carrier dispatches a shipment this long after it is created, and delivers it this long
// after dispatch; the runtime's tick (when it looks) comes every second. Long enough to cancel a
// confirmed order before dispatch, short enough to watch a delivery.
const DEV_CARRIER_ENV = {
  SHIPPING_DEV_CARRIER: "1",
  SHIPPING_DEV_DISPATCH_AFTER_MS: "8000",
  SHIPPING_DEV_DELIVER_AFTER_MS: "2000",
  SHOP_TICK_INTERVAL_MS: "1000",
};
// Confirmation, then dispatch and delivery on the tick after each is due, on a shared machine.
const PARCEL_TIMEOUT_MS = 45_000;

let dataDir: string;
let shop: Shop;
let browser: Browser;
const saved: Record<string, string | undefined> = {};

/** Saves a full-page screenshot as test-output/screenshots/<desktop|phone>-<name>.png. */
async function shot(page: Page, name: string) {
  const width = page.viewportSize()?.width ?? 0;
  // Notices fade after a few seconds; they would cover part of the page in the picture.
  await page.evaluate("document.getElementById('flash').replaceChildren()");
  // From the top: the sticky header would otherwise sit in the middle of the full-page picture.
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({
    path: join(SCREENSHOTS, `${width < 600 ? "phone" : "desktop"}-${name}.png`),
    fullPage: true,
    animations: "disabled",
  });
}

async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).textContent()) ?? "";
}

/** "€12.90" → 1290 (the test's locale is en-GB, the shop's currency EUR). */
function cents(euros: string): number {
  const match = /^€([\d,]+)\.(\d\d)$/.exec(euros.trim());
  if (!match) throw new Error(`not an amount in euros: ${euros}`);
  return Number(match[1]?.replaceAll(",", "")) * 100 + Number(match[2]);
}

function euros(amount: number): string {
  return `€${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, "0")}`;
}

async function register(page: Page) {
  await page.goto(`${shop.url}/#/register`);
  await page.getByLabel("Email").fill(`delivery-${randomUUID().slice(0, 8)}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("button", { name: "Log out" }).waitFor();
}

async function addToCart(page: Page, words: string, product: string) {
  await page.goto(`${shop.url}/#/`);
  await page.getByRole("searchbox", { name: "Search products" }).fill(words);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("heading", { name: `Results for “${words}”` }).waitFor();
  const before = Number(await page.locator("#cart-count").textContent());
  await page.getByRole("button", { name: `Add ${product} to cart` }).click();
  await expect.poll(() => page.locator("#cart-count").textContent()).toBe(String(before + 1));
}

/** Clicks "Place order" and waits on the order page until the order is confirmed. */
async function placeConfirmedOrder(page: Page) {
  await page.getByRole("button", { name: "Place order" }).click();
  await page.waitForURL(/#\/orders\/[0-9a-f-]+$/);
  await page.locator('.order-status [data-status="CONFIRMED"]').waitFor({ timeout: 30_000 });
}

/** Waits until the order page says the parcel is `label` ("Dispatched", "Delivered"). */
async function parcelIs(page: Page, label: string) {
  await page
    .getByTestId("shipment-status")
    .filter({ hasText: new RegExp(`^${label}$`) })
    .waitFor({
      timeout: PARCEL_TIMEOUT_MS,
    });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run node tools/bin/ensure-system-packages.mjs`);
  await mkdir(SCREENSHOTS, { recursive: true });
  // The functions read their settings from the environment when they start, as in `pnpm start`.
  for (const [name, value] of Object.entries(DEV_CARRIER_ENV)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  dataDir = await mkdtemp(join(tmpdir(), "shop-delivery-"));
  shop = await startShop({
    dataDir,
    port: 0,
    logLevel: "error",
    fallback: storefront(),
    prepare: (url) => seedShop(url),
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe.each([
  ["desktop", DESKTOP],
  ["phone", PHONE],
])("delivery on a %s screen", (_, viewport) => {
  it("ships an express order to France and follows it to delivered, then cancels a second order before dispatch", {
    timeout: 180_000,
  }, async () => {
    const problems: Problems = { console: [], offHost: [] };
    const context = await shopContext(browser, shop.url, problems, viewport);
    const page = await context.newPage();
    await register(page);
    await addToCart(page, "mug", "Blue Mug");

    await page.goto(`${shop.url}/#/checkout`);
    // A name of spaces passes the form's own check; the shop's refusal is shown beside the form.
    await fillAddress(page, {
      name: "   ",
      line1: "12 rue de la Paix",
      line2: "3e étage",
      city: "Paris",
      postcode: "75002",
      country: "France",
    });
    await page.getByRole("button", { name: "Place order" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "The shipping address needs the recipient's name." })
      .waitFor();

    await page.getByLabel("Full name").fill("Marianne Dupont");
    await page.getByLabel(/Express delivery/).check();
    const subtotal = cents(await text(page, "subtotal"));
    expect(await text(page, "shipping-express")).toBe("€12.90");
    expect(await text(page, "shipping")).toBe("€12.90");
    const total = euros(subtotal + 1290);
    expect(await text(page, "total")).toBe(total);
    await shot(page, "checkout-delivery");

    await placeConfirmedOrder(page);
    expect(await text(page, "order-total")).toBe(total);
    expect(await text(page, "shipping-charged")).toBe("€12.90");
    const shipTo = await text(page, "ship-to");
    for (const part of ["Marianne Dupont", "12 rue de la Paix", "3e étage", "75002 Paris", "France"])
      expect(shipTo).toContain(part);
    await expect.poll(() => text(page, "shipment-status")).toBe("Preparing");
    await shot(page, "order-preparing");

    await parcelIs(page, "Dispatched");
    expect(await text(page, "tracking")).toMatch(/^Shop Express Dev, tracking number \S+$/);
    // Once the parcel has left, the order can no longer be cancelled.
    expect(await page.getByRole("button", { name: "Cancel order" }).count()).toBe(0);
    await shot(page, "order-dispatched");
    await parcelIs(page, "Delivered");
    expect(await text(page, "delivered-at")).toMatch(/^Delivered \d/);
    await page.getByText("This page updates by itself.").waitFor({ state: "detached" });
    await shot(page, "order-delivered");

    // A second order, standard delivery to the same country, cancelled while it is being prepared.
    await addToCart(page, "honey", "Wildflower Honey");
    await page.goto(`${shop.url}/#/checkout`);
    await fillAddress(page, {
      name: "Marianne Dupont",
      line1: "12 rue de la Paix",
      city: "Paris",
      postcode: "75002",
      country: "France",
    });
    expect(await page.getByLabel(/Standard delivery/).isChecked()).toBe(true);
    await placeConfirmedOrder(page);
    await page.getByRole("button", { name: "Cancel order" }).click();
    await page.getByRole("button", { name: "Yes, cancel the order" }).click();
    await page.locator('.order-status [data-status="CANCELLED"]').waitFor();
    expect(await text(page, "cancelled-by")).toMatch(/^Cancelled by you on .+\.$/);
    expect(await text(page, "shipment-status")).toBe("Not shipped: the order was cancelled");
    expect(await page.getByRole("button", { name: "Cancel order" }).count()).toBe(0);
    await shot(page, "order-cancelled-by-customer");

    await context.close();
    // Chromium logs every refused call; the refused address above is the one expected.
    const refused = problems.console.filter((line) =>
      /status of 400 .*\/shop\.orders\.v1\.OrderService\/PlaceOrder\)$/.test(line),
    );
    expect(refused).toHaveLength(1);
    expect(problems.console.filter((line) => !refused.includes(line))).toEqual([]);
    expect(problems.offHost).toEqual([]);
  });
});
