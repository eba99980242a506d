/**
 * A Shop function: its definition (name, tables, routes, subscriptions) and how it starts and stops.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip, connectNodeAdapter } from "@connectrpc/connect-node";
import type { PGlite } from "@electric-sql/pglite";
import { type AccessPolicy, createAuthInterceptor } from "./auth/interceptor.ts";
import { createTokenVerifier } from "./auth/tokens.ts";
import { type FunctionConfig, readConfig, type SecretStore } from "./config.ts";
import { type Database, type Db, openDatabase } from "./db/database.ts";
import type { OutboxTable, ProcessedEventsTable } from "./db/tables.ts";
import type { ShopCloudEvent } from "./events/codec.ts";
import { createDispatcher, type DispatchOutcome, type EventSubscription } from "./events/subscriptions.ts";
import type { EventLog } from "./log/event-log.ts";
import { createKafkaLog } from "./log/kafka-log.ts";
import { createMemoryLog } from "./log/memory-log.ts";
import { createLogger, currentLogContext, type Logger } from "./logger.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { outboxEmitter, type Tx } from "./outbox/outbox.ts";
import { type Relay, startRelay } from "./outbox/relay.ts";
import { createSecretStore, databaseFromSecrets } from "./secrets/index.ts";
import { createRequestHandler, type FunctionRequestHandler, startingHandler } from "./server/http.ts";
import { captureRoutes, createUnaryHandler } from "./server/unary.ts";

/** What a function's routes and verbs can use. */
export interface App {
  name: string;
  config: FunctionConfig;
  logger: Logger;
  /** The database, for reads outside a transaction. */
  db: Db;
  secrets: SecretStore;
  /** Runs `fn` in one transaction with an outbox; the relay publishes its events after commit. */
  transaction<T>(fn: (tx: Tx) => Promise<T>, traceparent?: string): Promise<T>;
}

/** Everything that makes one function, given by its `server.ts`. */
export interface FunctionDefinition {
  name: string;
  /** Absolute path of the function's drizzle migrations folder. */
  migrationsFolder: string;
  outbox: OutboxTable;
  processedEvents: ProcessedEventsTable;
  subscriptions: EventSubscription[];
  /** The Connect services, as in `connect.ts`. */
  routes?: (router: ConnectRouter, app: App) => void;
  /**
   * Who may call each RPC. With routes, every call passes the auth interceptor, which verifies the
   * bearer token and enforces this policy (a method not listed is admin-only).
   */
  accessPolicy?: AccessPolicy;
  /** More Connect interceptors, inside the error and auth interceptors. */
  interceptors?: (app: App) => Interceptor[];
  /** Runs once after migrations, before the server serves requests (seed data, caches). */
  onStart?: (app: App) => Promise<void>;
}

export interface StartOptions {
  /** Overrides of the config read from the environment. */
  config?: Partial<FunctionConfig>;
  /** An event log to share (embedded mode, tests); otherwise Kafka when brokers are set, else in memory. */
  log?: EventLog;
  /** A PGlite to share (embedded mode). */
  pglite?: PGlite;
  secrets?: SecretStore;
  logger?: Logger;
  /** Whether to listen on config.port (default true); false for an embedding server. */
  listen?: boolean;
  /**
   * Fault injection for tests: when false the relay does not publish after commit, as if the process
   * died between commit and publish; only the sweeper publishes, and close() leaves the outbox as is.
   */
  publishAfterCommit?: boolean;
}

/** A started function. */
export interface RunningFunction {
  definition: FunctionDefinition;
  app: App;
  /** The node:http request handler (for an embedding server). */
  handler: FunctionRequestHandler;
  /** The URL it listens on, if it listens. */
  url: string | undefined;
  /** Handles a CloudEvent as if delivered to POST / (the kn func `handle` contract). */
  receive(event: ShopCloudEvent): Promise<DispatchOutcome>;
  relay: Relay;
  metrics: Metrics;
  /** The event log the relay publishes to. */
  log: EventLog;
  /** Stops taking requests, finishes the ones in flight, publishes what is left, closes everything. */
  close(): Promise<void>;
}

/** Declares a function; a typed identity, so definitions read the same everywhere. */
export function defineFunction(definition: FunctionDefinition): FunctionDefinition {
  return definition;
}

/** Starts a function: database and migrations, event log, relay, server. */
export async function startFunction(
  definition: FunctionDefinition,
  options: StartOptions = {},
): Promise<RunningFunction> {
  const config = { ...readConfig(definition.name), ...options.config };
  const logger = options.logger ?? createLogger(definition.name, config.logLevel);
  const ownSecrets = !options.secrets;
  const secrets = options.secrets ?? createSecretStore(process.env, logger);
  const started = performance.now();
  // Listen first, answering as starting: while secrets load (a Vault that is down or refuses keeps the
  // function waiting here, one log line, retrying) liveness says alive and readiness not ready, so
  // Kubernetes waits instead of restarting the pod in a loop.
  let serve: (req: IncomingMessage, res: ServerResponse) => void = startingHandler;
  let server: Server | undefined;
  let url: string | undefined;
  if (options.listen ?? true) {
    server = createServer((req, res) => serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server?.once("error", reject);
      server?.listen(config.port, "0.0.0.0", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    url = `http://127.0.0.1:${port}`;
  }
  // Secrets next: the database URL may be one of them.
  await secrets.load?.();
  if (!options.config?.database && !process.env.DATABASE_URL) {
    config.database = await databaseFromSecrets(definition.name, secrets, config.database);
  }
  const database: Database = await openDatabase({
    config: config.database,
    schema: definition.name,
    migrationsFolder: definition.migrationsFolder,
    ...(options.pglite ? { pglite: options.pglite } : {}),
  });
  await database.migrate();
  const ownLog = !options.log;
  const log =
    options.log ??
    (config.kafkaBrokers.length > 0
      ? createKafkaLog({ brokers: config.kafkaBrokers, clientId: definition.name, logger })
      : createMemoryLog({}));
  await log.ensureTopics([config.eventsTopic]);
  const metrics = createMetrics(definition.name, !options.pglite);
  const relay = startRelay({
    db: database.db,
    outbox: definition.outbox,
    log,
    topic: config.eventsTopic,
    logger,
    intervalMs: config.sweepIntervalMs,
    onPublished: (count) => metrics.outboxPublished.inc(count),
  });
  const source = `/functions/${definition.name}`;
  const publishAfterCommit = options.publishAfterCommit ?? true;

  const app: App = {
    name: definition.name,
    config,
    logger,
    db: database.db,
    secrets,
    async transaction(fn, traceparent) {
      let emitted = false;
      const committed: (() => void)[] = [];
      const result = await database.db.transaction(async (db) => {
        const emit = outboxEmitter(db as unknown as Db, definition.outbox, source, traceparent);
        return fn({
          db: db as unknown as Db,
          emit: (schema, message, opts) => {
            emitted = true;
            return emit(schema, message, opts);
          },
          afterCommit: (callback) => void committed.push(callback),
        });
      });
      if (emitted && publishAfterCommit) relay.kick();
      for (const callback of committed) {
        try {
          callback();
        } catch (error) {
          logger.error({ err: error }, "an after-commit callback failed");
        }
      }
      return result;
    },
  };
  await definition.onStart?.(app);
  // Leftovers of a previous process (it died between commit and publish) go out first.
  await relay.sweep();

  const dispatch = createDispatcher({
    app,
    subscriptions: definition.subscriptions,
    processedEvents: definition.processedEvents,
    transaction: app.transaction,
    sweep: () => relay.sweep(),
  });
  let accepting = true;
  const routes = captureRoutes((router) => definition.routes?.(router, app));
  const interceptors = [
    createErrorInterceptor(logger),
    createAuthInterceptor(createTokenVerifier(secrets), definition.accessPolicy ?? {}),
    ...(definition.interceptors?.(app) ?? []),
  ];
  const acceptCompression = [compressionGzip, compressionBrotli];
  const readMaxBytes = 1024 * 1024;
  const connect = connectNodeAdapter({
    routes: routes.replay,
    interceptors,
    acceptCompression,
    readMaxBytes,
  });
  const unary = createUnaryHandler({ routes, interceptors, acceptCompression, readMaxBytes });
  const handler = createRequestHandler({
    logger,
    metrics,
    dispatch,
    connect,
    unary,
    corsOrigins: config.corsOrigins,
    trustedProxyHops: config.trustedProxyHops,
    ready: async () =>
      accepting && (secrets.ready?.() ?? true) && (await database.ping()) && (await log.ready()),
  });

  serve = handler;
  logger.info(
    {
      url,
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
    handler,
    url,
    receive: dispatch,
    relay,
    metrics,
    log,
    close() {
      closing ??= (async () => {
        accepting = false;
        if (server) {
          const closed = new Promise((resolve) => server?.close(resolve));
          server.closeIdleConnections();
          await handler.idle();
          server.closeAllConnections();
          await closed;
        } else {
          await handler.idle();
        }
        // A process "dying between commit and publish" (fault injection) leaves its outbox as it is.
        if (publishAfterCommit) await relay.sweep();
        await relay.close();
        if (ownLog) await log.close();
        await database.close();
        if (ownSecrets) await secrets.close?.();
        logger.info("%s stopped", definition.name);
      })();
      return closing;
    },
  };
}

/**
 * The outer interceptor: a ConnectError passes as it is; anything else is logged with the request id
 * and becomes Internal, so no stack trace or SQL reaches a client.
 */
export function createErrorInterceptor(logger: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (error) {
      if (error instanceof ConnectError) throw error;
      logger.error({ err: error, procedure: req.url }, "unexpected error in an RPC");
      throw new ConnectError(
        `Something went wrong on our side (request ${currentLogContext().requestId ?? "unknown"}). Please try again.`,
        Code.Internal,
      );
    }
  };
}

/** Runs a function as a process: starts it and stops it gracefully on SIGTERM or SIGINT. */
export async function runFunction(definition: FunctionDefinition): Promise<void> {
  const running = await startFunction(definition);
  const stop = (signal: string) => {
    running.app.logger.info("%s received, finishing in-flight work", signal);
    void running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.app.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  // The rotation signal: read secrets from the store again (Vault's KV), no restart.
  process.on("SIGHUP", () => running.app.secrets.reload?.());
}
