/**
 * The local runner: plays Knative's Kafka broker on one machine. It reads the Brokers and Triggers in
 * `knative/`, consumes each Trigger's broker topic in the Trigger's own consumer group, and dispatches
 * with the same filters, ordering, retries and dead-lettering as the broker's dispatcher. It plays the
 * KafkaSources there too: each one's topics in its consumer group, to its sink, with the same
 * delivery code (the redrive function's source of dead letters is one).
 */
import { setMaxListeners } from "node:events";
import type { Tracer } from "@opentelemetry/api";
import type { EventLog, LogLogger, OutgoingRecord, Subscription } from "@shop/runtime";
import { deadLetterer } from "./dead-letterer.ts";
import {
  type Attempt,
  type DeliveryToken,
  deliverWithRetries,
  type InProcessReceiver,
  type RecordEvent,
  recordToEvent,
  replyEvent,
} from "./delivery.ts";
import { traceDelivery } from "./delivery-span.ts";
import { matches } from "./filters.ts";
import {
  type Broker,
  type Delivery,
  type Destination,
  type KafkaSource,
  loadManifests,
  type ObjectRef,
  type Trigger,
} from "./manifests.ts";
import { createRunnerMetrics, type RunnerMetrics } from "./metrics.ts";
import { sourceEvent } from "./sources.ts";

/** Options of {@link startRunner}. */
export interface RunnerOptions {
  log: EventLog;
  /** The directory of Knative manifests (`knative/`). */
  knativeDir: string;
  /** The local URL of a subscriber, e.g. the port a function listens on for a `Service` ref. */
  resolveSubscriber: (ref: ObjectRef) => string;
  /**
   * The subscriber at a resolved URL when it runs in this process (the one-process shop's functions):
   * deliveries to it skip the socket and the HTTP parsers and are answered as its POST would be
   * (delivery.ts `receive`); retries, timeouts, tokens, dead letters and traces are the same.
   */
  inProcess?: (url: string) => InProcessReceiver | undefined;
  /**
   * Consume this topic instead of the Brokers' (tests use it to isolate themselves); a KafkaSource
   * on a Broker's topic reads it too.
   */
  topicOverride?: string;
  /**
   * Dead-letter into this topic instead of the one of the dead letter sink's KafkaSink; a KafkaSource
   * on a KafkaSink's topic (the redrive function's, on shop.events.dlq) reads it too.
   */
  dlqTopic?: string;
  /** Per-attempt request timeout when the Trigger sets no `delivery.timeout` (default 30 s). */
  requestTimeoutMs?: number;
  /**
   * Mints each delivery's OIDC token for its destination's `audience`, as Knative does with
   * `authentication-oidc` enabled (`createEventIssuer`; the functions trust its keys). A destination
   * that names no audience gets no token, as in Knative.
   */
  tokens: { token(audience: string): Promise<string> };
  logger?: LogLogger;
  /** With tracing on: a span per delivery, between the producer's span and the consumers'. */
  tracer?: Tracer;
}

/** A running local runner. */
export interface Runner {
  /** The Triggers it dispatches for. */
  triggers: Trigger[];
  /** The KafkaSources it delivers for. */
  kafkaSources: KafkaSource[];
  /** Its consumer lag and redeliveries per Trigger (and KafkaSource), for a `/metrics`. */
  metrics: RunnerMetrics;
  /** Stops dispatching; events in flight are left uncommitted and delivered again on the next start. */
  close(): Promise<void>;
}

/** Where events go when nothing names a dead letter topic: the Broker's KafkaSink `shop-dlq`. */
export const DEFAULT_DLQ_TOPIC = "shop.events.dlq";

/** Knative's maximum length of the `knativeerrordata` extension, in bytes of the response body. */
const ERROR_DATA_MAX = 1024;

/**
 * Starts one consumer group per Trigger (`knative-trigger-<namespace>-<name>`) and dispatches, and
 * one per KafkaSource (its `consumerGroup`) delivering to its sink.
 */
export async function startRunner(options: RunnerOptions): Promise<Runner> {
  const manifests = await loadManifests(options.knativeDir);
  const stopping = new AbortController();
  // Every delivery in flight listens for the stop: unordered Triggers have dozens at once.
  setMaxListeners(0, stopping.signal);
  const subscriptions: Subscription[] = [];
  const metrics = createRunnerMetrics();

  const plans = manifests.triggers.map((trigger) => {
    const broker = manifests.brokers.find(
      (b) => b.name === trigger.broker && b.namespace === trigger.namespace,
    );
    if (!broker) throw new Error(`Trigger ${trigger.namespace}/${trigger.name}: no Broker ${trigger.broker}`);
    const delivery = effectiveDelivery(trigger.delivery, broker);
    return {
      trigger,
      broker,
      delivery,
      topic: options.topicOverride ?? broker.topic,
      dlq: deadLetter(delivery),
    };
  });

  function deadLetter(delivery: Delivery): { topic: string } | { url: string } | undefined {
    const sink = delivery.deadLetterSink;
    if (!sink) return undefined;
    if (options.dlqTopic) return { topic: options.dlqTopic };
    if (sink.ref?.kind === "KafkaSink") {
      const { name, namespace } = sink.ref;
      const kafkaSink = manifests.kafkaSinks.find((s) => s.name === name && s.namespace === namespace);
      return { topic: kafkaSink?.topic ?? DEFAULT_DLQ_TOPIC };
    }
    return { url: address(sink) };
  }

  /** The token of deliveries to `destination`: for its audience, or none when it names none. */
  function tokenFor(destination: Destination | undefined): DeliveryToken | undefined {
    const audience = destination?.audience;
    return audience ? () => options.tokens.token(audience) : undefined;
  }

  function address(destination: Destination): string {
    const base = destination.ref ? options.resolveSubscriber(destination.ref) : "";
    if (!base) return destination.uri ?? "";
    // With both, Knative resolves the ref and takes the uri as a path on it.
    return destination.uri ? new URL(destination.uri, base).toString() : base;
  }

  /** The topic a KafkaSource reads for `topic`: the test's, where the runner was told to use one. */
  function sourceTopic(topic: string): string {
    if (options.topicOverride && manifests.brokers.some((b) => b.topic === topic))
      return options.topicOverride;
    const sinkTopic = manifests.kafkaSinks.some((s) => s.topic === topic) || topic === DEFAULT_DLQ_TOPIC;
    return options.dlqTopic && sinkTopic ? options.dlqTopic : topic;
  }
  const sources = manifests.kafkaSources.map((source) => ({
    source,
    url: address(source.sink),
    topics: source.topics.map(sourceTopic),
    dlq: deadLetter(source.delivery),
  }));

  const topics = new Set(
    [...plans, ...sources].flatMap((p) => [
      ...("topic" in p ? [p.topic] : p.topics),
      ...(p.dlq && "topic" in p.dlq ? [p.dlq.topic] : []),
    ]),
  );
  await options.log.ensureTopics([...topics]);

  const deadLetterContext = { log: options.log, logger: options.logger, signal: stopping.signal };

  /** Delivers with the Trigger's retries, in a delivery span when tracing is on. */
  function deliver(
    name: string,
    url: string,
    event: RecordEvent,
    delivery: Delivery,
    timeoutMs: number,
    hooks: { onRetry: () => void; token: DeliveryToken | undefined; receiver: InProcessReceiver | undefined },
  ) {
    const { tracer } = options;
    const signal = stopping.signal;
    if (!tracer) return deliverWithRetries(url, event, delivery, timeoutMs, { signal, ...hooks });
    return traceDelivery(tracer, { name, url }, event, (traced, onAttempt) =>
      deliverWithRetries(url, traced, delivery, timeoutMs, { signal, onAttempt, ...hooks }),
    );
  }

  try {
    for (const { trigger, delivery, topic, dlq } of plans) {
      const url = address(trigger.subscriber);
      const timeoutMs = delivery.timeoutMs ?? options.requestTimeoutMs ?? 30_000;
      const where = { trigger: `${trigger.namespace}/${trigger.name}`, subscriber: url };
      const token = tokenFor(trigger.subscriber);
      const deadLetterRecord = deadLetterer(deadLetterContext, {
        dlq,
        url,
        timeoutMs,
        where,
        token: tokenFor(delivery.deadLetterSink),
      });
      const receiver = options.inProcess?.(url);
      const hooks = { onRetry: () => metrics.redelivered(trigger.name), token, receiver };

      const subscription = await options.log.subscribe({
        groupId: `knative-trigger-${trigger.namespace}-${trigger.name}`,
        topic,
        ordered: trigger.ordered,
        // Most events on the topic are not this Trigger's type: they are passed over unparsed by
        // the handler. A record that is no CloudEvent goes to the handler, to be dead-lettered.
        accepts: (record) => {
          const event = recordToEvent(record);
          return "invalid" in event || matches(trigger.filters, event.attributes);
        },
        handler: async (record) => {
          const event = recordToEvent(record);
          if ("invalid" in event) {
            await deadLetterRecord(record, {
              ce_knativeerrordata: base64(new TextEncoder().encode(event.invalid)),
            });
            return;
          }
          if (!matches(trigger.filters, event.attributes)) return;
          const attempt = await deliver(where.trigger, url, event, delivery, timeoutMs, hooks);
          if (attempt.delivered) {
            const reply = replyEvent(attempt);
            if (reply) await options.log.publish(topic, [toRecord(reply)]);
            return;
          }
          await deadLetterRecord(record, errorHeaders(attempt));
        },
      });
      subscriptions.push(subscription);
      metrics.watch(trigger.name, subscription);
      options.logger?.info({ ...where, topic, ordered: trigger.ordered }, "trigger dispatching");
    }
    for (const { source, url, topics: sourceTopics, dlq } of sources) {
      const timeoutMs = source.delivery.timeoutMs ?? options.requestTimeoutMs ?? 30_000;
      const where = { kafkaSource: `${source.namespace}/${source.name}`, sink: url };
      const token = tokenFor(source.sink);
      const deadLetterRecord = deadLetterer(deadLetterContext, {
        dlq,
        url,
        timeoutMs,
        where,
        token: tokenFor(source.delivery.deadLetterSink),
      });
      const receiver = options.inProcess?.(url);
      const hooks = { onRetry: () => metrics.redelivered(source.name), token, receiver };
      for (const topic of sourceTopics) {
        const subscription = await options.log.subscribe({
          groupId: source.consumerGroup,
          topic,
          ordered: source.ordered,
          fromBeginning: source.initialOffset === "earliest",
          handler: async (record) => {
            const event = sourceEvent(record, source);
            const attempt = await deliver(where.kafkaSource, url, event, source.delivery, timeoutMs, hooks);
            // A source has no Broker to publish a reply to: Knative drops it too.
            if (!attempt.delivered) await deadLetterRecord(record, errorHeaders(attempt));
          },
        });
        subscriptions.push(subscription);
        metrics.watch(source.name, subscription);
        options.logger?.info({ ...where, topic, ordered: source.ordered }, "kafka source delivering");
      }
    }
  } catch (error) {
    stopping.abort(new Error("the runner is stopping"));
    await Promise.all(subscriptions.map((s) => s.close()));
    throw error;
  }

  return {
    triggers: plans.map((p) => p.trigger),
    kafkaSources: sources.map((s) => s.source),
    metrics,
    async close() {
      // Abort deliveries and backoffs in flight: their records stay uncommitted instead of waiting out retries.
      stopping.abort(new Error("the runner is stopping"));
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}

/** The Trigger's delivery, with what it leaves out taken from the Broker's (as Knative does). */
function effectiveDelivery(own: Delivery, broker: Broker): Delivery {
  return {
    ...broker.delivery,
    ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)),
  };
}

/** A reply event as a record in the binary binding, keyed by its `partitionkey` like the broker's producer. */
function toRecord(event: RecordEvent): OutgoingRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.attributes)) {
    headers[name === "datacontenttype" ? "content-type" : `ce_${name}`] = value;
  }
  return { key: event.attributes.partitionkey ?? null, value: event.data, headers };
}

/** Knative's error extensions for a failed delivery: the status (if any answer) and the reason, base64. */
function errorHeaders(attempt: Attempt): Record<string, string> {
  const reason = attempt.error ? new TextEncoder().encode(attempt.error) : attempt.body;
  return {
    ...(attempt.status === undefined ? {} : { ce_knativeerrorcode: String(attempt.status) }),
    ce_knativeerrordata: base64(reason.subarray(0, ERROR_DATA_MAX)),
  };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
