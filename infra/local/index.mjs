// Real Kafka + Postgres on one machine for dev and tests (no Docker): start what the environment lacks.
import { startKafka } from "./kafka.mjs";
import { startPostgres } from "./postgres.mjs";
import { startZipkin } from "./zipkin.mjs";

export { startKafka } from "./kafka.mjs";
export { startPostgres } from "./postgres.mjs";
export { startZipkin, ZIPKIN_VERSION } from "./zipkin.mjs";

const SIGNALS = /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"]);
const EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * Starts Kafka and Postgres in parallel, and Zipkin when asked, except what the environment already
 * provides: `KAFKA_BROKERS` (e.g. "127.0.0.1:9092"), `DATABASE_URL` (a postgres:// URL) and
 * `OTEL_EXPORTER_ZIPKIN_ENDPOINT` are used as given. `zipkin` defaults to `SHOP_ZIPKIN=1`.
 * Unless `handleSignals` is false, SIGINT/SIGTERM/SIGHUP stop what was started and exit the process.
 * @param {{ log?: (line: string) => void, handleSignals?: boolean, zipkin?: boolean }} [options]
 * @returns {Promise<{ kafkaBrokers: string, databaseUrl: string, zipkinUrl?: string, env: Record<string, string>, stop: () => Promise<void> }>}
 *   `env`: the variables that point a function at all of it (KAFKA_BROKERS, DATABASE_URL and, with
 *   Zipkin, OTEL_TRACES_EXPORTER / OTEL_EXPORTER_ZIPKIN_ENDPOINT). `stop` stops only what this call
 *   started; calling it again is harmless.
 */
export async function startInfra({
  log = console.error,
  handleSignals = true,
  zipkin: withZipkin = process.env.SHOP_ZIPKIN === "1",
} = {}) {
  const given = {
    kafka: process.env.KAFKA_BROKERS,
    postgres: process.env.DATABASE_URL,
    zipkin: process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT,
  };
  if (given.kafka) log(`infra/local: using Kafka at KAFKA_BROKERS=${given.kafka}`);
  if (given.postgres) log(`infra/local: using Postgres at DATABASE_URL=${redact(given.postgres)}`);
  if (withZipkin && given.zipkin)
    log(`infra/local: using Zipkin at OTEL_EXPORTER_ZIPKIN_ENDPOINT=${given.zipkin}`);
  const [kafka, postgres, zipkin] = await Promise.allSettled([
    given.kafka ? undefined : startKafka({ log }),
    given.postgres ? undefined : startPostgres({ log }),
    !withZipkin || given.zipkin ? undefined : startZipkin({ log }),
  ]);
  const all = [kafka, postgres, zipkin];
  const started = all.flatMap((r) => (r.status === "fulfilled" && r.value ? [r.value] : []));
  const failures = all.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
  if (failures.length > 0) {
    await Promise.allSettled(started.map((service) => service.stop()));
    throw failures.length === 1
      ? failures[0]
      : new AggregateError(failures, failures.map((e) => e.message).join("\n"));
  }

  /** @type {Promise<void> | undefined} */
  let stopping;
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    log(`infra/local: ${signal} received, stopping`);
    stop().finally(() => process.exit(EXIT_CODES[signal]));
  };
  const stop = () => {
    stopping ??= (async () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      const start = Date.now();
      const results = await Promise.allSettled(started.map((service) => service.stop()));
      if (started.length > 0) log(`infra/local: stopped in ${((Date.now() - start) / 1000).toFixed(1)} s`);
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
    })();
    return stopping;
  };
  if (handleSignals && started.length > 0) for (const signal of SIGNALS) process.once(signal, onSignal);

  const kafkaBrokers =
    given.kafka || /** @type {{ brokers: string }} */ (kafka.status === "fulfilled" && kafka.value).brokers;
  const databaseUrl =
    given.postgres || /** @type {{ url: string }} */ (postgres.status === "fulfilled" && postgres.value).url;
  const ownZipkin = zipkin.status === "fulfilled" ? zipkin.value : undefined;
  const spansEndpoint = withZipkin ? (given.zipkin ?? ownZipkin?.spansEndpoint) : undefined;
  const zipkinUrl = spansEndpoint?.replace(/\/api\/v2\/spans\/?$/, "");
  const env = {
    KAFKA_BROKERS: kafkaBrokers,
    DATABASE_URL: databaseUrl,
    ...(spansEndpoint
      ? { OTEL_TRACES_EXPORTER: "zipkin", OTEL_EXPORTER_ZIPKIN_ENDPOINT: spansEndpoint }
      : {}),
  };
  return { kafkaBrokers, databaseUrl, ...(zipkinUrl ? { zipkinUrl } : {}), env, stop };
}

/** The URL without its password, for logs. */
function redact(/** @type {string} */ url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
