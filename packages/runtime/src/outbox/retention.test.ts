import { describe } from "vitest";
import { fixtureFunction } from "../testing/fixture/fixture.ts";
import { startForTest } from "../testing/index.ts";
import { retentionCases } from "./retention-cases.ts";

describe("retention of the outbox and the processed-events record (PGlite)", () => {
  // The relay does not publish after commit here: the test decides what is published.
  retentionCases(() => startForTest(fixtureFunction, { publishAfterCommit: false }));
});
