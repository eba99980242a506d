/**
 * The pages behind the shop's emailed links, at desktop and phone widths, in Debian Chromium against
 * the embedded shop: the welcome mail's verification link confirms the address (once), and "Forgot
 * password?" on the login page leads to a reset mail whose link sets a new password (once). The links
 * are read from the mail notifications really sent, as the dev mail catcher shows it at /dev/mail.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loginAs, type Shop, shopClients, startShop, storefront } from "@shop/platform";
import { waitFor } from "@shop/runtime/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHROMIUM,
  DESKTOP,
  launchChromium,
  PHONE,
  type Problems,
  SCREENSHOTS,
  shopContext,
} from "./browser.ts";

let dataDir: string;
let shop: Shop;
let browser: Browser;
const problems: Problems = { console: [], offHost: [] };

/** The link to `path` (#/verify or #/reset) in the newest mail to `email` that has one. */
async function linkInMail(email: string, path: "verify" | "reset"): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"<>]*#/${path}\\?token=[A-Za-z0-9_%-]+`);
  return waitFor(
    async () => {
      const { messages: mail } = (await (await fetch(`${shop.url}/dev/mail/api`)).json()) as {
        messages: { to: string[]; text: string }[];
      };
      const link = mail.filter((m) => m.to.includes(email)).flatMap((m) => pattern.exec(m.text) ?? [])[0];
      // The mail links to the shop's public URL; this test's shop listens on its own port.
      return link ? `${shop.url}/${link.slice(link.indexOf("#/"))}` : undefined;
    },
    { message: `a mail to ${email} with its ${path} link`, timeoutMs: 30_000 },
  );
}

async function shot(page: Page, width: string, name: string) {
  await page.screenshot({
    path: join(SCREENSHOTS, `${width}-${name}.png`),
    fullPage: true,
    animations: "disabled",
  });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run node tools/bin/ensure-system-packages.mjs`);
  await mkdir(SCREENSHOTS, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), "shop-email-links-"));
  shop = await startShop({ dataDir, port: 0, logLevel: "error", fallback: storefront(), mailCatcher: true });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe.each([
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const)("emailed links in the storefront (%s)", (width, viewport) => {
  it("confirms an address from the welcome mail's link, once, and shows it unconfirmed until then", {
    timeout: 120_000,
  }, async () => {
    const email = `vera-${randomUUID().slice(0, 8)}@example.com`;
    const context = await shopContext(browser, shop.url, problems, viewport);
    const page = await context.newPage();
    await page.goto(`${shop.url}/#/register`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("email not verified").waitFor();
    await shot(page, width, "unverified");

    const link = await linkInMail(email, "verify");
    await page.goto(`${shop.url}/dev/mail`);
    await page.getByRole("heading", { name: "Caught mail" }).waitFor();
    await page
      .getByText(/^Welcome to Shop/)
      .first()
      .waitFor();
    await shot(page, width, "dev-mail");
    await page.goto(link);
    await page.getByText(`Thank you: ${email} is confirmed.`).waitFor();
    await shot(page, width, "verify");
    await expect(page.getByText("email not verified").count()).resolves.toBe(0);

    await page.goto(`${shop.url}/#/`);
    await page.goto(link);
    await page.getByRole("alert").filter({ hasText: "This verification link was already used." }).waitFor();
    await context.close();
    console.log(JSON.stringify(problems));
    expect(problems).toEqual({ console: [], offHost: [] });
  });

  it("resets a forgotten password from the reset mail's link, and the link works once", {
    timeout: 120_000,
  }, async () => {
    const email = `rosa-${randomUUID().slice(0, 8)}@example.com`;
    await shopClients(shop.url).identity.register({ email, password: "old password 1" });
    const context = await shopContext(browser, shop.url, problems, viewport);
    const page = await context.newPage();
    await page.goto(`${shop.url}/#/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await expect(page.getByLabel("Email").inputValue()).resolves.toBe(email);
    await page.getByRole("button", { name: "Email me a link" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();

    const link = await linkInMail(email, "reset");
    await page.goto(link);
    await page.getByLabel("New password").fill("new password 2");
    await shot(page, width, "reset");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.waitForURL(/#\/login$/);
    await loginAs(shop.url, email, "new password 2");

    await page.goto(link);
    await page.getByLabel("New password").fill("third password 3");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "This password reset link was already used or replaced by a newer one." })
      .waitFor();
    await context.close();
    expect(problems).toEqual({ console: [], offHost: [] });
  });
});
