/**
 * Where the host's traces go: kept in memory only in embedded mode with no exporter named by the
 * OpenTelemetry variables; read from Zipkin when they export there.
 */
import { describe, expect, it } from "vitest";
import { hostTracing, namedExporters, zipkinFromEnv } from "./host-tracing.ts";
import { createSpanStore } from "./span-store.ts";

describe("the OpenTelemetry variables", () => {
  it("name an exporter explicitly, by an endpoint, or none", () => {
    expect(namedExporters({})).toEqual([]);
    expect(namedExporters({ OTEL_TRACES_EXPORTER: "zipkin, console" })).toEqual(["zipkin", "console"]);
    expect(
      namedExporters({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_ZIPKIN_ENDPOINT: "http://z" }),
    ).toEqual([]);
    expect(namedExporters({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" })).toEqual(["otlp"]);
    expect(namedExporters({ OTEL_SDK_DISABLED: "true", OTEL_TRACES_EXPORTER: "otlp" })).toEqual([]);
  });

  it("give Zipkin's base URL when exporting to Zipkin", () => {
    expect(zipkinFromEnv({ OTEL_TRACES_EXPORTER: "zipkin" })).toBe("http://localhost:9411");
    expect(zipkinFromEnv({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: "http://127.0.0.1:9412/api/v2/spans" })).toBe(
      "http://127.0.0.1:9412",
    );
    expect(
      zipkinFromEnv({ OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_ZIPKIN_ENDPOINT: "http://z/api/v2/spans" }),
    ).toBe(undefined);
  });
});

describe("the host", () => {
  it("keeps traces in memory embedded with no exporter named, with an exporter feeding the store", () => {
    const tracing = hostTracing({ embedded: true }, {});
    expect(tracing.store && tracing.exporter).toBeTruthy();
    expect(tracing.zipkinUrl).toBeUndefined();
  });

  it("keeps none in real mode, with an exporter named, or when told not to", () => {
    expect(hostTracing({ embedded: false }, {})).toEqual({});
    expect(hostTracing({ embedded: true }, { OTEL_TRACES_EXPORTER: "otlp" })).toEqual({});
    expect(hostTracing({ embedded: true, traceStore: false }, {})).toEqual({});
  });

  it("uses a store it is given, and reads from Zipkin when the functions export there", () => {
    const store = createSpanStore();
    expect(hostTracing({ embedded: false, traceStore: store }, {}).store).toBe(store);
    expect(hostTracing({ embedded: true }, { OTEL_TRACES_EXPORTER: "zipkin" })).toEqual({
      zipkinUrl: "http://localhost:9411",
    });
  });
});
