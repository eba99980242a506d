/**
 * The whole shop in one process for the pipeline benchmarks, printing `{"url": …}` when it serves:
 *   real       real Kafka (KAFKA_BROKERS) and Postgres (DATABASE_URL)
 *   embedded   PGlite and the in-memory log
 * Exits cleanly on SIGTERM.
 */
import { startShop } from "../../shop/start-shop.ts";

const mode = process.argv[2];
const shop =
  mode === "real"
    ? await startShop({
        databaseUrl: process.env.DATABASE_URL,
        kafkaBrokers: (process.env.KAFKA_BROKERS ?? "").split(","),
        topic: process.env.SHOP_EVENTS_TOPIC,
        dlqTopic: `${process.env.SHOP_EVENTS_TOPIC}.dlq`,
        logLevel: "error",
      })
    : await startShop({ logLevel: "error" });
process.once("SIGTERM", () => void shop.close().finally(() => process.exit(0)));
console.log(JSON.stringify({ url: shop.url }));
