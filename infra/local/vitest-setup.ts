/**
 * Vitest global setup for integration tests: real Kafka and Postgres from infra/local
 * (or the ones KAFKA_BROKERS / DATABASE_URL point at), provided to tests with `inject()`.
 */
import type { TestProject } from "vitest/node";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startInfra } from "./index.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    kafkaBrokers: string;
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const infra = await startInfra();
  project.provide("kafkaBrokers", infra.kafkaBrokers);
  project.provide("databaseUrl", infra.databaseUrl);
  return () => infra.stop();
}
