/**
 * A Shop function's definition: the one composition root of each function. It names the function,
 * parses its config once, builds its dependencies in `setup`, and lists its routes, access policy and
 * subscriptions; `startFunction` (start.ts) turns it into a running server.
 */
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import type { PGlite } from "@electric-sql/pglite";
import type { App } from "./app.ts";
import type { AccessPolicy } from "./auth/interceptor.ts";
import type { FunctionConfig, SecretStore } from "./config.ts";
import type { OutboxTable, ProcessedEventsTable } from "./db/tables.ts";
import type { EventAuthOption } from "./events/auth-config.ts";
import type { ShopCloudEvent } from "./events/codec.ts";
import type { DeliveryTokens } from "./events/delivery-tokens.ts";
import type { DispatchOutcome, EventSubscription, OtherEventHandler } from "./events/subscriptions.ts";
import type { EventLog } from "./log/event-log.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";
import type { Relay } from "./outbox/relay.ts";
import type { GetRoute } from "./server/get-routes.ts";
import type { FunctionRequestHandler } from "./server/http.ts";
import type { TracingOptions } from "./tracing/types.ts";

/** What `setup` builds a function's dependencies from. */
export interface SetupContext<Config> {
  /** The function's own config, parsed once by its `config`. */
  config: Config;
  /** The runtime's facilities: logger, database, secrets, transactions. */
  app: App;
  /** The function's metrics: `metrics.counter(…)` makes its own, served at /metrics with the runtime's. */
  metrics: Metrics;
}

/**
 * Everything that makes one function, given by its `src/function.ts`. Without type arguments it
 * stands for any function, whatever its config and dependencies (lists of functions, the runner).
 */
// biome-ignore lint/suspicious/noExplicitAny: the unparameterised type must accept every function.
export interface FunctionDefinition<Config = any, Deps = any> {
  /** Folder, package, Knative Service, Postgres schema and event source: one name everywhere. */
  name: string;
  /** Absolute path of the function's drizzle migrations folder. */
  migrationsFolder: string;
  outbox: OutboxTable;
  processedEvents: ProcessedEventsTable;
  /** Parses the function's own config from the environment, once at start (nothing else reads env). */
  config?: (env: NodeJS.ProcessEnv) => Config;
  /**
   * Secrets a local run (no Vault) uses where no `SHOP_SECRET_*` variable gives one: public dev
   * values, so separate local processes agree and the start banner can print them. Outside
   * development (`VAULT_ADDR` or `NODE_ENV=production`) they are required instead: until each exists
   * the function waits not ready, saying which is missing (`requireSecrets`).
   */
  devSecrets?: Record<string, Record<string, string>>;
  /** Serves the public keys of access tokens at `/.well-known/jwks.json` (identity, the issuer). */
  publishesKeys?: boolean;
  /** Builds the dependencies that routes, handlers and `onStart` receive (providers, caches, notifiers). */
  setup?: (context: SetupContext<Config>) => Deps | Promise<Deps>;
  /** The one list of what the function consumes; the Triggers in knative/ match it. */
  subscriptions?: EventSubscription<Deps>[];
  /**
   * Takes every event of a type `subscriptions` does not name, undecoded and without a processed-events
   * record (a function that handles any event: the dead-letter redriver). Without it they are ignored.
   */
  otherEvents?: OtherEventHandler<Deps>;
  /**
   * Whether `otherEvents` takes an event of `type` at all. A no is answered "ignored" at once, without
   * a transaction: for a function fed every event whose interest is narrower and changes (webhooks).
   */
  wantsOtherEvent?: (type: string, deps: Deps) => boolean | Promise<boolean>;
  /** The Connect services, as in `connect.ts`. */
  routes?: (router: ConnectRouter, deps: Deps, app: App) => void;
  /**
   * Who may call each RPC. With routes, every call passes the auth interceptor, which verifies the
   * bearer token and enforces this policy (a method not listed is admin-only).
   */
  policy?: AccessPolicy;
  /**
   * Plain HTTP GET routes (files the function serves, such as product images), each under a path
   * prefix of its own that no Connect service uses (`/images/`); anyone may GET them.
   */
  getRoutes?: (deps: Deps, app: App) => GetRoute[];
  /** Largest request body a Connect route reads (default 1 MiB): more for uploads. */
  readMaxBytes?: number;
  /** More Connect interceptors, inside the error and auth interceptors. */
  interceptors?: (deps: Deps, app: App) => Interceptor[];
  /** Runs once after migrations, before the server serves requests (seed data, caches). */
  onStart?: (deps: Deps, app: App) => Promise<void>;
  /**
   * The function's periodic work (a reconciler, a retry of unknown outcomes): run on every PingSource
   * tick and every `tickIntervalMs`, never twice at once in one process. It must be safe to run on
   * several replicas at the same time (lock what it works on).
   */
  onTick?: (deps: Deps, app: App) => Promise<void>;
  /** Stops what `setup` started (timers, connections), before the database closes. */
  onStop?: (deps: Deps) => Promise<void> | void;
}

/** Declares a function; a typed identity, so definitions read the same everywhere and infer their types. */
export function defineFunction<Config = undefined, Deps = undefined>(
  definition: FunctionDefinition<Config, Deps>,
): FunctionDefinition<Config, Deps> {
  return definition;
}

/** How to start a function; every field is optional and defaults to production behaviour. */
// biome-ignore lint/suspicious/noExplicitAny: the unparameterised type must accept every function.
export interface StartOptions<Config = any, Deps = any> {
  /** Overrides of the runtime config read from the environment. */
  config?: Partial<FunctionConfig>;
  /** The environment the function's own `config` is parsed from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Overrides of the function's own config, after parsing (tests). */
  settings?: Partial<Config>;
  /** Dependencies that replace what `setup` built (tests: a payment provider that records charges). */
  deps?: Partial<Deps>;
  /** An event log to share (embedded mode, tests); otherwise Kafka when brokers are set, else in memory. */
  log?: EventLog;
  /** A PGlite to share (embedded mode). */
  pglite?: PGlite;
  secrets?: SecretStore;
  logger?: Logger;
  /** An exporter of the host's own (embedded mode's in-memory traces) instead of the OTEL_* choice. */
  tracing?: TracingOptions;
  /**
   * How `POST /` authenticates deliveries, instead of the `SHOP_EVENT_*` variables: the keys of an
   * issuer in this process (the local runner's, a test's), or "off".
   */
  eventAuth?: EventAuthOption;
  /** Tokens for events this function delivers itself (`app.deliveryTokens`), instead of `SHOP_SENDER_IDENTITY_DIR`. */
  eventTokens?: DeliveryTokens;
  /** Whether to listen on config.port (default true); false for an embedding server. */
  listen?: boolean;
  /**
   * Fault injection for tests: when false the relay does not publish after commit, as if the process
   * died between commit and publish; only the sweeper publishes, and close() leaves the outbox as is.
   */
  publishAfterCommit?: boolean;
}

/** A started function (any function, without type arguments). */
// biome-ignore lint/suspicious/noExplicitAny: the unparameterised type must accept every function.
export interface RunningFunction<Config = any, Deps = any> {
  definition: FunctionDefinition<Config, Deps>;
  app: App;
  /** The dependencies its `setup` built (with any `StartOptions.deps` applied). */
  deps: Deps;
  /** The function's own config, as parsed. */
  settings: Config;
  /** The node:http request handler (for an embedding server). */
  handler: FunctionRequestHandler;
  /** The Connect interceptor chain its server runs, outermost first (the test client runs it too). */
  interceptors: Interceptor[];
  /** The URL it listens on, if it listens. */
  url: string | undefined;
  /** Runs the periodic work now, as a PingSource tick does: the outbox sweep, then `onTick`. */
  tick(): Promise<void>;
  /** Handles a CloudEvent as if delivered to POST / (the kn func `handle` contract). */
  receive(event: ShopCloudEvent): Promise<DispatchOutcome>;
  relay: Relay;
  metrics: Metrics;
  /** The event log the relay publishes to. */
  log: EventLog;
  /** Stops taking requests, finishes the ones in flight, publishes what is left, closes everything. */
  close(): Promise<void>;
}
