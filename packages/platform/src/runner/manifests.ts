/**
 * Reads the Knative Eventing manifests in `knative/` (Brokers, Triggers, KafkaSinks, KafkaSources)
 * into the plain objects the local runner dispatches with.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { type Filter, legacyAttributeFilter, parseFilters } from "./filters.ts";

/** A reference to a Kubernetes object, as in `subscriber.ref` or `deadLetterSink.ref`. */
export interface ObjectRef {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace: string;
}

/** Where events go: an object (resolved to an address), a URI, or both (the URI is then a path on it). */
export interface Destination {
  ref?: ObjectRef;
  uri?: string;
  /**
   * The OIDC audience of the destination's delivery tokens (`authentication-oidc`): what a Knative
   * Service, not being an Eventing Addressable, cannot announce in its status itself.
   */
  audience?: string;
}

/** A `spec.delivery`: how failed deliveries are retried and where they end up. */
export interface Delivery {
  /** Retries after the first attempt. */
  retry?: number;
  backoffPolicy?: "linear" | "exponential";
  backoffDelayMs?: number;
  /** Per-attempt request timeout (`delivery.timeout`). */
  timeoutMs?: number;
  deadLetterSink?: Destination;
}

/** A Broker of class Kafka. */
export interface Broker {
  name: string;
  namespace: string;
  /** The Kafka topic holding its events. */
  topic: string;
  delivery: Delivery;
}

/** A Trigger: which events of a Broker go to which subscriber, and how. */
export interface Trigger {
  name: string;
  namespace: string;
  broker: string;
  /** ANDed; `spec.filters` when present, else the legacy `spec.filter.attributes`. */
  filters: Filter[];
  subscriber: Destination;
  /** The Trigger's own `spec.delivery`; the Broker's fills what it leaves out. */
  delivery: Delivery;
  /** `kafka.eventing.knative.dev/delivery.order: ordered`: one event per partition at a time. */
  ordered: boolean;
}

/** A KafkaSink: an address that appends events to a Kafka topic. */
export interface KafkaSink {
  name: string;
  namespace: string;
  topic: string;
}

/**
 * A KafkaSource (`sources.knative.dev/v1beta1`): the records of Kafka topics, read in its own consumer
 * group and delivered as CloudEvents to its sink, with its own delivery (retries, dead letter sink).
 */
export interface KafkaSource {
  name: string;
  namespace: string;
  topics: string[];
  /** `spec.consumerGroup`; Knative makes one up when absent, the runner names it after the source. */
  consumerGroup: string;
  /** Where a consumer group without committed offsets starts (`spec.initialOffset`, default latest). */
  initialOffset: "earliest" | "latest";
  /** `spec.ordering`: ordered (the default) delivers one record per partition at a time. */
  ordered: boolean;
  sink: Destination;
  /** `spec.delivery`; without retries a failed record is dropped (or dead-lettered, with a sink). */
  delivery: Delivery;
}

/** Everything the runner needs from `knative/`. */
export interface Manifests {
  brokers: Broker[];
  triggers: Trigger[];
  kafkaSinks: KafkaSink[];
  kafkaSources: KafkaSource[];
}

const EXTERNAL_TOPIC = "kafka.eventing.knative.dev/external.topic";
const DELIVERY_ORDER = "kafka.eventing.knative.dev/delivery.order";

/** Reads every `.yaml`/`.yml` file under `dir` (recursively, all documents of each). */
export async function loadManifests(dir: string): Promise<Manifests> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const documents: Array<{ doc: unknown; file: string }> = [];
  for (const file of files) {
    for (const parsed of parseAllDocuments(await readFile(file, "utf8"))) {
      if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0]!.message}`);
      documents.push({ doc: parsed.toJS(), file });
    }
  }
  return parseManifests(documents);
}

/** Picks the eventing objects out of parsed YAML documents; `file` only names them in errors. */
export function parseManifests(documents: Array<{ doc: unknown; file: string }>): Manifests {
  const result: Manifests = { brokers: [], triggers: [], kafkaSinks: [], kafkaSources: [] };
  for (const { doc, file } of documents) {
    if (!isObject(doc)) continue;
    const apiVersion = String(doc.apiVersion ?? "");
    const source = apiVersion.startsWith("sources.knative.dev/") && doc.kind === "KafkaSource";
    if (!apiVersion.startsWith("eventing.knative.dev/") && !source) continue;
    const metadata = isObject(doc.metadata) ? doc.metadata : {};
    const name = String(metadata.name ?? "");
    const namespace = String(metadata.namespace ?? "default");
    const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
    const spec = isObject(doc.spec) ? doc.spec : {};
    const where = `${file}: ${doc.kind} ${namespace}/${name}`;
    if (!name) throw new Error(`${file}: a ${doc.kind} without metadata.name`);

    if (doc.kind === "Broker") {
      const topic = annotations[EXTERNAL_TOPIC];
      result.brokers.push({
        name,
        namespace,
        topic: typeof topic === "string" && topic ? topic : `knative-broker-${namespace}-${name}`,
        delivery: parseDelivery(spec.delivery, namespace, where),
      });
    } else if (doc.kind === "Trigger") {
      const order = annotations[DELIVERY_ORDER] ?? "unordered";
      if (order !== "ordered" && order !== "unordered") {
        throw new Error(`${where}: ${DELIVERY_ORDER} must be ordered or unordered, not ${order}`);
      }
      const filter = isObject(spec.filter) ? spec.filter : {};
      const subscriber = parseDestination(spec.subscriber, namespace, `${where}: spec.subscriber`);
      if (!subscriber) throw new Error(`${where}: spec.subscriber needs a ref or a uri`);
      if (typeof spec.broker !== "string") throw new Error(`${where}: spec.broker is missing`);
      result.triggers.push({
        name,
        namespace,
        broker: spec.broker,
        // Knative ignores spec.filter when spec.filters is set.
        filters:
          spec.filters !== undefined
            ? parseFilters(spec.filters, where)
            : legacyAttributeFilter(filter.attributes, where),
        subscriber,
        delivery: parseDelivery(spec.delivery, namespace, where),
        ordered: order === "ordered",
      });
    } else if (doc.kind === "KafkaSink") {
      if (typeof spec.topic !== "string") throw new Error(`${where}: spec.topic is missing`);
      result.kafkaSinks.push({ name, namespace, topic: spec.topic });
    } else if (source) {
      result.kafkaSources.push(parseKafkaSource(spec, name, namespace, where));
    }
  }
  return result;
}

function parseKafkaSource(
  spec: Record<string, unknown>,
  name: string,
  namespace: string,
  where: string,
): KafkaSource {
  const { topics, consumerGroup, initialOffset = "latest", ordering = "ordered" } = spec;
  if (!Array.isArray(topics) || topics.length === 0 || !topics.every((t) => typeof t === "string" && t)) {
    throw new Error(`${where}: spec.topics must name at least one topic`);
  }
  if (initialOffset !== "earliest" && initialOffset !== "latest") {
    throw new Error(`${where}: spec.initialOffset must be earliest or latest, not ${initialOffset}`);
  }
  if (ordering !== "ordered" && ordering !== "unordered") {
    throw new Error(`${where}: spec.ordering must be ordered or unordered, not ${ordering}`);
  }
  const sink = parseDestination(spec.sink, namespace, `${where}: spec.sink`);
  if (!sink) throw new Error(`${where}: spec.sink needs a ref or a uri`);
  return {
    name,
    namespace,
    topics: topics as string[],
    consumerGroup:
      typeof consumerGroup === "string" && consumerGroup
        ? consumerGroup
        : `knative-kafka-source-${namespace}-${name}`,
    initialOffset,
    ordered: ordering === "ordered",
    sink,
    delivery: parseDelivery(spec.delivery, namespace, where),
  };
}

function parseDelivery(raw: unknown, namespace: string, where: string): Delivery {
  if (!isObject(raw)) return {};
  const delivery: Delivery = {};
  if (raw.retry !== undefined) {
    if (!Number.isInteger(raw.retry) || (raw.retry as number) < 0) {
      throw new Error(`${where}: delivery.retry must be a non-negative integer`);
    }
    delivery.retry = raw.retry as number;
  }
  if (raw.backoffPolicy !== undefined) {
    if (raw.backoffPolicy !== "linear" && raw.backoffPolicy !== "exponential") {
      throw new Error(`${where}: delivery.backoffPolicy must be linear or exponential`);
    }
    delivery.backoffPolicy = raw.backoffPolicy;
  }
  if (raw.backoffDelay !== undefined) delivery.backoffDelayMs = parseDuration(raw.backoffDelay, where);
  if (raw.timeout !== undefined) delivery.timeoutMs = parseDuration(raw.timeout, where);
  const sink = parseDestination(raw.deadLetterSink, namespace, `${where}: delivery.deadLetterSink`);
  if (sink) delivery.deadLetterSink = sink;
  return delivery;
}

function parseDestination(raw: unknown, namespace: string, where: string): Destination | undefined {
  if (!isObject(raw)) return undefined;
  const destination: Destination = {};
  if (isObject(raw.ref)) {
    const { kind, name, apiVersion } = raw.ref;
    if (typeof kind !== "string" || typeof name !== "string")
      throw new Error(`${where}.ref needs kind and name`);
    destination.ref = {
      kind,
      name,
      namespace: typeof raw.ref.namespace === "string" ? raw.ref.namespace : namespace,
      ...(typeof apiVersion === "string" ? { apiVersion } : {}),
    };
  }
  if (typeof raw.uri === "string") destination.uri = raw.uri;
  if (typeof raw.audience === "string") destination.audience = raw.audience;
  return destination.ref || destination.uri ? destination : undefined;
}

/** Milliseconds of an ISO-8601 duration of days, hours, minutes and (fractional) seconds: `PT0.2S`, `P1DT2H`. */
export function parseDuration(raw: unknown, where = "duration"): number {
  const match =
    typeof raw === "string"
      ? /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(raw)
      : null;
  if (!match || raw === "P" || raw === "PT") {
    throw new Error(`${where}: ${JSON.stringify(raw)} is not an ISO-8601 duration like PT0.2S`);
  }
  const [, days = "0", hours = "0", minutes = "0", seconds = "0"] = match;
  return Math.round(
    ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
