/**
 * knative/ is the single source of truth for event wiring: every function's subscriptions list and
 * its Triggers must name the same event types, and every Trigger must reach an existing function.
 */
import { describe, expect, it } from "vitest";
import { loadManifests } from "../runner/manifests.ts";
import { functionNames, knativeDir, loadDefinition } from "./functions.ts";

const manifests = await loadManifests(knativeDir);

/** The event type a Trigger selects with an exact `type` filter. */
function triggerType(trigger: (typeof manifests.triggers)[number]): string | undefined {
  for (const filter of trigger.filters) {
    if ("exact" in filter && filter.exact.type) return filter.exact.type;
  }
  return undefined;
}

describe("event wiring", () => {
  it.each(functionNames())("%s: subscriptions.ts and its Triggers in knative/ agree", async (name) => {
    const definition = await loadDefinition(name);
    const subscribed = definition.subscriptions.map((s) => s.schema.typeName).sort();
    const triggered = manifests.triggers
      .filter((t) => t.subscriber.ref?.name === name)
      .map(triggerType)
      .sort();
    expect(triggered).toEqual(subscribed);
  });

  it("every Trigger belongs to the Broker shop and reaches a function", () => {
    const names = new Set(functionNames());
    for (const trigger of manifests.triggers) {
      expect(trigger.broker, trigger.name).toBe("shop");
      expect(
        names.has(trigger.subscriber.ref?.name ?? ""),
        `${trigger.name} → ${trigger.subscriber.ref?.name}`,
      ).toBe(true);
    }
  });
});
