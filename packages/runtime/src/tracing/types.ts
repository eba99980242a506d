/** The types of tracing, apart, so that the SDK side and its loader share them without a cycle. */
import type { Tracer } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";

/** How a host that starts functions itself (embedded mode, tests) traces them. */
export interface TracingOptions {
  /** Used instead of the exporter the environment names (the embedded host's in-memory store). */
  exporter?: SpanExporter;
}

/** The tracing of a started function. */
export interface Tracing {
  tracer: Tracer;
  /** Exports the spans ended so far; never rejects (what cannot be exported is lost). */
  flush(): Promise<void>;
  /** Exports what is left and stops this function's provider (the shared exporter stays); never rejects. */
  close(): Promise<void>;
}
