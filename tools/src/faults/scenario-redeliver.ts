/**
 * The third phase of a fault run: every third record so far delivered again byte for byte, and one
 * malformed event (data that is not an OrderPlaced), which must end in the dead-letter topic and
 * nowhere else.
 */
import { randomUUID } from "node:crypto";
import type { Redelivered, ScenarioRun } from "./scenario-run.ts";
import { readTopic, republish } from "./topics.ts";

/** Re-publishes the duplicates and the malformed event to the run's topic. */
export async function redeliver(run: ScenarioRun): Promise<Redelivered> {
  const { kafkaBrokers, topic } = run.options;
  const sofar = await readTopic(kafkaBrokers, topic);
  const duplicates = sofar.filter((_, i) => i % 3 === 0);
  await republish(kafkaBrokers, topic, duplicates);
  const poisonId = `poison-${randomUUID()}`;
  await republish(kafkaBrokers, topic, [
    {
      key: poisonId,
      value: Buffer.from([0x0a, 0x7f, 0x41]),
      headers: {
        "content-type": "application/protobuf",
        ce_specversion: "1.0",
        ce_id: poisonId,
        ce_source: "/functions/orders",
        ce_type: "shop.orders.v1.OrderPlaced",
        ce_subject: poisonId,
        ce_partitionkey: poisonId,
      },
    },
  ]);
  run.log(`faults: re-delivered ${duplicates.length} records and 1 malformed event`);
  return { duplicates: duplicates.length, poisonId };
}
