/**
 * knative/ is the single source of truth for event wiring: every function's subscriptions list and
 * its Triggers must name the same event types, and every Trigger must reach an existing function.
 * And the list of functions is complete: every folder under functions/ is in it.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { functionNames, shopFunctions } from "./functions.ts";
import { knativeDir, repoRoot } from "./paths.ts";
import { loadManifests } from "./runner/manifests.ts";

const manifests = await loadManifests(knativeDir);

type Filters = (typeof manifests.triggers)[number]["filters"];

/** The event types a Trigger selects: exact `type` filters, alone or any of several. */
function triggerTypes(filters: Filters): string[] {
  return filters.flatMap((filter) => {
    if ("exact" in filter) return filter.exact.type ? [filter.exact.type] : [];
    if ("any" in filter) return triggerTypes(filter.any);
    return [];
  });
}

describe("event wiring", () => {
  it.each(shopFunctions.map((definition) => [definition.name, definition] as const))(
    "%s: subscriptions.ts and its Triggers in knative/ agree",
    (name, definition) => {
      const subscribed = (definition.subscriptions ?? []).map((s) => s.schema.typeName).sort();
      const triggered = manifests.triggers
        .filter((t) => t.subscriber.ref?.name === name)
        .flatMap((t) => triggerTypes(t.filters))
        .sort();
      // A function that reads the Broker's topic through a KafkaSource of its own (analytics, as an
      // external consumer would) gets every event from it: it has no Trigger to agree with.
      const brokerTopics = new Set(manifests.brokers.map((b) => b.topic));
      const readsTopic = manifests.kafkaSources.some(
        (source) => source.sink.ref?.name === name && source.topics.some((topic) => brokerTopics.has(topic)),
      );
      expect(triggered).toEqual(readsTopic ? [] : subscribed);
    },
  );

  it("every Trigger belongs to the Broker shop and reaches a function", () => {
    const names = new Set(functionNames);
    for (const trigger of manifests.triggers) {
      expect(trigger.broker, trigger.name).toBe("shop");
      expect(
        names.has(trigger.subscriber.ref?.name ?? ""),
        `${trigger.name} → ${trigger.subscriber.ref?.name}`,
      ).toBe(true);
    }
  });

  it("every folder under functions/ is in the list of functions, by its own name", () => {
    const folders = readdirSync(join(repoRoot, "functions"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect([...functionNames]).toEqual(folders);
  });
});
