/**
 * The same through the local gateway of local real mode, started as `shop start` starts it with
 * DATABASE_URL and KAFKA_BROKERS: each function its own process (its bundle rebuilt when stale) on real
 * Postgres and Kafka, the gateway passing HTTP/1.1 on as HTTP/1.1 and HTTP/2 (gRPC, trailers and all)
 * on as HTTP/2 to the function's h2c port.
 */
import { startShop } from "@shop/platform";
import { createTestDatabase, testTopic } from "@shop/runtime/testing";
import { inject } from "vitest";
import { buildFunctions } from "../build/functions.ts";
import { fallback, frontDoorSuite } from "./grpc-suite.ts";

frontDoorSuite(async () =>
  startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: inject("kafkaBrokers").split(","),
    topic: testTopic("grpc"),
    dlqTopic: testTopic("grpc-dlq"),
    processes: true,
    buildBundles: (names) => buildFunctions(names, { onlyStale: true }),
    fallback,
    logLevel: "warn",
  }),
);
