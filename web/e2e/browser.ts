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

/** A desktop-sized context that refuses (and records) every request to a host but `shopUrl`'s. */
export async function shopContext(
  browser: Browser,
  shopUrl: string,
  problems: Problems,
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
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
