/**
 * What an admin sees of the sales figures, in Debian Chromium against the shop as `pnpm start` runs it
 * (embedded, seeded): the demo admin buys a mug, opens the Analytics page and finds the order in its
 * charts (saved as test-output/screenshots/desktop-analytics.png); a customer is refused the page.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEV_ADMIN, type Shop, shopClients, startShop, storefront } from "@shop/platform";
import { waitFor } from "@shop/runtime/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedShop } from "../../tools/src/shop/seed.ts";
import {
  CHROMIUM,
  fillAddress,
  launchChromium,
  type Problems,
  SCREENSHOTS,
  shopContext,
  shot,
} from "./browser.ts";

let dataDir: string;
let shop: Shop;
let browser: Browser;
const problems: Problems = { console: [], offHost: [] };

async function logIn(page: Page, email: string, password: string) {
  await page.goto(shop.url);
  await page.getByRole("link", { name: "Log in" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("button", { name: "Log out" }).waitFor();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run node tools/bin/ensure-system-packages.mjs`);
  await mkdir(SCREENSHOTS, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), "shop-analytics-"));
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
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the sales figures, as an admin sees them", () => {
  it("plots a confirmed order in the day's revenue, orders and top products", async () => {
    const context = await shopContext(browser, shop.url, problems);
    const page = await context.newPage();
    await logIn(page, DEV_ADMIN.email, DEV_ADMIN.password);
    await page.getByRole("searchbox", { name: "Search products" }).fill("mug");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("button", { name: "Add Blue Mug to cart" }).click();
    await page.goto(`${shop.url}/#/checkout`);
    await fillAddress(page);
    await page.getByRole("button", { name: "Place order" }).click();
    await page.waitForURL(/#\/orders\/[0-9a-f-]+$/);
    await page.locator('.order-status [data-status="CONFIRMED"]').waitFor({ timeout: 30_000 });

    await page.getByRole("link", { name: "Analytics" }).click();
    await page.getByRole("heading", { name: "Analytics" }).waitFor();
    // analytics gets the events through its KafkaSource a moment after the order is confirmed: the
    // page reads the figures once, so look again until the order is in them.
    const today = new Date().toISOString().slice(5, 10);
    const confirmedToday = page.locator(
      `[data-chart="orders"] rect[data-series="confirmed"][data-category="${today}"]`,
    );
    await waitFor(
      async () => {
        await page.reload();
        await page.getByTestId("analytics-summary").filter({ hasText: "conversion" }).waitFor();
        if ((await confirmedToday.count()) === 0) return false;
        return Number(await confirmedToday.getAttribute("data-value")) >= 1;
      },
      { message: "the order in the Analytics page's charts", timeoutMs: 20_000, intervalMs: 250 },
    );
    const revenueToday = page.locator(`[data-chart="revenue"] rect[data-category="${today}"]`);
    expect(Number(await revenueToday.getAttribute("data-value"))).toBeGreaterThan(0);
    expect(await page.locator('[data-chart="top-products"] rect[data-category="Blue Mug"]').count()).toBe(1);
    expect(await page.getByTestId("analytics-summary").textContent()).toMatch(
      /\d+ orders placed, \d+ confirmed/,
    );
    await shot(page, "analytics");
    await context.close();
    expect(problems).toEqual({ console: [], offHost: [] });
  });

  it("refuses the page to a customer, whose nav has no Analytics link", async () => {
    const email = `viewer-${Date.now()}@example.com`;
    await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
    const context = await shopContext(browser, shop.url, problems);
    const page = await context.newPage();
    await logIn(page, email, "correct horse battery");
    expect(await page.getByRole("link", { name: "Analytics" }).count()).toBe(0);
    await page.goto(`${shop.url}/#/admin/analytics`);
    await page.getByRole("alert").filter({ hasText: "Only an administrator may see this page." }).waitFor();
    await context.close();
  });
});
