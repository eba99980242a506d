/**
 * The replay: forget every projection, then read shop.events from its start and apply each event the
 * way a delivery would. Because the facts merge commutatively and each event is recorded once (its
 * processed-events row), events the live KafkaSource delivers meanwhile neither get lost nor counted
 * twice, and the result is the same as a build from scratch.
 */
import type { App, EventSubscription, LogRecord } from "@shop/runtime";
import { decodeEvent, expectedSource, fromKafkaRecord } from "@shop/runtime";
import { count, sql } from "drizzle-orm";
import { orderFacts, processedEvents } from "../db/schema.ts";
import { replayNeedsKafka } from "./errors.ts";
import type { ReadTopic } from "./topic-reader.ts";

/** What a replay came to. */
export interface ReplayOutcome {
  eventsRead: number;
  orders: number;
}

/** What the replay needs: the topic (none without Kafka), what it applies, and the runtime's app. */
export interface ReplayInput {
  readTopic: ReadTopic | undefined;
  subscriptions: EventSubscription[];
  app: Pick<App, "db" | "transaction" | "logger">;
}

/** Rebuilds the projections from the start of the topic; refuses without Kafka. */
export async function replayAnalytics({
  readTopic,
  subscriptions,
  app,
}: ReplayInput): Promise<ReplayOutcome> {
  if (!readTopic) throw replayNeedsKafka();
  // TRUNCATE waits for the deliveries in flight to commit: each is then either wiped and read again
  // below (it was on the topic before the replay looked where the topic ends), or comes after.
  await app.transaction((tx) => tx.db.execute(sql`truncate ${orderFacts}, ${processedEvents}`));
  const byType = new Map(subscriptions.map((s) => [s.schema.typeName, s]));
  const eventsRead = await readTopic((records) => apply(records, byType, app));
  const [row] = await app.db.select({ orders: count() }).from(orderFacts);
  app.logger.info({ eventsRead, orders: row?.orders ?? 0 }, "analytics replayed from the start of the topic");
  return { eventsRead, orders: row?.orders ?? 0 };
}

/** Applies one batch of records in one transaction, as the dispatcher would: once per event. */
async function apply(
  records: LogRecord[],
  byType: Map<string, EventSubscription>,
  app: ReplayInput["app"],
): Promise<void> {
  await app.transaction(async (tx) => {
    for (const record of records) {
      const event = (() => {
        try {
          return fromKafkaRecord(record);
        } catch {
          return undefined;
        }
      })();
      const subscription = event && byType.get(event.type);
      if (!event || !subscription || event.source !== expectedSource(event.type)) continue;
      let decoded: ReturnType<typeof decodeEvent>;
      try {
        decoded = decodeEvent(event);
      } catch (error) {
        // The live delivery dead-letters such an event; the replay passes it over the same way.
        app.logger.warn(
          { id: event.id, type: event.type, err: error },
          "replay: malformed event passed over",
        );
        continue;
      }
      if (!decoded) continue;
      // Merged like a delivery: a record the live KafkaSource also delivers changes nothing twice.
      await subscription.handler(decoded.message, { ...tx, event, deps: undefined, logger: app.logger });
    }
  });
}
