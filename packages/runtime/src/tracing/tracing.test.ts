import { PassThrough } from "node:stream";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.ts";
import { tracingFromEnv } from "./config.ts";
import { inSpan } from "./spans.ts";
import { startTracing } from "./tracing.ts";

describe("the tracing variables", () => {
  it("leave tracing off when no exporter and no endpoint is named", async () => {
    expect(tracingFromEnv({}).exporters).toEqual([]);
    expect(await startTracing("orders", {}, {})).toBeUndefined();
    expect(
      tracingFromEnv({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_ZIPKIN_ENDPOINT: "http://z" }).exporters,
    ).toEqual([]);
  });

  it("take an endpoint given as the exporter meant, as the spec names them", () => {
    expect(tracingFromEnv({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: "http://z:9411/api/v2/spans" }).exporters).toEqual(
      [{ kind: "zipkin", url: "http://z:9411/api/v2/spans" }],
    );
    expect(tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318/" }).exporters).toEqual([
      { kind: "otlp", url: "http://c:4318/v1/traces" },
    ]);
    expect(tracingFromEnv({ OTEL_TRACES_EXPORTER: "otlp" }).exporters).toEqual([
      { kind: "otlp", url: "http://localhost:4318/v1/traces" },
    ]);
    expect(
      tracingFromEnv({ OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" })
        .sampler,
    ).toEqual({
      kind: "parentbased_traceidratio",
      ratio: 0.25,
    });
  });

  it("refuse values the spec does not define, saying which", () => {
    expect(() => tracingFromEnv({ OTEL_TRACES_EXPORTER: "jaeger" })).toThrow(
      /OTEL_TRACES_EXPORTER: unknown exporter "jaeger"/,
    );
    expect(() => tracingFromEnv({ OTEL_TRACES_SAMPLER: "sometimes" })).toThrow(
      /OTEL_TRACES_SAMPLER: unknown sampler/,
    );
    expect(() =>
      tracingFromEnv({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "2" }),
    ).toThrow(/not a ratio between 0 and 1/);
  });
});

describe("a function's tracing", () => {
  it("names spans after the function, through an exporter the host hands in", async () => {
    const exporter = new InMemorySpanExporter();
    const orders = await startTracing("orders", { exporter }, {});
    const payments = await startTracing("payments", { exporter }, {});
    const { context } = await import("@opentelemetry/api");
    await inSpan(orders!.tracer, "one", { kind: SpanKind.SERVER }, context.active(), async () => {});
    await inSpan(payments!.tracer, "two", { kind: SpanKind.CONSUMER }, context.active(), async () => {});
    await orders!.flush();
    await payments!.flush();
    const names = exporter
      .getFinishedSpans()
      .map((span) => [span.name, span.resource.attributes["service.name"]]);
    expect(names).toEqual([
      ["one", "orders"],
      ["two", "payments"],
    ]);
    await orders!.close();
    await payments!.close();
  });

  it("puts the active span's trace_id and span_id on log lines, and nothing without one", async () => {
    const tracing = await startTracing("catalog", { exporter: new InMemorySpanExporter() }, {});
    const out = new PassThrough();
    const lines: Record<string, unknown>[] = [];
    out.on("data", (chunk: Buffer) => lines.push(JSON.parse(chunk.toString())));
    const logger = createLogger("catalog", "info", out);
    const { context } = await import("@opentelemetry/api");
    const ids = await inSpan(tracing!.tracer, "work", {}, context.active(), async (span) => {
      logger.info("inside");
      return span.spanContext();
    });
    logger.info("outside");
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatchObject({ msg: "inside", trace_id: ids.traceId, span_id: ids.spanId });
    expect(lines[1]?.msg).toBe("outside");
    expect(lines[1]).not.toHaveProperty("trace_id");
    await tracing!.close();
  });
});
