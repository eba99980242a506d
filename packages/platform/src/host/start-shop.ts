/**
 * Starts every function of Shop and the local runner, in this process: against real Kafka and
 * Postgres (the integration tests), or embedded with PGlite and the in-memory log.
 */

import { mkdir } from "node:fs/promises";
import type { PGlite } from "@electric-sql/pglite";
import { type MailCatcher, startMailCatcher } from "@shop/notifications/mail-catcher";
import {
  createEventIssuer,
  createLogger,
  createMemoryLog,
  createSecretStore,
  createTokenVerifier,
  DEFAULT_LOGS_TOPIC,
  type EventIssuer,
  type EventLog,
  isDevelopment,
  listenDual,
  openPGlite,
  type RunningFunction,
  startFunction,
  startTracing,
  startVacuum,
  type TracingOptions,
} from "@shop/runtime";
import { functionNames, shopFunctions } from "../functions.ts";
import { createKafkaLog } from "../log/kafka-log.ts";
import { knativeDir } from "../paths.ts";
import { serveJwks } from "../runner/jwks-server.ts";
import { type Runner, startRunner } from "../runner/runner.ts";
import { writeTokenFiles } from "../runner/token-files.ts";
import { hostTracing } from "../trace/host-tracing.ts";
import type { SpanStore } from "../trace/span-store.ts";
import { createZipkinApi } from "../trace/zipkin-api.ts";
import { createAdminEvents } from "./admin-events.ts";
import { createDevMailRoute } from "./dev-mail.ts";
import { createGateway, type Target } from "./gateway.ts";
import { createHostKafkaMetrics } from "./kafka-metrics.ts";
import { createOpsMetrics, httpSources, opsNotFound, registrySources } from "./ops-metrics.ts";
import { type BuildBundles, startFunctionProcesses } from "./processes.ts";
import { createRunnerMetricsRoute } from "./runner-metrics.ts";
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
  /** Local real mode (`processes`): the topic every function ships its log lines to (default shop.logs). */
  logsTopic?: string;
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
   * runner (otherwise the in-memory store below, or the OTEL_* variables, decide).
   */
  tracing?: TracingOptions;
  /**
   * Where the traces of this process's functions and runner go when `tracing` names no exporter: by
   * default a new in-memory store in embedded mode when no OTEL_* variable names an exporter, none
   * otherwise; false: none.
   */
  traceStore?: SpanStore | false;
  /** Zipkin's base URL for `/ops/zipkin/api/v2` (default: from OTEL_EXPORTER_ZIPKIN_ENDPOINT when exporting to Zipkin). */
  zipkinUrl?: string;
  /**
   * Whether notifications' mail goes to a dev mail catcher in this process (shown at /dev/mail):
   * default in development (no VAULT_ADDR, not NODE_ENV=production), never outside it.
   */
  mailCatcher?: boolean;
}

/** A running shop. */
export interface Shop {
  /** The gateway: every Connect service under its path, each function's events at /functions/<name>/. */
  url: string;
  functions: Record<string, RunningFunction>;
  log: EventLog;
  runner: Runner;
  /** The in-memory traces (embedded mode), served at /ops/zipkin/api/v2. */
  traces?: SpanStore;
  /** The runner's token issuer: what every function trusts on `POST /` (a test delivering by hand mints with it). */
  issuer: EventIssuer;
  /** The dev mail catcher notifications sends to, in development. */
  mail?: MailCatcher;
  /** Embedded mode: the one PGlite every function shares (the embedded benchmark reads its counters). */
  pglite?: PGlite;
  close(): Promise<void>;
}

/** Starts the shop. */
export async function startShop(options: ShopOptions = {}): Promise<Shop> {
  const embedded = !options.databaseUrl;
  const topic = options.topic ?? "shop.events";
  const dlqTopic = options.dlqTopic ?? "shop.events.dlq";
  const logger = createLogger("shop", options.logLevel ?? "warn", options.logDestination);
  const kafkaMetrics = createHostKafkaMetrics();
  const log: EventLog = options.kafkaBrokers?.length
    ? createKafkaLog({
        brokers: options.kafkaBrokers,
        clientId: "shop",
        logger,
        onRequest: kafkaMetrics.onRequest,
      })
    : createMemoryLog({ logger });
  const logsTopic =
    options.processes && options.databaseUrl ? (options.logsTopic ?? DEFAULT_LOGS_TOPIC) : undefined;
  await log.ensureTopics([topic, dlqTopic, ...(logsTopic ? [logsTopic] : [])]);
  let pglite: PGlite | undefined;
  if (embedded) {
    // PGlite creates its own folder, not the ones above it (a fresh clone has no .shop/).
    if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
    pglite = await openPGlite(options.dataDir);
  }
  // The single-user backend has no autovacuum: the host vacuums (db/pglite.ts in the runtime).
  const vacuum = pglite ? startVacuum(pglite, logger) : undefined;
  // A caller's own exporter wins; otherwise embedded mode keeps the traces in memory (trace/host-tracing.ts).
  const traces = hostTracing({
    embedded,
    traceStore: options.traceStore ?? (options.tracing?.exporter ? false : undefined),
    ...(options.zipkinUrl ? { zipkinUrl: options.zipkinUrl } : {}),
  });
  // The one place the host's exporter is handed to its functions and to the runner.
  const tracingOptions: TracingOptions | undefined = traces.exporter
    ? { ...options.tracing, exporter: traces.exporter }
    : options.tracing;
  const functions: Record<string, RunningFunction> = {};
  // Development: notifications' mail goes to a catcher on a loopback port, handed over as its SMTP
  // secret (the local secret store reads SHOP_SECRET_NOTIFICATIONS_SMTP), and links to this shop.
  const mail = (options.mailCatcher ?? isDevelopment(process.env)) ? await startMailCatcher() : undefined;
  const mailEnv: Record<string, string> = mail
    ? {
        SHOP_SECRET_NOTIFICATIONS_SMTP: JSON.stringify(mail.smtpSecret()),
        ...(options.port && !process.env.SHOP_PUBLIC_URL
          ? { SHOP_PUBLIC_URL: `http://127.0.0.1:${options.port}` }
          : {}),
      }
    : {};
  // The runner's own issuer signs every delivery's token, as Knative has the API server sign one; the
  // functions trust its key: in this process directly, function processes through its JWKS endpoint.
  const issuer = await createEventIssuer();
  const jwks = options.processes && options.databaseUrl ? await serveJwks(issuer) : undefined;
  // Tokens for what a function delivers itself (redrive), as the kubelet projects them into a pod.
  const tokenFiles = jwks ? await writeTokenFiles(issuer, functionNames) : undefined;
  const processes =
    jwks && options.databaseUrl
      ? await startFunctionProcesses(
          functionNames,
          {
            ...jwks.env,
            ...tokenFiles?.env,
            DATABASE_URL: options.databaseUrl,
            KAFKA_BROKERS: (options.kafkaBrokers ?? []).join(","),
            SHOP_EVENTS_TOPIC: topic,
            LOG_LEVEL: options.logLevel ?? "warn",
            // Every function ships its log lines to Kafka, so `shop logs tail` follows them all.
            SHOP_LOGS_KAFKA: "1",
            SHOP_LOGS_TOPIC: logsTopic,
            ...mailEnv,
          },
          options.buildBundles,
        )
      : undefined;
  for (const definition of processes ? [] : shopFunctions) {
    const name = definition.name;
    const own = name === "notifications" && mail ? { ...process.env, ...mailEnv } : undefined;
    functions[name] = await startFunction(definition, {
      log,
      ...(own ? { env: own, secrets: createSecretStore(own, logger) } : {}),
      listen: false,
      logger: createLogger(name, options.logLevel ?? "warn", options.logDestination),
      eventAuth: { issuer: issuer.issuer, keys: issuer.keys },
      eventTokens: (audience) => issuer.token(audience),
      ...(pglite ? { pglite } : {}),
      ...(tracingOptions ? { tracing: tracingOptions } : {}),
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
  // Admin paths outside Connect verify tokens as every function does (the same keys, dev or Vault).
  const secrets = createSecretStore(process.env, logger);
  await secrets.load?.();
  const verifier = createTokenVerifier(secrets);
  const zipkinApi = createZipkinApi({
    verifier,
    ...(traces.store ? { store: traces.store } : {}),
    ...(traces.zipkinUrl ? { zipkinUrl: traces.zipkinUrl } : {}),
    next: opsNotFound(options.fallback),
  });
  // Read at each request, so a source added later (the runner's, below) is served too.
  const opsSources = processes ? httpSources(processes.urls) : registrySources(functions);
  const ops = createOpsMetrics(opsSources, verifier, zipkinApi);
  // GET /admin/events streams the log to `shop events tail`: the in-memory log lives in this process.
  // GET /metrics serves the runner's metrics (it starts below, once the gateway has its URL).
  let runnerMetrics: Runner["metrics"] | undefined;
  const gateway = createGateway(
    handlers,
    createRunnerMetricsRoute(
      () => runnerMetrics?.registry,
      createDevMailRoute(mail, createAdminEvents(log, topic, ops)),
    ),
  );
  // Until `prepare` is done, requests wait (the first answer is a whole one): see start-gate.ts.
  const gate = createStartGate();
  // HTTP/1.1 and h2c on the one port, as every function serves: gRPC clients speak HTTP/2 only.
  const server = await listenDual(options.port ?? 0, gate.wrap(gateway), "127.0.0.1");
  const url = server.url;
  // The runner plays Knative's broker: its delivery spans are the broker's (OTEL_SERVICE_NAME may rename it).
  const tracing = await startTracing(process.env.OTEL_SERVICE_NAME ?? "broker", tracingOptions);
  const runner = await startRunner({
    log,
    logger,
    ...(tracing ? { tracer: tracing.tracer } : {}),
    knativeDir,
    tokens: issuer,
    topicOverride: topic,
    dlqTopic,
    resolveSubscriber: (ref) => `${url}/functions/${ref.name}/`,
    // Functions in this process take their deliveries without HTTP (as deployed, they come over it).
    inProcess: (subscriber) => {
      const name = /\/functions\/([a-z]+)\/$/.exec(subscriber)?.[1];
      const fn = name && subscriber.startsWith(`${url}/`) ? functions[name] : undefined;
      return fn ? (headers, body) => fn.handler.receive(headers, body) : undefined;
    },
  });
  runnerMetrics = runner.metrics;
  opsSources.runner = () => runner.metrics.registry.metrics();
  opsSources.shop = () => kafkaMetrics.registry.metrics();
  const shop: Shop = {
    url,
    functions,
    log,
    runner,
    ...(traces.store ? { traces: traces.store } : {}),
    issuer,
    ...(mail ? { mail } : {}),
    ...(pglite ? { pglite } : {}),
    async close() {
      gate.fail();
      await runner.close();
      await Promise.all(Object.values(functions).map((fn) => fn.close()));
      await processes?.close();
      await jwks?.close();
      await tokenFiles?.close();
      // Drops every connection: long-lived streams (WatchOrder, /admin/events) would keep it waiting.
      await server.close();
      gateway.close();
      await log.close();
      await vacuum?.close();
      await pglite?.close();
      await tracing?.close();
      await traces.exporter?.shutdown();
      await secrets.close?.();
      await mail?.close();
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
