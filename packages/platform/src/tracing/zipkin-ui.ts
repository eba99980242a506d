/**
 * Zipkin's own UI for one trace, in Debian's Chromium (as the storefront's browser test runs it), saved
 * as a screenshot beside the storefront's: what a developer sees of one order.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { repoRoot } from "../paths.ts";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = join(repoRoot, "test-output", "screenshots");

/**
 * Opens `${zipkinUrl}/zipkin/traces/<traceId>`, waits until it shows every one of `services`, and
 * saves a full-page screenshot as `name`.png; resolves with its path and the page's text.
 */
export async function screenshotTrace(zipkinUrl: string, traceId: string, services: string[], name: string) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
    ],
  });
  try {
    // Tall enough for every span row of an order's trace: Zipkin's trace view renders only the rows
    // in view, and an order now crosses a dozen functions.
    const page = await browser.newPage({ viewport: { width: 1600, height: 6000 } });
    await page.goto(`${zipkinUrl}/zipkin/traces/${traceId}`);
    for (const service of services) {
      await page.getByText(service, { exact: false }).first().waitFor({ timeout: 20_000 });
    }
    const path = join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path, fullPage: true, animations: "disabled" });
    return { path, text: (await page.textContent("body")) ?? "" };
  } finally {
    await browser.close();
  }
}
