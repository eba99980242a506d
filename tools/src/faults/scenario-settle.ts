/**
 * The fourth phase of a fault run: wait, under one deadline, until everything has settled. A shop
 * that does not settle is reported with the books as they stand (which orders hang, at which step,
 * which consumer groups are behind), not as a bare timeout.
 */
import { waitFor } from "@shop/runtime/testing";
import { openOrders, unpublished, unresolvedPayments, waitingLetters } from "./books.ts";
import { unsentEmails } from "./books-mail.ts";
import type { Books, ScenarioRun, Settled } from "./scenario-run.ts";
import type { ScenarioOptions } from "./scenario-types.ts";
import { lag, lagging } from "./topics.ts";

type Check = [message: string, check: () => Promise<boolean>];

/** Waits for each quiet check in turn, then for all of them at once; what did not settle, in sentences. */
export async function settle(run: ScenarioRun, sql: Books, orderIds: string[]): Promise<Settled> {
  const start = Date.now();
  const deadline = start + (run.options.settleTimeoutMs ?? 90_000);
  const unsettled: string[] = [];
  const settled = async (message: string, check: () => Promise<boolean>) => {
    if (unsettled.length > 0) return;
    try {
      await waitFor(check, { message, timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 250 });
    } catch (error) {
      unsettled.push((error as Error).message);
    }
  };
  const quiet = quietChecks(run.options, sql, orderIds);
  for (const [message, check] of quiet) await settled(message, check);
  // A last round, all at once: what was just published, redriven or resolved must be handled too.
  let last = "";
  await settled("everything to settle at once", async () => {
    for (const [message, check] of quiet) {
      if (!(await check())) {
        last = message;
        return false;
      }
    }
    return true;
  });
  if (unsettled.length > 0 && last) unsettled.push(`(still waiting for ${last})`);
  if (unsettled.length > 0) unsettled.push(...(await behind(run.options)));
  return { unsettled, settleMs: Date.now() - start };
}

/** What a settled shop shows: each check with what it waits for. */
function quietChecks(options: ScenarioOptions, sql: Books, orderIds: string[]): Check[] {
  const { kafkaBrokers, topic, shop } = options;
  const triggersCaughtUp = async () => (await lag(kafkaBrokers, topic, shop.groups)) === 0;
  // The KafkaSources (redrive's, on the dead-letter topic) must have taken every dead letter too.
  const sourcesCaughtUp = async () => {
    for (const { groupId, topics } of shop.sourceGroups)
      for (const source of topics) if ((await lag(kafkaBrokers, source, [groupId])) > 0) return false;
    return true;
  };
  return [
    ["every order to be final", async () => (await openOrders(sql, orderIds)) === 0],
    [
      "every Trigger and KafkaSource to catch up",
      async () => (await triggersCaughtUp()) && (await sourcesCaughtUp()),
    ],
    ["every outbox row to be published", async () => (await unpublished(sql)) === 0],
    [
      "every payment to be resolved (none unknown or refunding)",
      async () => (await unresolvedPayments(sql)) === 0,
    ],
    ["every transient dead letter to be redriven", async () => (await waitingLetters(sql)) === 0],
    ["every email owed to be sent", async () => (await unsentEmails(sql)) === 0],
  ];
}

/** Which consumer groups are behind, and where: a Trigger that stopped consuming, or one slow. */
async function behind({ kafkaBrokers, topic, shop }: ScenarioOptions): Promise<string[]> {
  const groups = await lagging(kafkaBrokers, topic, shop.groups).catch((error: unknown) => [
    `(could not read the groups' offsets: ${String(error)})`,
  ]);
  for (const { groupId, topics } of shop.sourceGroups)
    for (const source of topics) groups.push(...(await lagging(kafkaBrokers, source, [groupId])));
  return groups.map((b) => `behind: ${b}`);
}
