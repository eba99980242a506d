/**
 * What the host does with traces, decided once at start: embedded with no exporter named by the
 * OpenTelemetry variables, it keeps them in memory (its functions export into the store); with Zipkin
 * named, its read API forwards to that Zipkin; otherwise it keeps none.
 */
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { tracingFromEnv } from "@shop/runtime";
import { createMemorySpanExporter } from "./memory-exporter.ts";
import { createSpanStore, type SpanStore } from "./span-store.ts";

/** The host's traces: a store and the exporter feeding it, or a Zipkin to read from, or neither. */
export interface HostTracing {
  store?: SpanStore;
  /** For the runtime's `TracingOptions.exporter` of every in-process function. */
  exporter?: SpanExporter;
  zipkinUrl?: string;
}

/** The choices of the caller: a store to use (or false for none), a Zipkin to read from. */
export interface HostTracingOptions {
  embedded: boolean;
  traceStore?: SpanStore | false | undefined;
  zipkinUrl?: string;
}

/** The exporters the standard variables name, as the runtime reads them (none: tracing is off). */
export function namedExporters(env: NodeJS.ProcessEnv): string[] {
  return tracingFromEnv(env).exporters.map((choice) => choice.kind);
}

/** Zipkin's base URL when the variables export to Zipkin (its span endpoint less `/api/v2/spans`). */
export function zipkinFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const zipkin = tracingFromEnv(env).exporters.find((choice) => choice.kind === "zipkin");
  if (zipkin?.kind !== "zipkin") return undefined;
  const endpoint = new URL(zipkin.url);
  return `${endpoint.origin}${endpoint.pathname.replace(/\/api\/v2\/spans\/?$/, "")}`.replace(/\/$/, "");
}

/** Decides the host's traces for `options` and the environment. */
export function hostTracing(options: HostTracingOptions, env: NodeJS.ProcessEnv = process.env): HostTracing {
  const zipkinUrl = options.zipkinUrl ?? zipkinFromEnv(env);
  const store =
    options.traceStore === false
      ? undefined
      : (options.traceStore ??
        (options.embedded && namedExporters(env).length === 0 ? createSpanStore() : undefined));
  return {
    ...(store ? { store, exporter: createMemorySpanExporter(store) } : {}),
    ...(zipkinUrl ? { zipkinUrl } : {}),
  };
}
