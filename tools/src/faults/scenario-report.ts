/**
 * The last phase of a fault run: check the books and the topics, and gather what the run measured
 * (the faults, the reconciler's counters, the orders by when they were placed, the event-loop delay).
 */

import type { ELDHistogram } from "node:perf_hooks";
import { checkBooks, hangingOrders, orderStory, type PublishedEvent, publishedUncommitted } from "./books.ts";
import { analyticsProblems } from "./books-analytics.ts";
import { deliveredProblems } from "./books-mail.ts";
import type { FaultShop } from "./cluster.ts";
import { explainDeadLetters } from "./scenario-dead-letters.ts";
import { counterBy, counterTotal, placementTimeline, timedOutOrders } from "./scenario-queries.ts";
import type { Books, Placed, ScenarioRun, ScenarioState } from "./scenario-run.ts";
import type { ScenarioReport } from "./scenario-types.ts";
import { readTopic } from "./topics.ts";

/** The report of a run whose phases gave `state`. */
export async function report(run: ScenarioRun, sql: Books, state: ScenarioState): Promise<ScenarioReport> {
  const { placed } = state;
  const { problems, summary, published } = await checkAll(run, sql, state);
  // Receipts at the SMTP server and shipping's parcels, once per confirmed order however redelivered.
  const { problems: undelivered, summary: delivered } = await deliveredProblems(
    sql,
    placed.orderIds,
    run.options.shop.mail.messages(),
  );
  problems.push(...undelivered);
  const dead = await explainDeadLetters(run, sql, state.redelivered.poisonId);
  problems.push(...dead.problems);
  const reconcilerMetrics = await reconcilerCounters(run.options.shop);
  const timeline = await placementTimeline(sql, placed.orderIds, placed.placing);
  const timedOutStories = await timedOutOrderStories(sql, placed, published);
  return {
    problems,
    summary,
    delivered,
    faults: placed.struck.faults,
    retriedPlacements: placed.retried,
    duplicatesDelivered: state.redelivered.duplicates,
    dlq: dead.dlq,
    redrive: dead.redrive,
    ...(reconcilerMetrics ? { reconcilerMetrics } : {}),
    timeline,
    faultsAtS: placed.struck.at.map((f) => ({
      name: f.name,
      fromS: Math.round((f.from - placed.placing) / 1000),
      toS: Math.round((f.to - placed.placing) / 1000),
    })),
    timedOutStories,
    eventLoopDelayMs: loopDelayMs(run.loopDelay),
    placingMs: placed.placingMs,
    settleMs: state.settled.settleMs,
    elapsedMs: Date.now() - run.started,
  };
}

/** What did not settle, the books' problems, events on the topic that no outbox committed, orders hanging, crashes. */
async function checkAll(
  run: ScenarioRun,
  sql: Books,
  { seeded, placed, redelivered, settled }: ScenarioState,
) {
  const { options } = run;
  const { problems, summary } = await checkBooks(sql, {
    initialStock: seeded.initialStock,
    orderIds: placed.orderIds,
    ...(options.providerCharges ? { providerCharges: options.providerCharges() } : {}),
    ...(options.deadline ? { deadline: options.deadline } : {}),
  });
  problems.unshift(...settled.unsettled);
  const published: PublishedEvent[] = (await readTopic(options.kafkaBrokers, options.topic))
    .filter((record) => record.headers.ce_id !== redelivered.poisonId)
    .map((record) => ({
      id: record.headers.ce_id ?? "",
      source: record.headers.ce_source ?? "",
      type: record.headers.ce_type ?? "",
      key: record.key,
    }));
  problems.push(...(await publishedUncommitted(sql, published)));
  problems.push(...(await hangingOrders(sql, placed.orderIds, published)));
  problems.push(...(await analyticsProblems(sql, placed.orderIds)));
  // A function process that crashed (and was started again) is a problem even if the books balance.
  problems.push(...options.shop.crashes);
  return { problems, summary, published };
}

/** orders' reconciler counters, when orders runs in this process. */
async function reconcilerCounters(shop: FaultShop): Promise<ScenarioReport["reconcilerMetrics"]> {
  const ordersFn = shop.inProcess.orders;
  if (!ordersFn) return undefined;
  return {
    reasked: await counterTotal(ordersFn, "shop_orders_reasked_total"),
    timedOut: await counterTotal(ordersFn, "shop_orders_timed_out_total"),
    reaskedByStatus: await counterBy(ordersFn, "shop_orders_reasked_total", "status"),
    timedOutByStatus: await counterBy(ordersFn, "shop_orders_timed_out_total", "status"),
  };
}

/** The story across every function of the first five orders the reconciler gave up on. */
async function timedOutOrderStories(
  sql: Books,
  placed: Placed,
  published: PublishedEvent[],
): Promise<string[]> {
  const onTopic = new Set(published.map((e) => e.id));
  const stories: string[] = [];
  for (const id of await timedOutOrders(sql, placed.orderIds, 5))
    stories.push(await orderStory(sql, id, placed.placing, onTopic));
  return stories;
}

/** The event-loop delay's p50, p99 and maximum, in ms. */
function loopDelayMs(loopDelay: ELDHistogram): ScenarioReport["eventLoopDelayMs"] {
  return {
    p50: Math.round(loopDelay.percentile(50) / 1e6),
    p99: Math.round(loopDelay.percentile(99) / 1e6),
    max: Math.round(loopDelay.max / 1e6),
  };
}
