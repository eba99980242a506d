/**
 * Starting a function: listen (answering "starting"), load secrets, open and migrate the database,
 * connect the event log and the relay, build the dependencies, then serve.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { compressionBrotli, compressionGzip, connectNodeAdapter } from "@connectrpc/connect-node";
import type { App } from "./app.ts";
import { publicKeySet } from "./auth/jwks.ts";
import { createTokenVerifier } from "./auth/tokens.ts";
import { type FunctionConfig, isDevelopment, readConfig } from "./config.ts";
import { type Db, openDatabase } from "./db/database.ts";
import type { OutboxTable, ProcessedEventsTable } from "./db/tables.ts";
import { eventVerifierFor } from "./events/auth.ts";
import { deliveryTokensFor } from "./events/delivery-tokens.ts";
import { createDispatcher } from "./events/subscriptions.ts";
import type { FunctionDefinition, RunningFunction, StartOptions } from "./function.ts";
import { functionInterceptors } from "./interceptors.ts";
import type { EventLog } from "./log/event-log.ts";
import { createKafkaLog } from "./log/kafka-log.ts";
import { createMemoryLog } from "./log/memory-log.ts";
import { shipLogs } from "./log-ship/ship.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createMetrics } from "./metrics.ts";
import { registerOutboxGauges } from "./outbox/backlog.ts";
import { startRelay } from "./outbox/relay.ts";
import { prune } from "./outbox/retention.ts";
import { createSecretStore, databaseFromSecrets } from "./secrets/index.ts";
import { requireSecrets } from "./secrets/required.ts";
import { createRequestHandler, startingHandler } from "./server/http.ts";
import { listenDual } from "./server/listen.ts";
import { captureRoutes, createUnaryHandler } from "./server/unary/index.ts";
import { startTicker } from "./ticker.ts";
import { startTracing } from "./tracing/tracing.ts";
import { autocommitting, transactions } from "./transactions.ts";

const READ_MAX_BYTES = 1024 * 1024;

/** Starts a function: database and migrations, event log, relay, dependencies, server. */
export async function startFunction<Config, Deps>(
  definition: FunctionDefinition<Config, Deps>,
  options: StartOptions<Config, Deps> = {},
): Promise<RunningFunction<Config, Deps>> {
  const config = { ...readConfig(definition.name), ...options.config };
  // A logger handed in is the caller's: it ships (or not) as the caller made it.
  const shipping = options.logger ? undefined : shipLogs(definition.name, config.logShipping);
  const logger = options.logger ?? createLogger(definition.name, config.logLevel, undefined, shipping?.sink);
  shipping?.reportTo(logger);
  const ownSecrets = !options.secrets;
  const secrets = options.secrets ?? createSecretStore(process.env, logger);
  // Dev values only for a development run on a store that offers them (never Vault): see requireSecrets.
  const development = isDevelopment(options.env ?? process.env) && secrets.useDevDefaults !== undefined;
  if (definition.devSecrets && development) secrets.useDevDefaults?.(definition.devSecrets);
  const started = performance.now();
  // Listen first, answering as starting: while secrets load (a Vault that is down or refuses keeps the
  // function waiting here, one log line, retrying) liveness says alive and readiness not ready, so
  // Kubernetes waits instead of restarting the pod in a loop.
  const listener = options.listen === false ? undefined : await listen(config.port);
  await secrets.load?.();
  if (definition.devSecrets && !development) {
    await requireSecrets(definition.name, Object.keys(definition.devSecrets), secrets, logger);
  }
  // Secrets next: the database URL may be one of them.
  if (!options.config?.database && !process.env.DATABASE_URL) {
    config.database = await databaseFromSecrets(definition.name, secrets, config.database);
  }
  const database = await openDatabase({
    config: config.database,
    schema: definition.name,
    migrationsFolder: definition.migrationsFolder,
    ...(options.pglite ? { pglite: options.pglite } : {}),
  });
  await database.migrate();
  const ownLog = !options.log;
  const metrics = createMetrics(definition.name, !options.pglite);
  const log = options.log ?? openLog(config, logger, (api) => metrics.kafkaRequests.inc({ api }));
  await log.ensureTopics([config.eventsTopic, ...(shipping ? [shipping.topic] : [])]);
  registerOutboxGauges(metrics, database.db, definition.outbox, logger);
  const tracing = await startTracing(definition.name, options.tracing);
  const tracer = tracing?.tracer;
  const relay = startRelay({
    db: database.db,
    outbox: definition.outbox,
    log,
    topic: config.eventsTopic,
    logger,
    intervalMs: config.sweepIntervalMs,
    idleIntervalMs: config.sweepIdleIntervalMs,
    onPublished: (count) => metrics.outboxPublished.inc(count),
    ...(tracer ? { tracer } : {}),
  });
  const publishAfterCommit = options.publishAfterCommit ?? true;
  const app: App = {
    name: definition.name,
    config,
    logger,
    db: database.db,
    secrets,
    deliveryTokens: deliveryTokensFor(options.env ?? process.env, options.eventTokens),
    transaction: transactions({ definition, database, relay, logger, publishAfterCommit, tracer }),
  };
  const settings = { ...definition.config?.(options.env ?? process.env), ...options.settings } as Config;
  const built = (await definition.setup?.({ config: settings, app, metrics })) as Deps;
  const deps = (options.deps ? { ...built, ...options.deps } : built) as Deps;
  await definition.onStart?.(deps, app);
  const retention = retentionPass(definition, database.db, config, logger);
  const ticker = startTicker(
    async () => {
      await definition.onTick?.(deps, app);
      await retention();
    },
    config.tickIntervalMs,
    logger,
  );
  const tick = async () => {
    await relay.sweep();
    await ticker.tick();
  };
  // Leftovers of a previous process (it died between commit and publish) go out first.
  await relay.sweep();

  const dispatch = createDispatcher({
    deps,
    logger,
    subscriptions: definition.subscriptions ?? [],
    ...(definition.otherEvents ? { otherEvents: definition.otherEvents } : {}),
    ...(definition.wantsOtherEvent ? { wantsOtherEvent: definition.wantsOtherEvent } : {}),
    processedEvents: definition.processedEvents,
    name: definition.name,
    transaction: app.transaction,
    autocommit: autocommitting(database, logger),
    sweep: tick,
    ...(tracer ? { tracer } : {}),
  });
  let accepting = true;
  const routes = captureRoutes((router) => definition.routes?.(router, deps, app));
  const interceptors = functionInterceptors({
    logger,
    metrics,
    verifier: createTokenVerifier(secrets),
    policy: definition.policy ?? {},
    extra: definition.interceptors?.(deps, app) ?? [],
    ...(tracer ? { tracer } : {}),
  });
  const acceptCompression = [compressionGzip, compressionBrotli];
  const connect = connectNodeAdapter({
    routes: routes.replay,
    interceptors,
    acceptCompression,
    readMaxBytes: definition.readMaxBytes ?? READ_MAX_BYTES,
  });
  const unary = createUnaryHandler({
    routes,
    interceptors,
    acceptCompression,
    readMaxBytes: definition.readMaxBytes ?? READ_MAX_BYTES,
  });
  const handler = createRequestHandler({
    logger,
    metrics,
    dispatch,
    eventVerifier: eventVerifierFor(definition.name, options.env ?? process.env, logger, options.eventAuth),
    connect,
    unary,
    corsOrigins: config.corsOrigins,
    trustedProxyHops: config.trustedProxyHops,
    ...(definition.publishesKeys ? { jwks: () => publicKeySet(secrets) } : {}),
    ...(definition.getRoutes ? { getRoutes: definition.getRoutes(deps, app) } : {}),
    ready: async () =>
      accepting && (secrets.ready?.() ?? true) && (await database.ping()) && (await log.ready()),
  });
  if (listener) listener.serve(handler);
  logger.info(
    {
      url: listener?.url,
      database: config.database.kind,
      kafka: ownLog ? config.kafkaBrokers : "shared",
      secrets: secrets.describe(),
    },
    "%s started in %d ms",
    definition.name,
    Math.round(performance.now() - started),
  );

  let closing: Promise<void> | undefined;
  return {
    definition,
    app,
    deps,
    settings,
    handler,
    interceptors,
    url: listener?.url,
    receive: dispatch,
    tick,
    relay,
    metrics,
    log,
    close() {
      closing ??= (async () => {
        accepting = false;
        await listener?.close(handler);
        if (!listener) await handler.idle();
        // A process "dying between commit and publish" (fault injection) leaves its outbox as it is.
        if (publishAfterCommit) await relay.sweep();
        await ticker.close();
        await relay.close();
        await definition.onStop?.(deps);
        if (ownLog) await log.close();
        await database.close();
        await tracing?.close();
        if (ownSecrets) await secrets.close?.();
        logger.info("%s stopped", definition.name);
        // Last: the lines of the whole stop are shipped too.
        await shipping?.sink.close();
      })();
      return closing;
    },
  };
}

// Retention runs with the periodic work, but at most this often: a pass is a few indexed deletes.
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/** The retention pass of the periodic work: deletes what is past its retention, at most every 10 minutes. */
function retentionPass(
  tables: { outbox: OutboxTable; processedEvents: ProcessedEventsTable },
  db: Db,
  config: FunctionConfig,
  logger: Logger,
) {
  let last = 0;
  return async () => {
    if (Date.now() - last < PRUNE_EVERY_MS) return;
    last = Date.now();
    const pruned = await prune(db, tables, {
      outboxMs: config.outboxRetentionMs,
      processedEventsMs: config.processedEventsRetentionMs,
    });
    if (pruned.outbox + pruned.processedEvents > 0) logger.debug(pruned, "retention: deleted old rows");
  };
}

/** Kafka when brokers are configured, else an in-memory log of this process. */
function openLog(config: FunctionConfig, logger: Logger, onRequest: (api: string) => void): EventLog {
  return config.kafkaBrokers.length > 0
    ? createKafkaLog({ brokers: config.kafkaBrokers, clientId: config.name, logger, onRequest })
    : createMemoryLog({});
}

/** A server on `port` (HTTP/1.1 and h2c) that answers "starting" until `serve` gives it the real handler. */
async function listen(port: number) {
  let serve: (req: IncomingMessage, res: ServerResponse) => void = startingHandler;
  const server = await listenDual(port, (req, res) => serve(req as IncomingMessage, res as ServerResponse));
  return {
    url: server.url,
    serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
      serve = handler;
    },
    /** Stops taking connections and waits for the requests in flight. */
    close: (handler: { idle(): Promise<void> }) => server.close(() => handler.idle()),
  };
}
