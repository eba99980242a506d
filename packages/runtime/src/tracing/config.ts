/**
 * Which trace exporter the standard OpenTelemetry variables name. Tracing is on only when one is
 * named: the SDK's own default (`otlp` when OTEL_TRACES_EXPORTER is unset) would make every process
 * pay for it, so an unset exporter with no endpoint given means off.
 */

/** One exporter the environment asks for. */
export type ExporterChoice =
  /** OTLP/HTTP (protobuf-free JSON): OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces. */
  | { kind: "otlp"; url: string }
  /** Zipkin's v2 JSON API: OTEL_EXPORTER_ZIPKIN_ENDPOINT (default http://localhost:9411/api/v2/spans). */
  | { kind: "zipkin"; url: string }
  | { kind: "console" };

/** OTEL_TRACES_SAMPLER and its argument, as the spec names them. */
export type SamplerChoice =
  | { kind: "always_on" | "always_off" | "parentbased_always_on" | "parentbased_always_off" }
  | { kind: "traceidratio" | "parentbased_traceidratio"; ratio: number };

/** What the environment says about tracing; `exporters` is empty when tracing is off. */
export interface TracingEnv {
  exporters: ExporterChoice[];
  sampler: SamplerChoice;
  /** OTEL_SERVICE_NAME: the service name of a process that is not a function (the local runner). */
  serviceName?: string;
  /** OTEL_BSP_SCHEDULE_DELAY: how long ended spans wait to be exported in a batch, in ms (default 5000). */
  scheduleDelayMs: number;
}

const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;

/** Reads the tracing variables; throws a precise error for a value the spec does not define. */
export function tracingFromEnv(env: NodeJS.ProcessEnv = process.env): TracingEnv {
  const sampler = samplerFromEnv(env);
  const serviceName = env.OTEL_SERVICE_NAME || undefined;
  const delay = env.OTEL_BSP_SCHEDULE_DELAY ? Number(env.OTEL_BSP_SCHEDULE_DELAY) : 5000;
  if (!(delay >= 0))
    throw new Error(`OTEL_BSP_SCHEDULE_DELAY: "${env.OTEL_BSP_SCHEDULE_DELAY}" is not a number of ms`);
  const base = { sampler, scheduleDelayMs: delay, ...(serviceName ? { serviceName } : {}) };
  if (env.OTEL_SDK_DISABLED === "true") return { ...base, exporters: [] };
  const otlpUrl =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    (env.OTEL_EXPORTER_OTLP_ENDPOINT
      ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, "")}/v1/traces`
      : undefined);
  const zipkinUrl = env.OTEL_EXPORTER_ZIPKIN_ENDPOINT || undefined;
  const named = (env.OTEL_TRACES_EXPORTER ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  // Unset: an endpoint given is the exporter meant; none given, tracing stays off.
  const names = named.length > 0 ? named : [...(otlpUrl ? ["otlp"] : []), ...(zipkinUrl ? ["zipkin"] : [])];
  if (names.includes("none")) return { ...base, exporters: [] };
  const exporters = names.map((name): ExporterChoice => {
    if (name === "otlp") return { kind: "otlp", url: otlpUrl ?? "http://localhost:4318/v1/traces" };
    if (name === "zipkin") return { kind: "zipkin", url: zipkinUrl ?? "http://localhost:9411/api/v2/spans" };
    if (name === "console") return { kind: "console" };
    throw new Error(`OTEL_TRACES_EXPORTER: unknown exporter "${name}" (use otlp, zipkin, console or none)`);
  });
  return { ...base, exporters };
}

function samplerFromEnv(env: NodeJS.ProcessEnv): SamplerChoice {
  const name = env.OTEL_TRACES_SAMPLER || "parentbased_always_on";
  const kind = SAMPLERS.find((known) => known === name);
  if (!kind) throw new Error(`OTEL_TRACES_SAMPLER: unknown sampler "${name}" (use ${SAMPLERS.join(", ")})`);
  if (kind !== "traceidratio" && kind !== "parentbased_traceidratio") return { kind };
  const arg = env.OTEL_TRACES_SAMPLER_ARG;
  const ratio = arg === undefined || arg === "" ? 1 : Number(arg);
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG: "${arg}" is not a ratio between 0 and 1`);
  }
  return { kind, ratio };
}
