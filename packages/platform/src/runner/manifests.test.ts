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

const kafkaSource = `
apiVersion: sources.knative.dev/v1beta1
kind: KafkaSource
metadata: { name: redrive-dead-letters, namespace: shop }
spec:
  consumerGroup: redrive
  bootstrapServers: [kafka:9092]
  topics: [shop.events.dlq]
  initialOffset: earliest
  delivery:
    retry: 12
    backoffPolicy: exponential
    backoffDelay: PT1S
  sink:
    ref: { apiVersion: serving.knative.dev/v1, kind: Service, name: redrive }
---
apiVersion: sources.knative.dev/v1beta1
kind: KafkaSource
metadata: { name: defaults, namespace: shop }
spec:
  topics: [a, b]
  ordering: unordered
  sink: { uri: http://localhost:9999/ }
---
apiVersion: sources.knative.dev/v1
kind: PingSource
metadata: { name: tick, namespace: shop }
spec: { schedule: "* * * * *", sink: { uri: http://localhost:9999/ } }
`;

describe("loadManifests of KafkaSources", () => {
  it("reads topics, consumer group, initial offset, ordering, sink and delivery, with Knative's defaults", async () => {
    const { kafkaSources, triggers: none } = await loadManifests(await manifests({ "s.yaml": kafkaSource }));
    expect(none).toEqual([]);
    expect(kafkaSources).toEqual([
      {
        name: "redrive-dead-letters",
        namespace: "shop",
        topics: ["shop.events.dlq"],
        consumerGroup: "redrive",
        initialOffset: "earliest",
        ordered: true,
        sink: {
          ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "redrive", namespace: "shop" },
        },
        delivery: { retry: 12, backoffPolicy: "exponential", backoffDelayMs: 1000 },
      },
      {
        name: "defaults",
        namespace: "shop",
        topics: ["a", "b"],
        consumerGroup: "knative-kafka-source-shop-defaults",
        initialOffset: "latest",
        ordered: false,
        sink: { uri: "http://localhost:9999/" },
        delivery: {},
      },
    ]);
  });

  it("says what is wrong with one", async () => {
    const noTopics = kafkaSource.replace("topics: [shop.events.dlq]", "topics: []");
    await expect(loadManifests(await manifests({ "s.yaml": noTopics }))).rejects.toThrow(
      /KafkaSource shop\/redrive-dead-letters: spec.topics must name at least one topic/,
    );
    const offset = kafkaSource.replace("initialOffset: earliest", "initialOffset: oldest");
    await expect(loadManifests(await manifests({ "s.yaml": offset }))).rejects.toThrow(/initialOffset/);
    const noSink = kafkaSource.replace("  sink: { uri: http://localhost:9999/ }\n---", "---");
    await expect(loadManifests(await manifests({ "s.yaml": noSink }))).rejects.toThrow(/spec.sink needs/);
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
