/**
 * A dead letter, as the KafkaSource on `shop.events.dlq` delivers it: the original event (whatever
 * its type) with Knative's `knativeerror*` extensions.
 */
import type { EventContext } from "@shop/runtime";
import { readDeadLetter, receiveDeadLetter } from "../redrive/index.ts";
import type { RedriveDeps } from "../setup.ts";

/**
 * Stores the dead letter, transient (to be redriven) or malformed (dead, reported at once), and
 * reports it once stored. An event that is no dead letter is refused (4xx).
 */
export async function onDeadLetter(context: EventContext<RedriveDeps>): Promise<void> {
  const { deps, logger } = context;
  const letter = readDeadLetter(context.event);
  const received = await receiveDeadLetter(context, { letter, now: deps.now() }, deps.schedule);
  context.afterCommit(() => deps.report.received(letter, received, logger));
}
