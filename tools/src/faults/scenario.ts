/**
 * A fault run: seed a small shop, place orders from several customers (declined, transiently failing
 * and coupon-carrying ones among them) while faults strike at set points, deliver duplicates and one
 * malformed event, wait for everything to settle (orders final, payments resolved, dead letters
 * redriven), then check the books and the dead-letter topic. Each phase is a file `scenario-<phase>.ts`;
 * what they share is typed in scenario-run.ts.
 */

import { openBooks } from "./books.ts";
import { place } from "./scenario-place.ts";
import { redeliver } from "./scenario-redeliver.ts";
import { report } from "./scenario-report.ts";
import { startRun } from "./scenario-run.ts";
import { seed } from "./scenario-seed.ts";
import { settle } from "./scenario-settle.ts";
import type { ScenarioOptions, ScenarioReport } from "./scenario-types.ts";

export type { Fault, RedriveReport, ScenarioOptions, ScenarioReport } from "./scenario-types.ts";

/** Runs the scenario and returns the report; it throws only if the shop cannot be driven at all. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioReport> {
  const run = startRun(options);
  try {
    const seeded = await seed(run);
    const placed = await place(run, seeded); // the faults strike meanwhile
    const redelivered = await redeliver(run);
    const sql = openBooks(options.databaseUrl);
    try {
      const settled = await settle(run, sql, placed.orderIds);
      return await report(run, sql, { seeded, placed, redelivered, settled });
    } finally {
      await sql.end({ timeout: 5 });
    }
  } finally {
    run.loopDelay.disable();
  }
}
