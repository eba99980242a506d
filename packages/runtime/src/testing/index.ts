/**
 * Helpers for tests of functions: a fresh database per test file, and waiting for a condition.
 */
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { defaultEventAudience } from "../events/auth-config.ts";
import { createEventIssuer, type EventIssuer } from "../events/event-issuer.ts";
import { createLogger } from "../logger.ts";

export { fixtureFunction } from "./fixture/fixture.ts";
export { greetings as fixtureGreetings } from "./fixture/schema.ts";
export { metricNames, parseScrape, type Sample, sampleValue } from "./scrape.ts";
export { sealedLocally } from "./sealed.ts";
export { type TestClientOptions, testClient } from "./test-client.ts";
export { startVaultDouble, type TokenTtl, type VaultDouble } from "./vault-double.ts";
export { type PolicyRule, parsePolicy } from "./vault-policy.ts";
export {
  POLICIES_DIR,
  provisionFunction,
  putSigningKey,
  type VaultTarget,
  vaultForTests,
} from "./vault-target.ts";

/** A logger whose lines a test reads back (`lines()`, raw JSON text), at `level` (default trace). */
export function captureLogs(name: string, level = "trace") {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      callback();
    },
  });
  return { logger: createLogger(name, level, destination), lines: () => [...lines] };
}

/** Creates an empty database on the server of `serverUrl` and returns its URL. */
export async function createTestDatabase(serverUrl: string): Promise<string> {
  const { default: postgres } = await import("postgres");
  const name = `test_${randomUUID().replaceAll("-", "")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`
 * with `message`. For conditions reached asynchronously (events through Kafka); never a fixed sleep.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 50, message = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${message}${lastError ? `: ${String(lastError)}` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A unique Kafka topic name, so test files do not see each other's events. */
export function testTopic(prefix = "test"): string {
  return `${prefix}.${randomUUID()}`;
}

let testIssuer: Promise<EventIssuer> | undefined;

/**
 * The event token issuer of this test process: what `startForTest` functions trust unless told
 * otherwise, and what a test's runner (or a test POSTing an event itself) mints tokens with.
 */
export function testEventIssuer(): Promise<EventIssuer> {
  testIssuer ??= createEventIssuer({ issuer: "shop-test-broker" });
  return testIssuer;
}

/** The Authorization header of a delivery to function `name` (audience `shop/<name>`), from the test issuer. */
export async function eventAuthorization(name: string): Promise<string> {
  return `Bearer ${await (await testEventIssuer()).token(defaultEventAudience(name))}`;
}

/**
 * Starts a function for a unit test: PGlite in memory and an in-memory event log, not listening.
 * Its events are read back with `publishedEvents`. Its `POST /` trusts `testEventIssuer()`.
 */
export async function startForTest<Config, Deps>(
  definition: import("../function.ts").FunctionDefinition<Config, Deps>,
  options: import("../function.ts").StartOptions<Config, Deps> = {},
) {
  const { startFunction } = await import("../start.ts");
  const { createLogger } = await import("../logger.ts");
  const issuer = await testEventIssuer();
  return startFunction(definition, {
    listen: false,
    logger: createLogger(definition.name, "silent"),
    eventAuth: { issuer: issuer.issuer, keys: issuer.keys },
    eventTokens: (audience) => issuer.token(audience),
    ...options,
    config: {
      database: { kind: "pglite", dataDir: undefined },
      kafkaBrokers: [],
      sweepIntervalMs: 0,
      tickIntervalMs: 0,
      ...options.config,
    },
  });
}

/** Every event a function published to its log so far, decoded, in order of publication per key. */
export async function publishedEvents(fn: import("../function.ts").RunningFunction) {
  const { decodeEvent, fromKafkaRecord } = await import("../events/codec.ts");
  await fn.relay.sweep();
  const committed = await fn.app.db.$count(fn.definition.outbox);
  const records: import("../log/event-log.ts").LogRecord[] = [];
  const subscription = await fn.log.subscribe({
    groupId: `test-reader-${randomUUID()}`,
    topic: fn.app.config.eventsTopic,
    ordered: true,
    fromBeginning: true,
    transient: true,
    handler: async (record) => void records.push(record),
  });
  await waitFor(() => records.length >= committed, { message: `${committed} published events` });
  await subscription.close();
  return records.map((record) => decodeEvent(fromKafkaRecord(record))!);
}
