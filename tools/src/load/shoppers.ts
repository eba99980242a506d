/**
 * Simulated shoppers driving the Connect endpoints the way the storefront does: browse a category,
 * search, view products, log in, place orders (some with a coupon) and follow each order with
 * WatchOrder to its final state. Bounded by duration and by a request budget; loopback only.
 */

import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { DEV_ADMIN, loginAs, type ShopClients, shopClients } from "@shop/platform";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { seedDemo } from "../shop/seed.ts";
import { Stats } from "./stats.ts";

export interface LoadOptions {
  /** The shop's gateway; must be on this machine. */
  url: string;
  /** Closed model: this many shoppers, each starting a new visit when the last ends. */
  users?: number;
  /** Open model: visits started per second (instead of `users`). */
  rate?: number;
  durationS: number;
  /** Mean think time between a shopper's steps (ms; exponential). */
  thinkMs: number;
  /** Share of visits that end in an order (0..1). */
  buyShare?: number;
  /** Share of orders that carry a coupon. */
  couponShare?: number;
  /** Stop starting requests after this many. */
  maxRequests?: number;
  /** Most visits in flight (open model). */
  maxInFlight?: number;
  /** Called once a second with the stats so far. */
  onTick?: (stats: Stats, elapsedS: number) => void;
}

/** What a run measured. */
export interface LoadResult {
  stats: Stats;
  elapsedS: number;
  orders: number;
  finals: { confirmed: number; cancelled: number };
}

const FINAL = [OrderStatus.CONFIRMED, OrderStatus.CANCELLED];
const COUPONS = ["WELCOME10", "FIVEOFF", "ONETIME-2026"];
const QUERIES = ["mug", "tea", "coffee", "lamp", "pen", "scarf", "yoga", "honey", "nothing-matches"];

/** Refuses anything but a loopback URL: this tool must never load someone else's server. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) {
    throw new Error(`the load generator only targets this machine (127.0.0.1, localhost, ::1), not ${host}`);
  }
}

/** Seeds the demo catalog if empty and registers `count` shoppers; returns their clients. */
export async function prepare(
  url: string,
  count: number,
): Promise<{ shoppers: ShopClients[]; products: string[] }> {
  const admin = (await loginAs(url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
  await seedDemo(admin, { origin: new URL(url).origin });
  // Plenty of stock, so orders mostly succeed and measure the pipeline rather than rejections.
  const { products } = await admin.catalog.listProducts({ pageSize: 100 });
  for (const p of products) await admin.inventory.setStock({ productId: p.id, available: 1_000_000 });
  const shoppers: ShopClients[] = [];
  for (let i = 0; i < count; i++) {
    const email = `load-${i}-${randomUUID().slice(0, 8)}@example.com`;
    await shopClients(url).identity.register({ email, password: "correct horse battery" });
    shoppers.push((await loginAs(url, email, "correct horse battery")).clients);
  }
  return { shoppers, products: products.map((p) => p.id) };
}

/** Runs the load and returns what it measured. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  assertLoopback(options.url);
  const stats = new Stats();
  const users = options.users ?? 10;
  const { shoppers, products } = await prepare(options.url, Math.min(users, 50));
  const anonymous = shopClients(options.url);
  const started = performance.now();
  const deadline = started + options.durationS * 1000;
  const budget = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const finals = { confirmed: 0, cancelled: 0 };
  let orders = 0;
  const open = () => performance.now() < deadline && stats.requests < budget;

  async function call<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (!open()) return undefined;
    stats.requests++;
    const t0 = performance.now();
    try {
      const result = await fn();
      stats.record(name, performance.now() - t0);
      return result;
    } catch (error) {
      stats.error(name, Code[ConnectError.from(error).code] ?? "unknown");
      return undefined;
    }
  }
  const think = () =>
    new Promise((resolve) => setTimeout(resolve, -Math.log(1 - Math.random()) * options.thinkMs));
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;

  async function visit(n: number) {
    const category = pick(["kitchen", "pantry", "home", "office", "accessories", "outdoors", "fitness"]);
    await call("ListProducts (browse)", () => anonymous.catalog.listProducts({ category, pageSize: 12 }));
    await think();
    await call("ListProducts (search)", () =>
      anonymous.catalog.listProducts({ query: pick(QUERIES), pageSize: 12 }),
    );
    await think();
    const viewed = pick(products);
    await call("GetProduct", () => anonymous.catalog.getProduct({ id: viewed }));
    await think();
    if (Math.random() >= (options.buyShare ?? 0.5)) return;
    const me = shoppers[n % shoppers.length]!;
    // A returning shopper logs in again (the storefront would refresh; Login exercises scrypt).
    if (n % 10 === 0)
      await call("Login", () =>
        shopClients(options.url)
          .identity.login({ email: "nobody@example.com", password: "wrong" })
          .catch((e) => {
            if (ConnectError.from(e).code === Code.Unauthenticated) return undefined;
            throw e;
          }),
      );
    const coupon = Math.random() < (options.couponShare ?? 0.2) ? pick(COUPONS) : "";
    const placedAt = performance.now();
    const placed = await call("PlaceOrder", () =>
      me.orders.placeOrder({
        lines: [{ productId: viewed, quantity: 1 + (n % 2) }],
        couponCode: coupon,
        paymentToken: "tok_visa",
        idempotencyKey: randomUUID(),
      }),
    );
    const id = placed?.order?.id;
    if (!id) return;
    orders++;
    // Followed until final even after the deadline: every placed order's latency is measured.
    try {
      // A signal, not timeoutMs: connect-node keeps a timeoutMs deadline timer alive after the loop
      // breaks out of the stream, and those timers kept the process from exiting for two minutes.
      for await (const { order } of me.orders.watchOrder({ id }, { signal: AbortSignal.timeout(120_000) })) {
        if (order && FINAL.includes(order.status)) {
          stats.record("order placed → final (WatchOrder)", performance.now() - placedAt);
          if (order.status === OrderStatus.CONFIRMED) finals.confirmed++;
          else finals.cancelled++;
          break;
        }
      }
    } catch (error) {
      stats.error("WatchOrder", Code[ConnectError.from(error).code] ?? "unknown");
    }
  }

  const ticker = setInterval(() => options.onTick?.(stats, (performance.now() - started) / 1000), 1000);
  try {
    let visits = 0;
    if (options.rate) {
      // Open model: visits arrive at a fixed rate, however slow the shop is (up to maxInFlight).
      const inFlight = new Set<Promise<void>>();
      const interval = 1000 / options.rate;
      let next = performance.now();
      while (open()) {
        if (inFlight.size < (options.maxInFlight ?? 1000)) {
          const p = visit(visits++).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        next += interval;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
      }
      await Promise.all(inFlight);
    } else {
      await Promise.all(
        Array.from({ length: users }, async () => {
          while (open()) await visit(visits++);
        }),
      );
    }
  } finally {
    clearInterval(ticker);
  }
  return { stats, elapsedS: (performance.now() - started) / 1000, orders, finals };
}
