/**
 * The storefront in a real browser (Debian Chromium, headless, driven by playwright-core) against
 * the shop started as `pnpm start` starts it: embedded (PGlite, in-memory events), seeded, with the
 * storefront served by the gateway. Screenshots of the main pages land in test-output/screenshots.
 * The browser's network is the shop's host only: a request to any other host is refused and fails
 * the test, and so does any error in the browser's console.
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
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CODES, seedShop } from "../../tools/src/shop/seed.ts";
import { CHROMIUM, fillAddress, launchChromium, SCREENSHOTS } from "./browser.ts";

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const FINAL = [OrderStatus.CONFIRMED, OrderStatus.CANCELLED];

let dataDir: string;
let shop: Shop;
let browser: Browser;
/** Another customer, buying through the API: the one who uses the single-use coupon first. */
let rival: ShopClients;
const problems: string[] = [];
/** Requests a page made to a host other than the shop's: none may happen (they are refused, too). */
const offHost: string[] = [];

/** Places an order through the API and follows it to its final status. */
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

async function newContext(viewport: { width: number; height: number }): Promise<BrowserContext> {
  const phone = viewport.width < 600;
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: phone ? 2 : 1,
    isMobile: phone,
    hasTouch: phone,
    locale: "en-GB",
  });
  // Nothing leaves the machine: every request to another host is recorded and refused.
  const shopHost = new URL(shop.url).host;
  const elsewhere = (url: URL) => /^(https?|wss?):$/.test(url.protocol) && url.host !== shopHost;
  context.on("request", (request) => {
    if (elsewhere(new URL(request.url()))) offHost.push(`${request.method()} ${request.url()}`);
  });
  await context.route(elsewhere, (route) => route.abort("blockedbyclient"));
  context.on("page", watch);
  return context;
}

/**
 * Records what would show up in the browser's console as a problem: script errors, CSP refusals,
 * resources that failed to load (a missing picture, a refused request to another host).
 */
function watch(page: Page) {
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText ?? "";
    // Streams the page stops itself (WatchOrder when leaving an order, anything at context.close()).
    if (reason !== "net::ERR_ABORTED") problems.push(`request failed: ${request.url()} (${reason})`);
  });
}

/** The browser's console and network stayed clean: no errors, nothing asked of another host. */
function expectClean() {
  expect(problems).toEqual([]);
  expect(offHost).toEqual([]);
}

async function shot(page: Page, name: string) {
  const width = page.viewportSize()?.width ?? 0;
  // Notices fade after a few seconds; they would cover part of the page in the picture.
  await page.evaluate("document.getElementById('flash').replaceChildren()");
  await page.screenshot({
    path: join(SCREENSHOTS, `${width < 600 ? "phone" : "desktop"}-${name}.png`),
    fullPage: true,
    // Pictures fade in: the picture shows them as they end up.
    animations: "disabled",
  });
}

/** Goes to a route of the storefront (`/cart`, `/orders`…). */
async function go(page: Page, route: string) {
  await page.goto(`${shop.url}/#${route}`);
}

async function logIn(page: Page, email: string, password: string) {
  await page.getByRole("link", { name: "Log in" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("button", { name: "Log out" }).waitFor();
}

async function search(page: Page, words: string) {
  await page.getByRole("searchbox", { name: "Search products" }).fill(words);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("heading", { name: `Results for “${words}”` }).waitFor();
  await resultsShown(page);
}

/** Waits until the product grid has its answer. */
async function resultsShown(page: Page) {
  await page.locator(".grid .loading").waitFor({ state: "detached" });
}

async function addFromCard(page: Page, product: string) {
  await page.getByRole("button", { name: `Add ${product} to cart` }).click();
}

async function applyCode(page: Page, code: string) {
  await page.getByLabel("Promotion code or coupon").fill(code);
  await page.getByRole("button", { name: "Apply" }).click();
}

/** Clicks "Place order" and waits on the order page until the order is final; returns its status label. */
async function placeOrder(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Place order" }).click();
  await page.waitForURL(/#\/orders\/[0-9a-f-]+$/);
  const final = page.locator(
    '.order-status [data-status="CONFIRMED"], .order-status [data-status="CANCELLED"]',
  );
  await final.waitFor({ timeout: 30_000 });
  return (await final.textContent()) ?? "";
}

async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).textContent()) ?? "";
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run node tools/bin/ensure-system-packages.mjs`);
  await mkdir(SCREENSHOTS, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), "shop-storefront-"));
  // As `shop start` does it: embedded, the storefront as the gateway fallback, the demo data seeded
  // before the shop answers.
  shop = await startShop({
    dataDir,
    port: 0,
    logLevel: "error",
    fallback: storefront(),
    prepare: (url) => seedShop(url),
  });
  const email = `rival-${randomUUID().slice(0, 8)}@example.com`;
  await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
  rival = (await loginAs(shop.url, email, "correct horse battery")).clients;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the storefront", () => {
  it("serves the storefront with its security headers", async () => {
    const response = await fetch(`${shop.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toContain("<title>Shop</title>");
  });

  it("sells two products with a coupon to the demo admin, then refuses an exhausted coupon", async () => {
    const context = await newContext(DESKTOP);
    const page = await context.newPage();
    await page.goto(shop.url);
    await page.locator("article.card").first().waitFor();
    expect(await page.locator("article.card").count()).toBe(12);
    // The pictures are the shop's own, and they load.
    const pictures = page.locator("article.card .art img");
    expect(await pictures.count()).toBe(12);
    for (const src of await pictures.evaluateAll((imgs) => imgs.map((img) => img.getAttribute("src"))))
      expect(src).toMatch(new RegExp(`^${shop.url}/demo/products/[a-z-]+\\.svg$`));
    await page.locator("article.card .art img.loaded").first().waitFor();
    // (No DOM types in this tsconfig: the property is read in the browser.)
    const size = await pictures
      .first()
      .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    expect(size).toBe(400);
    await shot(page, "browse");

    await logIn(page, DEV_ADMIN.email, DEV_ADMIN.password);
    await search(page, "mug");
    const found = await page.locator("article.card h2").allTextContents();
    expect(found).toEqual(expect.arrayContaining(["Blue Mug", "Camping Mug"]));
    await addFromCard(page, "Blue Mug");
    await shot(page, "search");

    await page.getByRole("link", { name: "Camping Mug" }).click();
    await page.getByRole("heading", { name: "Camping Mug" }).waitFor();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect.poll(() => page.locator("#cart-count").textContent()).toBe("2");
    await shot(page, "product");

    await page.getByRole("link", { name: /^Cart/ }).click();
    await page.locator("li.line").nth(1).waitFor();
    expect(await text(page, "cart-subtotal")).toBe("€25.50");
    await shot(page, "cart");

    await page.getByRole("link", { name: "Checkout" }).click();
    await fillAddress(page);
    await applyCode(page, DEMO_CODES.percent);
    await page.getByText(`${DEMO_CODES.percent} applied`).waitFor();
    expect(await text(page, "subtotal")).toBe("€25.50");
    expect(await text(page, "discount")).toBe("−€2.55");
    // Standard delivery to Germany (4.90) is the first option.
    expect(await text(page, "shipping")).toBe("€4.90");
    expect(await text(page, "total")).toBe("€27.85");
    await shot(page, "checkout");

    expect(await placeOrder(page)).toBe("Confirmed");
    expect(await text(page, "order-total")).toBe("€27.85");
    await expect.poll(() => page.locator("#cart-count").textContent()).toBe("0");
    await shot(page, "order-confirmed");

    // The single-use coupon previews as valid here, then someone else uses it before this order is placed.
    await page.getByRole("link", { name: "Products" }).click();
    await search(page, "notebook");
    await addFromCard(page, "Notebook");
    await go(page, "/checkout");
    await fillAddress(page);
    await applyCode(page, DEMO_CODES.coupon);
    await page.getByText(`${DEMO_CODES.coupon} applied`).waitFor();
    const { products } = await rival.catalog.listProducts({ query: "notebook" });
    const used = await placeAndSettle(rival, products[0]!.id, DEMO_CODES.coupon);
    expect(used.status).toBe(OrderStatus.CONFIRMED);

    const rejection = `The coupon ${DEMO_CODES.coupon} has already been used.`;
    expect(await placeOrder(page)).toBe("Cancelled");
    expect(await text(page, "cancel-reason")).toBe(rejection);
    expect(await page.locator("#cart-count").textContent()).toBe("1");
    await shot(page, "order-cancelled");

    // Back at checkout, the preview now refuses the code with the same sentence.
    await page.getByRole("link", { name: "back to checkout" }).click();
    await applyCode(page, DEMO_CODES.coupon);
    await page.getByRole("alert").filter({ hasText: rejection }).waitFor();
    await shot(page, "checkout-refused");

    await go(page, "/orders");
    await page.locator("a.order-row").nth(1).waitFor();
    expect(await page.locator("a.order-row .status").allTextContents()).toEqual(["Cancelled", "Confirmed"]);
    await shot(page, "orders");
    await context.close();
    expectClean();
  });

  it("lets a new customer register and buy on a phone-sized screen", async () => {
    const context = await newContext(PHONE);
    const page = await context.newPage();
    await go(page, "/register");
    await shot(page, "register");
    await page.getByLabel("Email").fill(`phone-${randomUUID().slice(0, 8)}@example.com`);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("button", { name: "Log out" }).waitFor();
    await page.locator("article.card").first().waitFor();
    await shot(page, "browse");

    await page.getByRole("combobox", { name: "Category" }).selectOption("pantry");
    await page.getByRole("heading", { name: "Pantry" }).waitFor();
    await resultsShown(page);
    expect(await page.locator("article.card h2").allTextContents()).toEqual(
      expect.arrayContaining(["Green Tea", "Olive Oil"]),
    );
    await addFromCard(page, "Green Tea");
    await page.getByRole("link", { name: "Olive Oil" }).click();
    await page.getByRole("heading", { name: "Olive Oil" }).waitFor();
    await page.getByLabel("Quantity").fill("2");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect.poll(() => page.locator("#cart-count").textContent()).toBe("3");
    await shot(page, "product");

    await go(page, "/cart");
    await page.locator("li.line").nth(1).waitFor();
    expect(await text(page, "cart-subtotal")).toBe("€44.00");
    await shot(page, "cart");

    await page.getByRole("link", { name: "Checkout" }).click();
    await fillAddress(page);
    await applyCode(page, DEMO_CODES.fixed);
    await page.getByText(`${DEMO_CODES.fixed} applied`).waitFor();
    // 5 EUR off, plus the automatic 5% off pantry products (2.20), plus standard delivery (4.90).
    expect(await text(page, "total")).toBe("€41.70");
    await shot(page, "checkout");

    expect(await placeOrder(page)).toBe("Confirmed");
    await shot(page, "order-confirmed");
    await go(page, "/orders");
    await page.locator("a.order-row").first().waitFor();
    await shot(page, "orders");
    await context.close();
    expectClean();
  });

  it("keeps a cart filled as a guest at login, and shows it on the customer's other devices", async () => {
    const email = `guest-${randomUUID().slice(0, 8)}@example.com`;
    await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
    const phone = await newContext(PHONE);
    const page = await phone.newPage();
    await page.goto(shop.url);
    await search(page, "honey");
    await addFromCard(page, "Wildflower Honey");
    await expect.poll(() => page.locator("#cart-count").textContent()).toBe("1");
    await go(page, "/cart");
    await page.locator('li.line[data-product="Wildflower Honey"]').waitFor();
    const subtotal = await text(page, "cart-subtotal");
    // The guest cart's id is all this browser keeps; the lines are the shop's.
    expect(await page.evaluate("localStorage.getItem('shop.cartId')")).toMatch(/^[A-Za-z0-9_-]{22}$/);

    await logIn(page, email, "correct horse battery");
    await go(page, "/cart");
    await page.locator('li.line[data-product="Wildflower Honey"]').waitFor();
    expect(await text(page, "cart-subtotal")).toBe(subtotal);
    expect(await page.locator("#cart-count").textContent()).toBe("1");
    expect(await page.evaluate("localStorage.getItem('shop.cartId')")).toBeNull();
    await shot(page, "cart-merged");

    const desktop = await newContext(DESKTOP);
    const other = await desktop.newPage();
    await other.goto(shop.url);
    await logIn(other, email, "correct horse battery");
    await expect.poll(() => other.locator("#cart-count").textContent()).toBe("1");
    await go(other, "/cart");
    await other.locator('li.line[data-product="Wildflower Honey"]').waitFor();
    expect(await text(other, "cart-subtotal")).toBe(subtotal);
    await phone.close();
    await desktop.close();
    expectClean();
  });

  it("refreshes an expired access token, and shows a failed payment as a sentence", async () => {
    const context = await newContext(DESKTOP);
    const page = await context.newPage();
    await page.goto(shop.url);
    await logIn(page, DEV_ADMIN.email, DEV_ADMIN.password);
    const session = "JSON.parse(sessionStorage.getItem('shop.session'))";
    const before = (await page.evaluate(session)) as { refreshToken: string };
    await page.evaluate(
      `sessionStorage.setItem('shop.session', JSON.stringify({ ...${session}, accessExpiresAt: 0 }))`,
    );
    await go(page, "/orders");
    await page.locator("a.order-row").first().waitFor();
    // Refresh tokens rotate: a new one shows that the storefront exchanged the old one.
    const after = (await page.evaluate(session)) as { refreshToken: string; accessExpiresAt: number };
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessExpiresAt).toBeGreaterThan(Date.now());

    await page.getByRole("link", { name: "Products" }).click();
    await search(page, "honey");
    await addFromCard(page, "Wildflower Honey");
    await go(page, "/checkout");
    await fillAddress(page);
    await page.getByLabel(/Declined test card/).check();
    expect(await placeOrder(page)).toBe("Cancelled");
    expect(await text(page, "cancel-reason")).toMatch(/^[A-Z].*\.$/);
    await context.close();
    expectClean();
  });
});
