/**
 * The browser side of the storefront's e2e tests: Debian Chromium driven by playwright-core, a
 * context whose network is the shop's host only, and a record of everything the browser's console
 * would show as a problem (script errors, failed loads, refused requests).
 */
import { join } from "node:path";
import { repoRoot } from "@shop/platform";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
/** Where the screenshots go (gitignored: test-output/). */
export const SCREENSHOTS = join(repoRoot, "test-output", "screenshots");

/** Starts headless Chromium as the e2e tests run it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** What went wrong in the browser: console errors and requests to other hosts. */
export interface Problems {
  console: string[];
  offHost: string[];
}

/** The sizes the e2e tests look at the storefront in. */
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/**
 * A context (desktop-sized unless `viewport` says otherwise; a phone below 600 px wide) that refuses
 * (and records) every request to a host but `shopUrl`'s.
 */
export async function shopContext(
  browser: Browser,
  shopUrl: string,
  problems: Problems,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<BrowserContext> {
  const phone = viewport.width < 600;
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: phone ? 2 : 1,
    isMobile: phone,
    hasTouch: phone,
    locale: "en-GB",
  });
  const shopHost = new URL(shopUrl).host;
  const elsewhere = (url: URL) => /^(https?|wss?):$/.test(url.protocol) && url.host !== shopHost;
  context.on("request", (request) => {
    if (elsewhere(new URL(request.url()))) problems.offHost.push(`${request.method()} ${request.url()}`);
  });
  await context.route(elsewhere, (route) => route.abort("blockedbyclient"));
  context.on("page", (page) => watch(page, problems.console));
  return context;
}

function watch(page: Page, problems: string[]) {
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText ?? "";
    // Requests the page stops itself (a poll in flight when the page is left).
    if (reason !== "net::ERR_ABORTED") problems.push(`request failed: ${request.url()} (${reason})`);
  });
}

/** Saves a full-page screenshot as test-output/screenshots/desktop-<name>.png. */
export async function shot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOTS, `desktop-${name}.png`);
  await page.evaluate("document.getElementById('flash').replaceChildren()");
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  return path;
}

/** A shipping address as checkout's form asks for it; `country` is the name the select shows. */
export interface TestAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postcode: string;
  country: string;
}

/** The address checkout is filled in with unless a test says otherwise. */
export const HOME: TestAddress = {
  name: "Erika Mustermann",
  line1: "Heidestraße 17",
  city: "Köln",
  postcode: "51147",
  country: "Germany",
};

/** Fills in checkout's shipping address (the options for its country are then asked for). */
export async function fillAddress(page: Page, address: TestAddress = HOME): Promise<void> {
  await page.getByLabel("Full name").fill(address.name);
  await page.getByLabel("Street and number").fill(address.line1);
  await page.getByLabel(/^Flat, floor, company/).fill(address.line2 ?? "");
  await page.getByLabel("Postcode").fill(address.postcode);
  await page.getByLabel("City").fill(address.city);
  await page.getByLabel("Country").selectOption({ label: address.country });
  // The options for the country are there (the first one is chosen).
  await page.locator("input[name=shipping]:checked").waitFor();
}
