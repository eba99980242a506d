import { describe, inject } from "vitest";
import { fixtureFunction } from "../testing/fixture/fixture.ts";
import { createTestDatabase, startForTest } from "../testing/index.ts";
import { retentionCases } from "./retention-cases.ts";

describe("retention of the outbox and the processed-events record (Postgres)", () => {
  retentionCases(async () =>
    startForTest(fixtureFunction, {
      publishAfterCommit: false,
      config: { database: { kind: "postgres", url: await createTestDatabase(inject("databaseUrl")) } },
    }),
  );
});
