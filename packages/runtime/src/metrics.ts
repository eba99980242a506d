/**
 * Prometheus metrics of a function, served at /metrics.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** The metrics every function records. */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<"route" | "code">;
  events: Counter<"type" | "outcome">;
  eventSeconds: Histogram<"type">;
  outboxPublished: Counter;
  /**
   * Makes a counter of the function's own (a reconciler's decisions, say) in this registry, so
   * /metrics serves it with the rest. Call it once, in `setup`: a name may be registered only once.
   */
  counter<Label extends string = never>(
    name: string,
    help: string,
    labelNames?: readonly Label[],
  ): Counter<Label>;
}

/** Creates a function's metrics in a registry of its own (several functions may share a process). */
export function createMetrics(name: string, withDefaults = true): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ function: name });
  if (withDefaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: "shop_http_requests_total",
      help: "HTTP requests served, by route kind and status code",
      labelNames: ["route", "code"],
      registers: [registry],
    }),
    events: new Counter({
      name: "shop_events_total",
      help: "CloudEvents received, by type and outcome",
      labelNames: ["type", "outcome"],
      registers: [registry],
    }),
    eventSeconds: new Histogram({
      name: "shop_event_handling_seconds",
      help: "Time to handle a CloudEvent, commit included",
      labelNames: ["type"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    outboxPublished: new Counter({
      name: "shop_outbox_published_total",
      help: "Outbox events published to the event log",
      registers: [registry],
    }),
    counter: (name, help, labelNames = []) => new Counter({ name, help, labelNames, registers: [registry] }),
  };
}
