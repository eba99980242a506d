/**
 * Tracing of one function: on when the standard OTEL_* variables name an exporter, or when the
 * embedding host hands one in ({@link TracingOptions}); otherwise undefined, and nothing of the SDK is
 * loaded.
 */
import { tracingFromEnv } from "./config.ts";
import type { Tracing, TracingOptions } from "./types.ts";

export type { Tracing, TracingOptions } from "./types.ts";

/**
 * Starts the tracing of the service `serviceName` (a function's name: its spans' `service.name`), or
 * resolves with undefined when tracing is off. Throws for a tracing variable the spec does not define.
 */
export async function startTracing(
  serviceName: string,
  options: TracingOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<Tracing | undefined> {
  const settings = tracingFromEnv(env);
  if (!options.exporter && settings.exporters.length === 0) return undefined;
  const sdk = await import("./sdk.ts");
  const sinks = options.exporter
    ? [options.exporter]
    : settings.exporters.map((choice) => sdk.exporterFor(choice));
  return sdk.startProvider(serviceName, sinks, sdk.samplerFor(settings.sampler), settings.scheduleDelayMs);
}
