import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadManifests, parseDuration } from "./manifests.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function manifests(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "knative-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const broker = `
apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: shop
  namespace: shop
  annotations:
    eventing.knative.dev/broker.class: Kafka
    kafka.eventing.knative.dev/external.topic: shop.events
spec:
  delivery:
    retry: 5
    backoffPolicy: exponential
    backoffDelay: PT0.2S
    deadLetterSink:
      ref: { apiVersion: eventing.knative.dev/v1alpha1, kind: KafkaSink, name: shop-dlq }
---
apiVersion: eventing.knative.dev/v1alpha1
kind: KafkaSink
metadata: { name: shop-dlq, namespace: shop }
spec:
  topic: shop.events.dlq
  bootstrapServers: [kafka:9092]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: kafka-broker-config, namespace: knative-eventing }
data: { default.topic.partitions: "3" }
`;

const triggers = `
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: promotions-on-order-placed
  namespace: shop
  annotations:
    kafka.eventing.knative.dev/delivery.order: ordered
spec:
  broker: shop
  filters:
    - exact: { type: shop.orders.v1.OrderPlaced }
  subscriber:
    ref: { apiVersion: serving.knative.dev/v1, kind: Service, name: promotions }
  delivery:
    retry: 2
    backoffPolicy: linear
    backoffDelay: PT1.5S
    timeout: PT10S
---
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: { name: legacy, namespace: shop }
spec:
  broker: shop
  filter:
    attributes: { type: shop.catalog.v1.ProductChanged, source: "" }
  subscriber:
    uri: http://localhost:9999/events
`;

describe("loadManifests", () => {
  it("reads Brokers, KafkaSinks and Triggers from every multi-document YAML file", async () => {
    const dir = await manifests({
      "broker.yaml": broker,
      "triggers.yml": triggers,
      "notes.txt": "kind: Trigger",
    });
    const found = await loadManifests(dir);
    expect(found.brokers).toEqual([
      {
        name: "shop",
        namespace: "shop",
        topic: "shop.events",
        delivery: {
          retry: 5,
          backoffPolicy: "exponential",
          backoffDelayMs: 200,
          deadLetterSink: {
            ref: {
              apiVersion: "eventing.knative.dev/v1alpha1",
              kind: "KafkaSink",
              name: "shop-dlq",
              namespace: "shop",
            },
          },
        },
      },
    ]);
    expect(found.kafkaSinks).toEqual([{ name: "shop-dlq", namespace: "shop", topic: "shop.events.dlq" }]);
    expect(found.triggers).toEqual([
      {
        name: "promotions-on-order-placed",
        namespace: "shop",
        broker: "shop",
        filters: [{ exact: { type: "shop.orders.v1.OrderPlaced" } }],
        subscriber: {
          ref: {
            apiVersion: "serving.knative.dev/v1",
            kind: "Service",
            name: "promotions",
            namespace: "shop",
          },
        },
        delivery: { retry: 2, backoffPolicy: "linear", backoffDelayMs: 1500, timeoutMs: 10_000 },
        ordered: true,
      },
      {
        name: "legacy",
        namespace: "shop",
        broker: "shop",
        filters: [{ exact: { type: "shop.catalog.v1.ProductChanged" } }],
        subscriber: { uri: "http://localhost:9999/events" },
        delivery: {},
        ordered: false,
      },
    ]);
  });

  it("names a Broker's topic after it without the external topic annotation", async () => {
    const dir = await manifests({
      "b.yaml":
        "apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: { name: default, namespace: dev }\n",
    });
    expect((await loadManifests(dir)).brokers[0]?.topic).toBe("knative-broker-dev-default");
  });

  it("says which file and Trigger are wrong", async () => {
    const bad = triggers.replace("ordered\n", "sometimes\n");
    await expect(loadManifests(await manifests({ "t.yaml": bad }))).rejects.toThrow(
      /t\.yaml: Trigger shop\/promotions-on-order-placed: .*delivery.order must be ordered or unordered/,
    );
    const cesql = triggers.replace(
      "- exact: { type: shop.orders.v1.OrderPlaced }",
      "- cesql: \"type = 'x'\"",
    );
    await expect(loadManifests(await manifests({ "t.yaml": cesql }))).rejects.toThrow(
      /cesql .* not supported/,
    );
    await expect(loadManifests(await manifests({ "t.yaml": "a: [" }))).rejects.toThrow(/t\.yaml/);
  });
});

describe("parseDuration", () => {
  it.each([
    ["PT0.2S", 200],
    ["PT1S", 1000],
    ["PT2M", 120_000],
    ["PT1H30M", 5_400_000],
    ["P1D", 86_400_000],
    ["P1DT0.5S", 86_400_500],
  ])("%s is %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "P", "PT", "0.2S", "PT-1S", "1s"])("refuses %j", (text) => {
    expect(() => parseDuration(text)).toThrow(/ISO-8601/);
  });
});
