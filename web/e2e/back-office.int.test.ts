/**
 * The back office (`#/admin`) in Debian Chromium at desktop width, against the shop as `pnpm start`
 * runs it (embedded, seeded). The demo admin edits a product's price and picture and sees the
 * storefront show them, sets stock (and meets a stale write's refusal), creates a coupon and sees a
 * customer's redemption of it, finds that order by its customer and reads its saga, cancels it,
 * redrives a dead letter and reads the audit log. A customer's token is refused on every admin page
 * with the shop's own sentence. Screenshots: test-output/screenshots/desktop-admin-*.png. Any request
 * to another host, and any console error, fails the test.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEV_ADMIN,
  loginAs,
  placeOrderWhenKnown,
  type Shop,
  type ShopClients,
  shopClients,
  startShop,
  storefront,
} from "@shop/platform";
import { AuditService } from "@shop/schemas/audit/v1/audit";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedShop } from "../../tools/src/shop/seed.ts";
import { SECTIONS } from "../src/admin/sections.ts";
import { leaveDeadLetter, solidPng } from "./back-office-fixtures.ts";
import { CHROMIUM, launchChromium, type Problems, SCREENSHOTS, shopContext, shot } from "./browser.ts";

const PASSWORD = "correct horse battery";
const FINAL = [OrderStatus.CONFIRMED, OrderStatus.CANCELLED];
/** The shop's refusal of a customer's token on an admin-only call. */
const REFUSAL = /^Only an administrator may .+\.$/;

let dataDir: string;
let shop: Shop;
let browser: Browser;
let admin: ShopClients;
let adminId: string;
let customer: { id: string; email: string; clients: ShopClients };

/**
 * Chromium logs every refused call as a resource that failed to load: the refusals a test provokes
 * on purpose (`expected`) are counted, anything else is a problem.
 */
function expectOnly(problems: Problems, expected: RegExp, times: number) {
  expect(problems.offHost).toEqual([]);
  expect(problems.console.filter((line) => !expected.test(line))).toEqual([]);
  expect(problems.console.filter((line) => expected.test(line))).toHaveLength(times);
}
const dispatchDelay = process.env.SHIPPING_DEV_DISPATCH_AFTER_MS;

async function go(page: Page, route: string) {
  await page.goto(`${shop.url}/#${route}`);
}

async function logIn(page: Page, email: string, password: string) {
  await page.goto(shop.url);
  await page.getByRole("link", { name: "Log in" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("button", { name: "Log out" }).waitFor();
}

/** Reloads `page`, then reads it: a poll that waits for the shop to catch up. */
const reloaded =
  <T>(page: Page, read: () => Promise<T>) =>
  async () => {
    await page.reload();
    return read();
  };

/** The value of a chart's bar, 0 while the chart has no such bar. */
async function barValue(bar: Locator): Promise<number> {
  return (await bar.count()) === 0 ? 0 : Number(await bar.getAttribute("data-value"));
}

/** Places an order through the Connect client as `clients` and follows it to its final status. */
async function placeAndSettle(clients: ShopClients, productId: string, couponCode = "") {
  const order = await placeOrderWhenKnown(clients, {
    lines: [{ productId, quantity: 1 }],
    couponCode,
    paymentToken: "tok_visa",
    idempotencyKey: randomUUID(),
  });
  for await (const { order: now } of clients.orders.watchOrder({ id: order.id }, { timeoutMs: 30_000 })) {
    if (now && FINAL.includes(now.status)) return now;
  }
  throw new Error(`order ${order.id} did not settle`);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run node tools/bin/ensure-system-packages.mjs`);
  await mkdir(SCREENSHOTS, { recursive: true });
  // The dev carrier would dispatch the parcel after 5 s, and a dispatched order can no longer be
  // cancelled: here it waits long enough for the admin to cancel.
  process.env.SHIPPING_DEV_DISPATCH_AFTER_MS = "600000";
  dataDir = await mkdtemp(join(tmpdir(), "shop-back-office-"));
  shop = await startShop({
    dataDir,
    port: 0,
    logLevel: "error",
    fallback: storefront(),
    prepare: (url) => seedShop(url),
  });
  const adminLogin = await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password);
  admin = adminLogin.clients;
  adminId = adminLogin.user.id;
  const email = `bo-customer-${randomUUID().slice(0, 8)}@example.com`;
  await shopClients(shop.url).identity.register({ email, password: PASSWORD });
  const login = await loginAs(shop.url, email, PASSWORD);
  customer = { id: login.user.id, email, clients: login.clients };
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (dispatchDelay === undefined) delete process.env.SHIPPING_DEV_DISPATCH_AFTER_MS;
  else process.env.SHIPPING_DEV_DISPATCH_AFTER_MS = dispatchDelay;
});

describe("the back office", () => {
  it("lets the demo admin run the shop", { timeout: 240_000 }, async () => {
    const problems: Problems = { console: [], offHost: [] };
    const context = await shopContext(browser, shop.url, problems);
    const page = await context.newPage();
    await logIn(page, DEV_ADMIN.email, DEV_ADMIN.password);
    await page.getByRole("link", { name: "Admin", exact: true }).click();
    await page.getByRole("heading", { name: "Back office" }).waitFor();
    await page.locator(".admin-hub").waitFor();
    await shot(page, "admin-hub");

    // Products: a new price and picture, and the storefront shows both.
    await page
      .getByRole("navigation", { name: "Back office" })
      .getByRole("link", { name: "Products" })
      .click();
    await page.getByRole("searchbox", { name: "Search products by name" }).fill("Blue Mug");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "Edit Blue Mug" }).click();
    await page.getByRole("heading", { name: "Edit product" }).waitFor();
    const productId = decodeURIComponent(new URL(page.url()).hash.split("/").at(-1) ?? "");
    await page.getByLabel("Price (EUR)").fill("13.75");
    await page.getByLabel("Picture", { exact: true }).setInputFiles({
      name: "blue-mug.png",
      mimeType: "image/png",
      buffer: solidPng(64, [40, 90, 200]),
    });
    await expect
      .poll(() => page.getByLabel("Picture address").inputValue())
      .toMatch(/\/images\/[0-9a-f]{64}$/);
    const imageUrl = await page.getByLabel("Picture address").inputValue();
    await page.locator(".image-preview img.loaded").waitFor();
    await shot(page, "admin-product");
    await page.getByRole("button", { name: "Save product" }).click();
    await page.locator(`tr[data-product="${productId}"]`).waitFor();
    await go(page, `/products/${encodeURIComponent(productId)}`);
    await page.getByRole("heading", { name: "Blue Mug" }).waitFor();
    await expect
      .poll(
        reloaded(page, () => page.locator(".product .price").first().textContent()),
        {
          timeout: 15_000,
        },
      )
      .toBe("€13.75");
    expect(await page.locator(".product .art img").getAttribute("src")).toBe(imageUrl);
    await page.locator(".product .art img.loaded").waitFor();
    await shot(page, "admin-storefront-product");

    // A new product, then taken off sale: the storefront no longer finds it.
    await go(page, "/admin/products/new");
    await page.getByLabel("Name", { exact: true }).fill("Back Office Lamp");
    await page.getByLabel("Description").fill("A lamp made in the back office.");
    await page.getByLabel("Price (EUR)").fill("29.90");
    await page.getByLabel("Category", { exact: true }).fill("home");
    await page.getByRole("button", { name: "Save product" }).click();
    await page.getByRole("heading", { name: "Edit product" }).waitFor();
    await page.getByRole("button", { name: "Deactivate" }).click();
    const lamp = page.locator("tr[data-product]").filter({ hasText: "Back Office Lamp" });
    await lamp.waitFor();
    expect(await lamp.textContent()).toContain("inactive");
    await shot(page, "admin-products");
    expect((await customer.clients.catalog.listProducts({ query: "Back Office Lamp" })).products).toEqual([]);

    // Stock: set with the version read; a write based on a stale reading is refused with a sentence.
    await go(page, `/admin/stock?q=${encodeURIComponent("Blue Mug")}`);
    const row = page.locator(`tr[data-product="${productId}"]`);
    await row.waitFor();
    const version = Number(await row.getByTestId("version").textContent());
    await row.getByLabel("New available stock of Blue Mug").fill("42");
    await row.getByRole("button", { name: "Set stock of Blue Mug" }).click();
    await expect.poll(() => row.getByTestId("available").textContent()).toBe("42");
    expect(Number(await row.getByTestId("version").textContent())).toBeGreaterThan(version);
    // Someone else changes the stock after this page read it.
    await admin.inventory.setStock({ productId, available: 40 });
    await row.getByLabel("New available stock of Blue Mug").fill("50");
    await row.getByRole("button", { name: "Set stock of Blue Mug" }).click();
    const stale = row.getByRole("alert");
    await stale.waitFor();
    expect(await stale.textContent()).toMatch(/^[A-Z].*[.!?]$/);
    expect((await admin.inventory.getStock({ productId })).stock?.available).toBe(40);
    await shot(page, "admin-stock");
    // Read again, the page shows the other write and takes a new one.
    await row.getByRole("button", { name: "Read again" }).click();
    await expect.poll(() => row.getByTestId("available").textContent()).toBe("40");
    await row.getByLabel("New available stock of Blue Mug").fill("50");
    await row.getByRole("button", { name: "Set stock of Blue Mug" }).click();
    await expect.poll(() => row.getByTestId("available").textContent()).toBe("50");

    // Promotions: a coupon made in the form, redeemed by a customer through the Connect client.
    const code = `BO${randomUUID().slice(0, 6).toUpperCase()}`;
    await go(page, "/admin/promotions");
    await page.getByLabel("Name", { exact: true }).fill("Back office ten");
    await page.getByLabel("Code", { exact: true }).fill(code);
    await page.getByLabel("Kind", { exact: true }).selectOption("percent");
    await page.getByLabel("Percent or amount off", { exact: true }).fill("10");
    await page.getByLabel("Redemptions per customer", { exact: true }).fill("1");
    await page.getByRole("button", { name: "Create promotion" }).click();
    const promotionRow = page.locator(`tr[data-code="${code}"]`);
    await promotionRow.waitFor();
    // The analytics charts before the purchase: the new coupon has no bar yet.
    await go(page, "/admin/analytics");
    await page.getByTestId("analytics-summary").filter({ hasText: "conversion" }).waitFor();
    const today = new Date().toISOString().slice(5, 10);
    const confirmedToday = page.locator(
      `[data-chart="orders"] rect[data-series="confirmed"][data-category="${today}"]`,
    );
    const couponBar = page.locator(`[data-chart="coupons"] rect[data-category="${code}"]`);
    const confirmedBefore = await barValue(confirmedToday);
    expect(await couponBar.count()).toBe(0);
    await go(page, "/admin/promotions");
    await promotionRow.waitFor();

    const order = await placeAndSettle(customer.clients, productId, code);
    expect(order.status).toBe(OrderStatus.CONFIRMED);
    expect(order.couponCode).toBe(code);
    await page.reload();
    await expect.poll(() => promotionRow.getByTestId("redemptions").textContent()).toBe("1");
    await shot(page, "admin-promotions");

    // The charts move: analytics reads the order's events a moment after it is confirmed.
    await go(page, "/admin/analytics");
    await expect
      .poll(
        reloaded(page, () => couponBar.count()),
        { timeout: 20_000 },
      )
      .toBe(1);
    await expect
      .poll(
        reloaded(page, () => barValue(confirmedToday)),
        { timeout: 20_000 },
      )
      .toBe(confirmedBefore + 1);
    expect(await page.locator('[data-chart="top-products"] rect[data-category="Blue Mug"]').count()).toBe(1);
    expect(await page.locator(`[data-chart="revenue"] rect[data-category="${today}"]`).count()).toBe(1);
    await shot(page, "admin-analytics");
    await go(page, "/admin/promotions");
    await promotionRow.getByRole("link", { name: "Redemptions of Back office ten" }).click();
    const redemption = page.locator(`tr[data-order="${order.id}"]`);
    await redemption.waitFor();
    expect(await redemption.textContent()).toContain(customer.id);
    await page.getByRole("button", { name: "End now" }).click();
    await page.getByText("This promotion has ended.").waitFor();
    await shot(page, "admin-promotion");

    // Orders: the customer's order found by customer, its saga read, then cancelled by the admin.
    const own = await placeAndSettle(admin, productId);
    await go(page, "/admin/orders");
    await page.locator(`tr[data-order="${own.id}"]`).waitFor();
    expect(await page.locator("tbody tr[data-order]").count()).toBe(2);
    await page.getByLabel("Customer id").fill(customer.id);
    await page.getByRole("button", { name: "Search orders" }).click();
    // The search narrows every customer's orders (the admin's own one too) to this customer's.
    await page.waitForURL(/customer=/);
    await expect.poll(() => page.locator("tbody tr[data-order]").count()).toBe(1);
    await page.locator(`tr[data-order="${order.id}"]`).waitFor();
    await shot(page, "admin-orders");
    await page.getByRole("link", { name: order.id }).click();
    for (const event of ["OrderPlaced", "OrderPriced", "StockReserved", "PaymentSucceeded", "OrderConfirmed"])
      await page.locator(`tr[data-event="${event}"]`).first().waitFor();
    expect(await page.locator('tr[data-event="PaymentSucceeded"]').first().textContent()).toContain(
      "payments",
    );
    await shot(page, "admin-order-history");
    await page.getByLabel("Reason for cancelling").fill("The customer asked us by phone.");
    await page.getByRole("button", { name: "Cancel order" }).click();
    await page.getByText("The order is cancelled.").waitFor();
    // The compensation runs in the saga: the page shows the order once orders has cancelled it.
    await expect
      .poll(
        reloaded(page, () => page.locator('section[data-order] [data-status="CANCELLED"]').count()),
        { timeout: 30_000 },
      )
      .toBe(1);
    await page.locator('tr[data-event="OrderCancelled"]').waitFor();
    expect((await customer.clients.orders.getOrder({ id: order.id })).order?.status).toBe(
      OrderStatus.CANCELLED,
    );

    // The audit log: the price change, with the product before and after.
    await go(page, "/admin/audit");
    const entry = page.locator(`tr[data-action="catalog.UpsertProduct"][data-target="${productId}"]`).first();
    // (The page's text, not a count: a failure then shows what the page said instead.)
    await expect
      .poll(
        reloaded(page, () => page.locator("main").textContent()),
        { timeout: 15_000 },
      )
      .toContain("catalog.UpsertProduct");
    // The newest change of the product is the price and picture saved above.
    expect(await entry.textContent()).toContain(imageUrl);
    await shot(page, "admin-audit");
    // Dead letters: one the broker left, inspected and redriven by hand.
    const eventId = await leaveDeadLetter(shop);
    await go(page, "/admin/dead-letters");
    const letterRow = page.locator("tr[data-letter]").filter({ hasText: "ProductChanged" });
    await expect
      .poll(
        reloaded(page, () => letterRow.count()),
        { timeout: 20_000 },
      )
      .toBe(1);
    expect(await letterRow.textContent()).toContain("400");
    await shot(page, "admin-dead-letters");
    await letterRow.getByRole("link", { name: "ProductChanged" }).click();
    await page.getByTestId("letter-data").waitFor();
    expect(await page.locator("pre.code").first().textContent()).toContain(eventId);
    await page.getByRole("button", { name: "Redrive now" }).click();
    await expect
      .poll(() => page.getByTestId("letter-state").textContent(), { timeout: 15_000 })
      .toBe("redriven");
    await shot(page, "admin-dead-letter");

    // Every admin action above is in the audit log, by the demo admin (the entries travel as events:
    // the last ones may still be on their way); and the log's only API reads.
    const done = [
      "catalog.UpsertProduct",
      "catalog.UploadProductImage",
      "inventory.SetStock",
      "promotions.CreatePromotion",
      "promotions.EndPromotion",
      "orders.CancelOrder",
      "redrive.RedriveDeadLetter",
    ];
    const audited = async () => (await admin.audit.listAuditEntries({ pageSize: 200 })).entries;
    await expect
      .poll(
        async () => {
          const entries = await audited();
          return done.filter((a) => !entries.some((e) => e.action === a));
        },
        { timeout: 20_000 },
      )
      .toEqual([]);
    expect(new Set((await audited()).map((e) => e.actorId))).toEqual(new Set([adminId]));
    expect(AuditService.methods.map((m) => m.name)).toEqual(["ListAuditEntries"]);

    await context.close();
    // The one refusal: the stale stock write.
    expectOnly(problems, /status of 409 \(Conflict\).*InventoryService\/SetStock/, 1);
  });

  it("refuses a customer's token on every admin page, with the shop's sentence", {
    timeout: 120_000,
  }, async () => {
    const problems: Problems = { console: [], offHost: [] };
    const context = await shopContext(browser, shop.url, problems);
    const page = await context.newPage();
    await logIn(page, customer.email, PASSWORD);
    expect(await page.getByRole("link", { name: "Admin", exact: true }).isVisible()).toBe(false);
    const pages = ["/admin", ...SECTIONS.map(([path]) => path)];
    // The order search (a customer may list their own orders) and the analytics and operations pages
    // check the role themselves, before asking the shop anything.
    const refusedInPage = ["/admin/orders", "/admin/analytics", "/admin/operations"];
    for (const route of pages) {
      await go(page, route);
      await expect
        .poll(() => page.locator("main").textContent(), { message: route })
        .toMatch(/Only an administrator may/);
      expect(await page.getByRole("alert").textContent(), route).toMatch(REFUSAL);
    }
    await shot(page, "admin-refused");
    await context.close();
    // Every other page was refused by the shop itself, once.
    expectOnly(problems, /status of 403 \(Forbidden\)/, pages.length - refusedInPage.length);
  });
});
