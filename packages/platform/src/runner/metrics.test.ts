/**
 * The runner's metrics after real deliveries over the in-memory log: a delivery tried again counts
 * as a redelivery of its Trigger, and records a subscriber has not taken yet show as its consumer
 * lag until it takes them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryLog, type EventLog } from "@shop/runtime";
import { sampleValue, testEventIssuer, waitFor } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Runner, startRunner } from "./runner.ts";

const quiet = { info() {}, warn() {}, error() {} };

const manifests = `apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: { name: shop, namespace: shop }
spec:
  delivery: { retry: 3, backoffPolicy: exponential, backoffDelay: PT0.01S }
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: orders-paid, namespace: shop }
spec:
  broker: shop
  filters: [{ exact: { type: paid } }]
  subscriber: { ref: { apiVersion: serving.knative.dev/v1, kind: Service, name: orders } }
`;

describe("the runner's /metrics", () => {
  let log: EventLog;
  let runner: Runner;
  let subscriber: Server;
  let dir: string;
  let failures = 0;
  const held: (() => void)[] = [];

  beforeAll(async () => {
    subscriber = createServer((req, res) => {
      req.resume();
      const id = String(req.headers["ce-id"]);
      if (id.startsWith("fail-") && failures-- > 0) return void res.writeHead(503).end("not yet");
      // Held ones wait for the test to let them through: what a stuck subscriber looks like.
      if (id.startsWith("hold-")) return void held.push(() => res.writeHead(200).end());
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => subscriber.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/`;
    dir = await mkdtemp(join(tmpdir(), "knative-metrics-"));
    await writeFile(join(dir, "shop.yaml"), manifests);
    log = createMemoryLog({});
    runner = await startRunner({
      log,
      knativeDir: dir,
      topicOverride: "shop.events",
      resolveSubscriber: () => url,
      tokens: await testEventIssuer(),
      logger: quiet,
    });
  });

  afterAll(async () => {
    for (const release of held.splice(0)) release();
    await runner?.close();
    await log?.close();
    subscriber?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const scrape = () => runner.metrics.registry.metrics();
  const publish = (id: string) =>
    log.publish("shop.events", [
      {
        key: id,
        value: new Uint8Array(),
        headers: { ce_specversion: "1.0", ce_id: id, ce_source: "/t", ce_type: "paid" },
      },
    ]);

  it("starts every Trigger at zero redeliveries and zero lag", async () => {
    const text = await scrape();
    expect(sampleValue(text, "shop_redeliveries_total", { trigger: "orders-paid", function: "runner" })).toBe(
      0,
    );
    expect(text).toMatch(/shop_redeliveries_total\{trigger="orders-paid",function="runner"\} 0/);
    expect(sampleValue(text, "shop_consumer_lag", { trigger: "orders-paid" })).toBe(0);
  });

  it("counts each retry of a delivery as a redelivery of its Trigger", async () => {
    failures = 2;
    await publish("fail-1");
    await waitFor(
      async () => sampleValue(await scrape(), "shop_redeliveries_total", { trigger: "orders-paid" }) === 2,
      {
        message: "two redeliveries",
      },
    );
    await waitFor(
      async () => sampleValue(await scrape(), "shop_consumer_lag", { trigger: "orders-paid" }) === 0,
      {
        message: "the event delivered",
      },
    );
  });

  it("shows the records a stuck subscriber has not taken as lag, until it takes them", async () => {
    await publish("hold-1");
    await waitFor(() => held.length === 1, { message: "the held delivery" });
    const lag = async () => sampleValue(await scrape(), "shop_consumer_lag", { trigger: "orders-paid" });
    expect(await lag()).toBe(1);
    for (const release of held.splice(0)) release();
    await waitFor(async () => (await lag()) === 0, { message: "no lag once delivered" });
  });
});
