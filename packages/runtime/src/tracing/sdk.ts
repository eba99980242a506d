/**
 * The OpenTelemetry SDK side of tracing, imported (dynamically, by tracing.ts) only when an exporter is
 * configured: a tracer provider per function, each with the function's name as `service.name`, all
 * exporting through the process's one exporter.
 */
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { ZipkinExporter } from "@opentelemetry/exporter-zipkin";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { ExporterChoice, SamplerChoice } from "./config.ts";
import type { Tracing } from "./types.ts";

let contextManager: AsyncLocalStorageContextManager | undefined;

/** Installs the AsyncLocalStorage context manager once per process (spans follow awaits). */
function ensureContextManager(): void {
  if (contextManager) return;
  contextManager = new AsyncLocalStorageContextManager().enable();
  // False when another copy of the API already has one: then that one carries the context.
  context.setGlobalContextManager(contextManager);
}

const exporters = new Map<string, SpanExporter>();

/** The process's exporter for `choice`, made once: every function of the process shares it. */
export function exporterFor(choice: ExporterChoice): SpanExporter {
  const key = JSON.stringify(choice);
  let exporter = exporters.get(key);
  if (!exporter) {
    exporter = makeExporter(choice);
    exporters.set(key, exporter);
  }
  return exporter;
}

// Imported statically, not each on demand: this module is itself loaded only with tracing on, and a
// dynamic import of these CommonJS packages loses their named exports in a function's bundle.
function makeExporter(choice: ExporterChoice): SpanExporter {
  if (choice.kind === "console") return new ConsoleSpanExporter();
  if (choice.kind === "zipkin") return new ZipkinExporter({ url: choice.url });
  return new OTLPTraceExporter({ url: choice.url });
}

/** A sampler as OTEL_TRACES_SAMPLER names it. */
export function samplerFor(choice: SamplerChoice): Sampler {
  switch (choice.kind) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(choice.ratio);
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(choice.ratio) });
  }
}

/** An exporter that its provider's shutdown leaves open: other functions of the process still use it. */
function shared(exporter: SpanExporter): SpanExporter {
  return {
    export: (spans, done) => exporter.export(spans, done),
    shutdown: async () => {},
    forceFlush: async () => exporter.forceFlush?.(),
  };
}

/** The tracing of one function (or of the runner): its own provider over the shared exporters. */
export function startProvider(
  serviceName: string,
  sinks: SpanExporter[],
  sampler: Sampler,
  scheduledDelayMillis: number,
): Tracing {
  ensureContextManager();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    sampler,
    spanProcessors: sinks.map((sink) => new BatchSpanProcessor(shared(sink), { scheduledDelayMillis })),
  });
  return {
    tracer: provider.getTracer("@shop/runtime"),
    // Spans an exporter cannot deliver (Zipkin down) are lost: never a reason for a stop to fail.
    flush: () => provider.forceFlush().catch(() => {}),
    close: () => provider.shutdown().catch(() => {}),
  };
}
