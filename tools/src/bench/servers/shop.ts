/**
 * The shop for the pipeline benchmarks, printing `{"url": …}` when it serves:
 *   real       real Kafka (KAFKA_BROKERS) and Postgres (DATABASE_URL), all functions in this process
 *   processes  the same, each function its own process (its bundle) as deployed; this process runs
 *              the runner (the broker's dispatcher) and the gateway
 *   embedded   PGlite and the in-memory log (PGlite in SHOP_DATA_DIR when set, as `npm start` keeps it
 *              in .shop/data, else in memory); also `statsUrl`, where the bench reads this process's
 *              memory and PGlite's counters (see embedded-stats.ts)
 * Exits cleanly on SIGTERM.
 */
import { startShop } from "@shop/platform";
import { buildFunctions } from "../../build/functions.ts";
import { serveEmbeddedStats } from "./embedded-stats.ts";

const mode = process.argv[2];
const shop =
  mode === "real" || mode === "processes"
    ? await startShop({
        databaseUrl: process.env.DATABASE_URL,
        kafkaBrokers: (process.env.KAFKA_BROKERS ?? "").split(","),
        topic: process.env.SHOP_EVENTS_TOPIC,
        dlqTopic: `${process.env.SHOP_EVENTS_TOPIC}.dlq`,
        logLevel: "error",
        processes: mode === "processes",
        buildBundles: (names) => buildFunctions(names, { onlyStale: true }),
      })
    : await startShop({
        logLevel: "error",
        ...(process.env.SHOP_DATA_DIR ? { dataDir: process.env.SHOP_DATA_DIR } : {}),
      });
const stats = mode === "embedded" ? await serveEmbeddedStats(shop) : undefined;
process.once(
  "SIGTERM",
  () => void Promise.all([shop.close(), stats?.close()]).finally(() => process.exit(0)),
);
console.log(JSON.stringify({ url: shop.url, ...(stats ? { statsUrl: stats.url } : {}) }));
