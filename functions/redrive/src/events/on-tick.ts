/**
 * The PingSource tick (and redrive's own timer): the due dead letters are redriven.
 */
import type { App } from "@shop/runtime";
import { pruneLetters, redriveDue } from "../redrive/index.ts";
import type { RedriveDeps } from "../setup.ts";

/**
 * Redrives due dead letters, one round after another until a round comes back short, reporting each
 * outcome; then deletes the letters done with that are past their retention.
 */
export async function onTick(deps: RedriveDeps, app: App): Promise<void> {
  for (;;) {
    const { claimed, outcomes } = await redriveDue(app, { limit: deps.batch }, deps);
    for (const outcome of outcomes) deps.report.redriven(outcome);
    if (claimed < deps.batch) break;
  }
  const before = new Date(deps.now().getTime() - deps.retentionMs);
  const pruned = await app.transaction((tx) => pruneLetters(tx, { before }));
  if (pruned > 0) app.logger.debug({ pruned }, "retention: deleted old dead letters");
}
