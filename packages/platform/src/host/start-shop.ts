/**
 * Starts every function of Shop and the local runner, in this process: against real Kafka and
 * Postgres (the integration tests), or embedded with PGlite and the in-memory log.
 */

import { mkdir } from "node:fs/promises";
import type { PGlite } from "@electric-sql/pglite";
import {
  createLogger,
  createMemoryLog,
  type EventLog,
  listenDual,
  type RunningFunction,
  startFunction,
  startTracing,
  type TracingOptions,
} from "@shop/runtime";
import { functionNames, shopFunctions } from "../functions.ts";
import { createKafkaLog } from "../log/kafka-log.ts";
import { knativeDir } from "../paths.ts";
import { type Runner, startRunner } from "../runner/runner.ts";
import { createAdminEvents } from "./admin-events.ts";
import { createGateway, type Target } from "./gateway.ts";
import { type BuildBundles, startFunctionProcesses } from "./processes.ts";
import { createStartGate } from "./start-gate.ts";

/** Options of {@link startShop}. */
export interface ShopOptions {
  /** Real mode: a Postgres URL and Kafka brokers. Embedded mode: both undefined. */
  databaseUrl?: string;
  kafkaBrokers?: string[];
  /** PGlite data folder for embedded mode (in memory when undefined). */
  dataDir?: string;
  /** The events topic (tests use their own); the DLQ topic likewise. */
  topic?: string;
  dlqTopic?: string;
  /** Port of the gateway (0 = any free one). */
  port?: number;
  logLevel?: string;
  /**
   * Where the log lines of this process go (the runner's and the in-process functions'): a test reads
   * them back. Default: stdout.
   */
  logDestination?: NodeJS.WritableStream;
  /** Real mode only: run each function as its own process (as in the cluster) instead of in this one. */
  processes?: boolean;
  /** With `processes`: brings the functions' bundles up to date before they start (see processes.ts). */
  buildBundles?: BuildBundles;
  /** Serves what is not an API path (the storefront). */
  fallback?: Parameters<typeof createGateway>[1];
  /**
   * Runs once the shop runs, before it answers anyone else (the demo seed): requests to the shop wait
   * until it resolves (see start-gate.ts); `url` reaches the shop meanwhile. If it throws, the shop
   * stops and startShop rejects with its error.
   */
  prepare?: (url: string) => Promise<unknown>;
  /**
   * How the shop is traced: an exporter of the caller's own for the functions of this process and the
   * runner (otherwise the OTEL_* variables decide, for the function processes too).
   */
  tracing?: TracingOptions;
}

/** A running shop. */
export interface Shop {
  /** The gateway: every Connect service under its path, each function's events at /functions/<name>/. */
  url: string;
  functions: Record<string, RunningFunction>;
  log: EventLog;
  runner: Runner;
  close(): Promise<void>;
}

/** Starts the shop. */
export async function startShop(options: ShopOptions = {}): Promise<Shop> {
  const embedded = !options.databaseUrl;
  const topic = options.topic ?? "shop.events";
  const dlqTopic = options.dlqTopic ?? "shop.events.dlq";
  const logger = createLogger("shop", options.logLevel ?? "warn", options.logDestination);
  const log: EventLog = options.kafkaBrokers?.length
    ? createKafkaLog({ brokers: options.kafkaBrokers, clientId: "shop", logger })
    : createMemoryLog({ logger });
  await log.ensureTopics([topic, dlqTopic]);
  let pglite: PGlite | undefined;
  if (embedded) {
    const { PGlite } = await import("@electric-sql/pglite");
    // PGlite creates its own folder, not the ones above it (a fresh clone has no .shop/).
    if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
    pglite = new PGlite(options.dataDir);
  }
  const functions: Record<string, RunningFunction> = {};
  const processes =
    options.processes && options.databaseUrl
      ? await startFunctionProcesses(
          functionNames,
          {
            DATABASE_URL: options.databaseUrl,
            KAFKA_BROKERS: (options.kafkaBrokers ?? []).join(","),
            SHOP_EVENTS_TOPIC: topic,
            LOG_LEVEL: options.logLevel ?? "warn",
          },
          options.buildBundles,
        )
      : undefined;
  for (const definition of processes ? [] : shopFunctions) {
    const name = definition.name;
    functions[name] = await startFunction(definition, {
      log,
      listen: false,
      logger: createLogger(name, options.logLevel ?? "warn", options.logDestination),
      ...(pglite ? { pglite } : {}),
      ...(options.tracing ? { tracing: options.tracing } : {}),
      config: {
        database: options.databaseUrl
          ? { kind: "postgres", url: options.databaseUrl }
          : { kind: "pglite", dataDir: options.dataDir },
        kafkaBrokers: options.kafkaBrokers ?? [],
        eventsTopic: topic,
        sweepIntervalMs: 2_000,
      },
    });
  }
  const handlers: Record<string, Target> =
    processes?.urls ?? Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, fn.handler]));
  // GET /admin/events streams the log to `shop events tail`: the in-memory log lives in this process.
  const gateway = createGateway(handlers, createAdminEvents(log, topic, options.fallback));
  // Until `prepare` is done, requests wait (the first answer is a whole one): see start-gate.ts.
  const gate = createStartGate();
  // HTTP/1.1 and h2c on the one port, as every function serves: gRPC clients speak HTTP/2 only.
  const server = await listenDual(options.port ?? 0, gate.wrap(gateway), "127.0.0.1");
  const url = server.url;
  // The runner plays Knative's broker: its delivery spans are the broker's (OTEL_SERVICE_NAME may rename it).
  const tracing = await startTracing(process.env.OTEL_SERVICE_NAME ?? "broker", options.tracing);
  const runner = await startRunner({
    log,
    logger,
    ...(tracing ? { tracer: tracing.tracer } : {}),
    knativeDir,
    topicOverride: topic,
    dlqTopic,
    resolveSubscriber: (ref) => `${url}/functions/${ref.name}/`,
  });
  const shop: Shop = {
    url,
    functions,
    log,
    runner,
    async close() {
      gate.fail();
      await runner.close();
      await Promise.all(Object.values(functions).map((fn) => fn.close()));
      await processes?.close();
      // Drops every connection: long-lived streams (WatchOrder, /admin/events) would keep it waiting.
      await server.close();
      gateway.close();
      await log.close();
      await pglite?.close();
      await tracing?.close();
    },
  };
  try {
    await options.prepare?.(gate.startUrl(url));
  } catch (error) {
    await shop.close();
    throw error;
  }
  gate.open();
  return shop;
}
