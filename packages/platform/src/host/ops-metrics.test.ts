/**
 * `GET /ops/metrics` of the embedded shop: admins only, and what it serves is one exposition that
 * Prometheus' own checker (promtool, Debian's prometheus package) reads, with every function in it.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAs, shopClients } from "../clients.ts";
import { DEV_ADMIN, functionNames } from "../functions.ts";
import { type Shop, startShop } from "./start-shop.ts";

let shop: Shop;

beforeAll(async () => {
  shop = await startShop({ logLevel: "silent" });
});

afterAll(async () => {
  await shop?.close();
});

const get = (token?: string) =>
  fetch(`${shop.url}/ops/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe("GET /ops/metrics", () => {
  it("refuses anyone but an admin: 401 without or with a bad token, 403 for a customer", async () => {
    expect((await get()).status).toBe(401);
    expect((await get("not-a-token")).status).toBe(401);
    const email = `ops-${randomUUID().slice(0, 8)}@example.com`;
    await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
    const customer = await loginAs(shop.url, email, "correct horse battery");
    const refused = await get(customer.tokens.accessToken);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe("Only an administrator may see this.");
  });

  it("answers 404 for any other /ops/ path", async () => {
    const answer = await fetch(`${shop.url}/ops/nothing-here`);
    expect(answer.status).toBe(404);
    expect(await answer.text()).toBe("This shop does not serve that.");
  });

  it("serves every function's metrics to an admin as one valid exposition", async () => {
    const admin = await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password);
    const answer = await get(admin.tokens.accessToken);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await answer.text();
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    // promtool exits 1 for naming advice too; a text it cannot parse it reports as an error.
    expect(check.stderr).not.toMatch(/error while linting|text format parsing error/i);
    expect(text.match(/^# TYPE shop_http_requests_total /gm)).toHaveLength(1);
    for (const name of functionNames) {
      expect(text).toContain(`shop_ops_function_up{function="${name}"} 1`);
      expect(text).toMatch(new RegExp(`^shop_outbox_published_total\\{function="${name}"\\} \\d`, "m"));
    }
  });
});
