/**
 * The span exporter of embedded mode: finished spans go, in Zipkin's v2 shape, into a {@link SpanStore}
 * of this process, which the host serves at /ops/zipkin/api/v2 and `shop trace` reads.
 */
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { SpanStore } from "./span-store.ts";
import { toZipkinSpan } from "./zipkin.ts";

/** A SpanExporter writing into `store`; after shutdown it refuses spans, as exporters do. */
export function createMemorySpanExporter(store: SpanStore): SpanExporter {
  let shutDown = false;
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      if (shutDown)
        return done({ code: ExportResultCode.FAILED, error: new Error("the exporter is shut down") });
      store.add(spans.map(toZipkinSpan));
      done({ code: ExportResultCode.SUCCESS });
    },
    async shutdown() {
      shutDown = true;
    },
    // Nothing is buffered here: a span is in the store once exported.
    forceFlush: async () => undefined,
  };
}
