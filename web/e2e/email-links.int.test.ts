/**
 * The pages behind identity's emailed links, on a phone, in Debian Chromium against the embedded shop:
 * the verification link confirms the address (once), and "Forgot password?" on the login page leads
 * to a reset link whose page sets a new password. The links' tokens are taken from the events as
 * notifications gets them, opened with the local Transit key as notifications opens them.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMessage } from "@bufbuild/protobuf";
import { loginAs, type Shop, shopClients, startShop, storefront } from "@shop/platform";
import { envSecretStore, openNotificationToken } from "@shop/runtime";
import { publishedEvents, waitFor } from "@shop/runtime/testing";
import { PasswordResetRequestedSchema, UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium, type Problems, SCREENSHOTS } from "./browser.ts";

let dataDir: string;
let shop: Shop;
let browser: Browser;
const problems: Problems = { console: [], offHost: [] };

/** The plain token of the newest link event for `email` of `kind`, as notifications would mail it. */
async function linkToken(email: string, kind: "verify" | "reset"): Promise<string> {
  const identity = shop.functions.identity;
  if (!identity) throw new Error("the shop has no identity");
  const link = await waitFor(async () => {
    const links = (await publishedEvents(identity)).flatMap(({ message: m }) => {
      if (kind === "verify" && isMessage(m, UserRegisteredSchema) && m.email === email)
        return [{ sealed: m.sealedVerificationToken, userId: m.userId }];
      if (kind === "reset" && isMessage(m, PasswordResetRequestedSchema) && m.email === email)
        return [{ sealed: m.sealedResetToken, userId: m.userId }];
      return [];
    });
    return links.at(-1);
  });
  return openNotificationToken(envSecretStore({}), link.sealed, link.userId);
}

async function phone(): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "en-GB",
  });
  const shopHost = new URL(shop.url).host;
  const elsewhere = (url: URL) => /^(https?|wss?):$/.test(url.protocol) && url.host !== shopHost;
  context.on("request", (r) => void (elsewhere(new URL(r.url())) && problems.offHost.push(r.url())));
  await context.route(elsewhere, (route) => route.abort("blockedbyclient"));
  context.on("page", (page) => {
    page.on("pageerror", (error) => problems.console.push(`page error: ${error.message}`));
  });
  return context;
}

async function shot(page: Page, name: string) {
  await page.screenshot({
    path: join(SCREENSHOTS, `phone-${name}.png`),
    fullPage: true,
    animations: "disabled",
  });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run node tools/bin/ensure-system-packages.mjs`);
  await mkdir(SCREENSHOTS, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), "shop-email-links-"));
  shop = await startShop({ dataDir, port: 0, logLevel: "error", fallback: storefront() });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("emailed links in the storefront", { timeout: 120_000 }, () => {
  it("confirms an address from its link, once, and shows it unconfirmed until then", async () => {
    const email = `vera-${randomUUID().slice(0, 8)}@example.com`;
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${shop.url}/#/register`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("email not verified").waitFor();
    await shot(page, "unverified");

    const token = await linkToken(email, "verify");
    await page.goto(`${shop.url}/#/verify?token=${encodeURIComponent(token)}`);
    await page.getByText(`Thank you: ${email} is confirmed.`).waitFor();
    await shot(page, "verify");
    await expect(page.getByText("email not verified").count()).resolves.toBe(0);

    await page.goto(`${shop.url}/#/`);
    await page.goto(`${shop.url}/#/verify?token=${encodeURIComponent(token)}`);
    await page.getByRole("alert").filter({ hasText: "This verification link was already used." }).waitFor();
    await context.close();
    expect(problems).toEqual({ console: [], offHost: [] });
  });

  it("resets a forgotten password from the login page's link, and the link works once", async () => {
    const email = `rosa-${randomUUID().slice(0, 8)}@example.com`;
    await shopClients(shop.url).identity.register({ email, password: "old password 1" });
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${shop.url}/#/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await expect(page.getByLabel("Email").inputValue()).resolves.toBe(email);
    await page.getByRole("button", { name: "Email me a link" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();

    const token = await linkToken(email, "reset");
    await page.goto(`${shop.url}/#/reset?token=${encodeURIComponent(token)}`);
    await page.getByLabel("New password").fill("new password 2");
    await shot(page, "reset");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.waitForURL(/#\/login$/);
    await loginAs(shop.url, email, "new password 2");

    await page.goto(`${shop.url}/#/reset?token=${encodeURIComponent(token)}`);
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
