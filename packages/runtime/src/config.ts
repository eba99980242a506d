/**
 * Typed configuration of a function, read once from the environment, and the secrets seam.
 */
import { randomBytes } from "node:crypto";
import { devKeySecrets } from "./auth/keys.ts";
import { type LogShipping, logShippingFromEnv } from "./log-ship/settings.ts";
import { devTransitKeyPath, devTransitSecrets, openWithKey, sealWithKey } from "./secrets/transit.ts";

/** Where a function keeps its data. */
export type DatabaseConfig =
  | { kind: "postgres"; url: string }
  /** Embedded mode: PGlite in a folder, or in memory when `dataDir` is undefined. */
  | { kind: "pglite"; dataDir: string | undefined };

/** Everything a function reads from its environment. */
export interface FunctionConfig {
  /** The function's name: folder, package, Knative Service, Postgres schema and event source. */
  name: string;
  port: number;
  database: DatabaseConfig;
  /** Kafka bootstrap servers; empty in embedded mode. */
  kafkaBrokers: string[];
  /** The Broker's topic the outbox relay publishes to. */
  eventsTopic: string;
  logLevel: string;
  /** Where the function ships its own log lines (SHOP_LOGS_KAFKA=1, log-ship/settings.ts); undefined: stdout only. */
  logShipping: LogShipping | undefined;
  /**
   * How often the outbox sweeper looks for events left behind, in ms, while some may be
   * (`SHOP_SWEEP_INTERVAL_MS`, default 5 s; besides start and PingSource ticks; 0: no timer).
   */
  sweepIntervalMs: number;
  /**
   * The sweeper's longest period while nothing is known to be left behind: it doubles from
   * `sweepIntervalMs` up to this (`SHOP_SWEEP_IDLE_INTERVAL_MS`, default 60 s). See the outbox relay.
   */
  sweepIdleIntervalMs: number;
  /**
   * How often the function's periodic work (`onTick`: reconcilers, retention) runs on its own, in ms,
   * besides every PingSource tick (`SHOP_TICK_INTERVAL_MS`, default 10 s; 0: only on ticks).
   */
  tickIntervalMs: number;
  /** How long published outbox rows are kept, in ms (`SHOP_OUTBOX_RETENTION_MS`, default 1 day). */
  outboxRetentionMs: number;
  /**
   * How long processed-event records are kept, in ms (`SHOP_PROCESSED_EVENTS_RETENTION_MS`, default
   * 8 days): longer than any event can still be redelivered (Kafka keeps `shop.events` and its dead
   * letters 7 days by default, and a redrive replays from there), so deduplication never forgets an
   * event that can still come back.
   */
  processedEventsRetentionMs: number;
  /** Browser origins allowed to call the Connect routes (`SHOP_CORS_ORIGINS`, comma-separated); none by default. */
  corsOrigins: string[];
  /**
   * Proxies in front that append to X-Forwarded-For (`SHOP_TRUSTED_PROXY_HOPS`). Default: on Knative
   * (`K_SERVICE` is set) `KNATIVE_PROXY_HOPS`, elsewhere 0 (the socket's peer is the client).
   */
  trustedProxyHops: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The proxies every request passes on Shop's Knative deployment, right to left: the pod's queue-proxy
 * (the socket's peer), Kourier (kourier-internal) and Envoy Gateway, each appending the address it saw
 * to X-Forwarded-For. Knative sets `K_SERVICE` in every revision, so a function there counts them
 * without configuration and per-address limits see the client, not the queue-proxy.
 */
export const KNATIVE_PROXY_HOPS = 3;

/** Reads a function's config from `env`. Unknown values fall back to the documented defaults. */
export function readConfig(name: string, env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  const url = env.DATABASE_URL ?? "";
  const database: DatabaseConfig = url.startsWith("postgres")
    ? { kind: "postgres", url }
    : { kind: "pglite", dataDir: url.startsWith("pglite:") ? url.slice("pglite:".length) : undefined };
  return {
    name,
    port: Number(env.PORT ?? 8080),
    database,
    kafkaBrokers: (env.KAFKA_BROKERS ?? "").split(",").filter(Boolean),
    eventsTopic: env.SHOP_EVENTS_TOPIC ?? "shop.events",
    logLevel: env.LOG_LEVEL ?? "info",
    logShipping: logShippingFromEnv(env),
    sweepIntervalMs: Number(env.SHOP_SWEEP_INTERVAL_MS ?? 5_000),
    sweepIdleIntervalMs: Number(env.SHOP_SWEEP_IDLE_INTERVAL_MS ?? 60_000),
    tickIntervalMs: Number(env.SHOP_TICK_INTERVAL_MS ?? 10_000),
    outboxRetentionMs: Number(env.SHOP_OUTBOX_RETENTION_MS ?? DAY_MS),
    processedEventsRetentionMs: Number(env.SHOP_PROCESSED_EVENTS_RETENTION_MS ?? 8 * DAY_MS),
    trustedProxyHops: Number(env.SHOP_TRUSTED_PROXY_HOPS ?? (env.K_SERVICE ? KNATIVE_PROXY_HOPS : 0)),
    corsOrigins: (env.SHOP_CORS_ORIGINS ?? "")
      .split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
}

/** Where a function's secrets come from. Vault implements it in the cluster; env and dev values locally. */
export interface SecretStore {
  /**
   * The key/value secret at `path` (`shop/<function>/<name>`), or undefined if there is none.
   * `fresh` asks for the current value rather than a cached one (a key rotated in since).
   */
  read(path: string, options?: { fresh?: boolean }): Promise<Record<string, string> | undefined>;
  /**
   * Writes the key/value secret at `path` (a new version in Vault's KV v2), so later reads see it: for a
   * function that makes secrets of its own (webhooks' signing secrets). Absent: the store is read-only.
   */
  write?(path: string, value: Record<string, string>): Promise<void>;
  /** A short description for the start-up log line, never containing a secret. */
  describe(): string;
  /**
   * Resolves once the store can serve secrets (logged in, first secrets read). A store that waits on
   * a server retries until it answers; the function starts only then. Absent: ready at once.
   */
  load?(): Promise<void>;
  /** False while the store cannot serve current secrets (Vault down, login refused); absent: always true. */
  ready?(): boolean;
  /** Forgets cached values, so the next reads see rotated secrets (the SIGHUP rotation signal). */
  reload?(): void;
  /** Stops background work (token renewal). */
  close?(): Promise<void>;
  /**
   * Public dev values a function declares (`devSecrets`), for a store of local runs only; a store of
   * real secrets (Vault) has no such method, so a missing secret stays missing there.
   */
  useDevDefaults?(defaults: Record<string, Record<string, string>>): void;
  /**
   * Vault's Transit engine: encrypts `plaintext` with the named key (`vault:v1:…`; a derived key's for
   * `context`), if the caller's policy may. The key never leaves Vault (secrets/transit.ts).
   */
  encrypt?(key: string, plaintext: string, context?: string): Promise<string>;
  /**
   * Decrypts a Transit ciphertext of the named key (with the `context` it was made with, for a derived
   * key), if the caller's policy may; UnreadableCiphertextError when it cannot be opened at all.
   */
  decrypt?(key: string, ciphertext: string, context?: string): Promise<string>;
}

/**
 * Whether `env` is a development run: no Vault (`VAULT_ADDR`) and not `NODE_ENV=production`. Only a
 * development run may use dev values for a missing secret; anywhere else a missing secret is missing.
 */
export function isDevelopment(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.VAULT_ADDR && env.NODE_ENV !== "production";
}

/**
 * Secrets from environment variables: `shop/orders/db` is read from `SHOP_SECRET_ORDERS_DB` (JSON).
 * In development a path with no variable gets dev values: the fixed dev token keys (so separate local
 * processes agree), a function's declared `devSecrets`, or a random value made once per process. With
 * `NODE_ENV=production` it serves the variables only, and offers no dev defaults.
 */
export function envSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  if (!isDevelopment(env)) return productionEnvSecretStore(env);
  const generated = new Map<string, Record<string, string>>(
    Object.entries({ ...devKeySecrets(), ...devTransitSecrets() }),
  );
  // Transit locally: the dev key of `shop/transit/<key>` (SHOP_SECRET_TRANSIT_<KEY> overrides it).
  const transitKey = async (key: string) => {
    const value = await read(devTransitKeyPath(key));
    if (!value?.key) throw new Error(`no Transit key ${key} in the local secret store`);
    return Buffer.from(value.key, "base64");
  };
  async function read(path: string) {
    const raw = env[secretVariable(path)];
    if (raw) return JSON.parse(raw) as Record<string, string>;
    let value = generated.get(path);
    if (!value) {
      value = { value: randomBytes(32).toString("base64url") };
      generated.set(path, value);
    }
    return value;
  }
  return {
    encrypt: async (key, plaintext, context) => sealWithKey(await transitKey(key), plaintext, context),
    decrypt: async (key, ciphertext, context) => openWithKey(key, await transitKey(key), ciphertext, context),
    useDevDefaults(defaults) {
      for (const [path, value] of Object.entries(defaults)) generated.set(path, value);
    },
    describe: () => "environment variables (generated dev secrets where unset; not for production)",
    read,
    // In memory, like the generated ones: a local run's own secrets last as long as its process.
    async write(path, value) {
      generated.set(path, { ...value });
    },
  };
}

/** The variable of a secret path: `shop/orders/db` → `SHOP_SECRET_ORDERS_DB`. */
function secretVariable(path: string): string {
  return `SHOP_SECRET_${path
    .replace(/^shop\//, "")
    .replace(/[^a-z0-9]+/gi, "_")
    .toUpperCase()}`;
}

function productionEnvSecretStore(env: NodeJS.ProcessEnv): SecretStore {
  return {
    describe: () => "environment variables (production: no dev values)",
    async read(path) {
      const raw = env[secretVariable(path)];
      return raw ? (JSON.parse(raw) as Record<string, string>) : undefined;
    },
  };
}
