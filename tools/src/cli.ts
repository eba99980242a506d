#!/usr/bin/env tsx
import { join } from "node:path";
import { parseArgs } from "node:util";
/**
 * The `shop` CLI. `shop start` runs the whole shop on one port: embedded (PGlite + in-memory event
 * log, nothing but Node) by default, or against real Postgres and Kafka when DATABASE_URL and
 * KAFKA_BROKERS are set (infra/local/cli.mjs can start both).
 */
import {
  createDocsHandler,
  DEV_ADMIN,
  namedExporters,
  repoRoot,
  startShop,
  storefront,
  zipkinFromEnv,
} from "@shop/platform";
import { buildFunctions } from "./build/functions.ts";
import { dlqCommand } from "./commands/dlq.ts";
import { eventsCommand } from "./commands/events.ts";
import { logsCommand } from "./commands/logs.ts";
import { seedCommand } from "./commands/seed.ts";
import { traceCommand } from "./commands/trace.ts";
import { DEMO_CODES, type SeedOutcome, seedShop } from "./shop/seed.ts";
import { webhooksCommand } from "./webhooks/command.ts";

const USAGE = `usage: shop start [--port 8080] [--data .shop/data] [--reset]
       shop events tail [--type T] [--order ID] [--from-beginning]
       shop logs tail [--function F] [--level L] [--order ID] [--trace ID] [--from-beginning] [--json]
       shop dlq list | shop dlq redrive (--id ID | --all)
       shop seed [--url http://127.0.0.1:8080]
       shop trace <order-id> [--url http://127.0.0.1:8080 | --zipkin http://127.0.0.1:9411]
       shop webhooks receive --secret whsec_... [--port 4000]
(docs: tools/README.md)`;

/**
 * Stops `shop start` on SIGINT (Ctrl-C), SIGTERM (a process manager), SIGHUP (a closed terminal) or when
 * its parent dies. A signal may come more than once (sent to the whole process group and passed on by
 * tsx: the later ones are ignored) and before the shop is up: then this process just exits, and the
 * function processes, which watch it (processes.ts), stop themselves. Call the result with the shop.
 */
function stopOnSignals(): (shop: { close(): Promise<void> }) => void {
  let shop: { close(): Promise<void> } | undefined;
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${why}: stopping the shop`);
    if (!shop) process.exit(1);
    // A close that hangs must not keep the port: exit anyway (the function processes see it and stop).
    setTimeout(() => {
      console.error("the shop did not stop within 30 s: exiting");
      process.exit(1);
    }, 30_000).unref();
    shop.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("stopping the shop failed:", error);
        process.exit(1);
      },
    );
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(signal));
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop("parent process gone"), 500).unref();
  return (started) => {
    shop = started;
  };
}

/** Where the start banner says the traces are: in memory, in Zipkin (infra/local --zipkin), or nowhere. */
function traceLine(inMemory: boolean): string {
  if (inMemory) return "pnpm shop trace <order-id> (the latest orders' traces, kept in memory)";
  const zipkin = zipkinFromEnv(process.env);
  // Zipkin's UI finds an order's trace by its tag, as shop trace does.
  if (zipkin) return `${zipkin}/zipkin/ (search shop.order_id=<order id>) and pnpm shop trace <order-id>`;
  const exporters = namedExporters(process.env);
  if (exporters.length) return `exported by OTEL_* (${exporters.join(", ")})`;
  return "off (set OTEL_TRACES_EXPORTER, or start infra/local with --zipkin)";
}

async function start(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: process.env.PORT ?? "8080" },
      data: { type: "string" },
      reset: { type: "boolean" },
    },
  });
  const real = Boolean(process.env.DATABASE_URL && process.env.KAFKA_BROKERS);
  const dataDir = values.data ?? join(repoRoot, ".shop", "data");
  if (values.reset && !real) {
    const { rm } = await import("node:fs/promises");
    await rm(dataDir, { recursive: true, force: true });
  }
  const stopWith = stopOnSignals();
  const started = performance.now();
  let seeded: SeedOutcome | undefined;
  const shop = await startShop({
    port: Number(values.port),
    logLevel: process.env.LOG_LEVEL ?? "warn",
    fallback: createDocsHandler(storefront()),
    // The shop answers once its demo data is complete; an interrupted first start is finished here.
    prepare: async (url) => {
      seeded = await seedShop(url);
    },
    ...(real
      ? {
          databaseUrl: process.env.DATABASE_URL,
          kafkaBrokers: process.env.KAFKA_BROKERS!.split(","),
          processes: true,
          buildBundles: (names) => buildFunctions(names, { onlyStale: true }),
        }
      : { dataDir }),
  });
  console.log(`
Shop is running at ${shop.url}  (${real ? "real Postgres + Kafka, one process per function" : `embedded: PGlite in ${dataDir}, in-memory events`})
started in ${((performance.now() - started) / 1000).toFixed(1)} s${seeded === "seeded" ? ", demo data seeded" : ""}

  storefront      ${shop.url}/
  API docs        ${shop.url}/docs/openapi.json (OpenAPI 3.1), ${shop.url}/docs/events (event catalogue)
  admin login     ${DEV_ADMIN.email} / ${DEV_ADMIN.password}   (dev credentials, not for production)
  promotion codes ${DEMO_CODES.percent} (10%), ${DEMO_CODES.fixed} (5 EUR over 30 EUR), ${DEMO_CODES.coupon} (single use); pantry 5% is automatic
  Connect APIs    ${shop.url}/shop.catalog.v1.CatalogService/ListProducts (and every service under /shop.<domain>.v1.*)
  test cards      tok_visa (approves), tok_declined (declines), tok_unavailable (fails twice, then approves), tok_timeout (charges, then times out: payments resolves it)
  traces          ${traceLine(shop.traces !== undefined)}${shop.mail ? `\n  mail (dev)      ${shop.url}/dev/mail (what notifications sent, caught on SMTP ${shop.mail.host}:${shop.mail.port})` : ""}

Ctrl-C stops it${real ? "" : "; data stays for the next run (--reset starts over)"}.`);
  stopWith(shop);
}

const [command, ...rest] = process.argv.slice(2);
if (command === "start") await start(rest);
else if (command === "events") await eventsCommand(rest);
else if (command === "logs") await logsCommand(rest);
else if (command === "dlq") await dlqCommand(rest);
else if (command === "seed") await seedCommand(rest);
else if (command === "trace") await traceCommand(rest);
else if (command === "webhooks") await webhooksCommand(rest);
else {
  console.error(USAGE);
  process.exit(command ? 2 : 0);
}
