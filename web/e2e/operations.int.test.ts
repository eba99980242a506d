/**
 * What an admin sees of the shop's operations, in Debian Chromium against the shop as `pnpm start`
 * runs it (embedded, seeded): the demo admin buys something, then opens the Operations page (live
 * charts of /ops/metrics) and the order's trace page, both saved as screenshots
 * (test-output/screenshots/desktop-operations.png, desktop-trace.png).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEV_ADMIN, loginAs, type Shop, startShop, storefront } from "@shop/platform";
import { waitFor } from "@shop/runtime/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedShop } from "../../tools/src/shop/seed.ts";
import { FIGURE_FAMILIES } from "../src/ops/figures.ts";
import { parsePromText } from "../src/ops/prom-text.ts";
import { sumBy } from "../src/ops/series.ts";
import { traceQuery } from "../src/ops/trace-query.ts";
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
let adminToken: string;
const problems: Problems = { console: [], offHost: [] };

/** GET an /ops path as the demo admin, from outside the browser. */
const opsGet = (path: string) =>
  fetch(`${shop.url}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });

/** Events handled by every function so far, as /ops/metrics counts them. */
async function eventsCounted(): Promise<number> {
  const { samples } = parsePromText(await (await opsGet("/ops/metrics")).text());
  return sumBy(samples, "shop_events_total").get("") ?? 0;
}

/** The numbers of a "Since start: 12 handled, 3 ignored" line, added up. */
const sumOf = (line: string) => [...line.matchAll(/(\d+) /g)].reduce((sum, m) => sum + Number(m[1]), 0);

async function buyAMug(page: Page): Promise<string> {
  await page.getByRole("searchbox", { name: "Search products" }).fill("mug");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name: "Add Blue Mug to cart" }).click();
  await page.goto(`${shop.url}/#/checkout`);
  await fillAddress(page);
  await page.getByRole("button", { name: "Place order" }).click();
  await page.waitForURL(/#\/orders\/[0-9a-f-]+$/);
  await page.locator('.order-status [data-status="CONFIRMED"]').waitFor({ timeout: 30_000 });
  return decodeURIComponent(new URL(page.url()).hash.split("/").at(-1) ?? "");
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run node tools/bin/ensure-system-packages.mjs`);
  await mkdir(SCREENSHOTS, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), "shop-operations-"));
  shop = await startShop({
    dataDir,
    port: 0,
    logLevel: "error",
    fallback: storefront(),
    prepare: (url) => seedShop(url),
  });
  adminToken = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).tokens.accessToken;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the shop's operations, as an admin sees them", () => {
  it("plots the shop's figures live and shows an order's trace", async () => {
    const context = await shopContext(browser, shop.url, problems);
    const page = await context.newPage();
    await page.goto(shop.url);
    await page.getByRole("link", { name: "Log in" }).click();
    await page.getByLabel("Email").fill(DEV_ADMIN.email);
    await page.getByLabel("Password").fill(DEV_ADMIN.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("button", { name: "Log out" }).waitFor();
    const before = await eventsCounted();
    const orderId = await buyAMug(page);
    const traceLink = page.getByRole("link", { name: "Trace of this order" });
    expect(await traceLink.getAttribute("href")).toBe(`#/admin/orders/${orderId}/trace`);

    await page.getByRole("link", { name: "Operations" }).click();
    await page.getByRole("heading", { name: "Operations" }).waitFor();
    // Two readings make a rate: the events chart then has a line.
    await page
      .locator(`[data-chart="events"] polyline`)
      .first()
      .waitFor({ state: "attached", timeout: 15_000 });
    const served = await (await opsGet("/ops/metrics")).text();
    for (const [id, family] of Object.entries(FIGURE_FAMILIES)) {
      // Every figure's metric is served, so every chart has data.
      expect(new RegExp(`^# TYPE ${family} `, "m").test(served), family).toBe(true);
      const chart = page.locator(`[data-chart="${id}"]`);
      expect(await chart.getAttribute("data-state"), id).toBe("data");
      expect(await chart.locator("svg.chart").count(), id).toBe(1);
    }
    // The order's events are in the figures: one order makes at least four handled events (priced,
    // reserved, paid, confirmed), and the page counts no more than the shop has.
    const shown = sumOf((await page.getByTestId("events-totals").textContent()) ?? "");
    expect(shown).toBeGreaterThanOrEqual(before + 4);
    expect(shown).toBeLessThanOrEqual(await eventsCounted());
    expect(await page.getByTestId("orders-totals").textContent()).toMatch(/\d+ confirmed/);
    await shot(page, "operations");

    await page.goBack();
    await page.getByRole("link", { name: "Trace of this order" }).click();
    await page.getByRole("heading", { name: /^Trace of order/ }).waitFor();
    // Spans reach the trace store shortly after the order: wait until every hop of the saga is there.
    const hops = ["orders", "promotions", "inventory", "payments"];
    await waitFor(
      async () => {
        const traces = (await (await opsGet(traceQuery(orderId))).json()) as {
          localEndpoint?: { serviceName?: string };
        }[][];
        const services = new Set(traces.flat().map((span) => span.localEndpoint?.serviceName));
        return hops.every((hop) => services.has(hop));
      },
      { message: "the order's spans from every hop", timeoutMs: 20_000 },
    );
    await page.reload();
    await page.locator(".trace .span-row").first().waitFor();
    for (const hop of hops)
      expect(await page.locator(`.span-row[data-service="${hop}"]`).count(), hop).toBeGreaterThan(0);
    await shot(page, "trace");
    await context.close();
    expect(problems).toEqual({ console: [], offHost: [] });
  });
});
