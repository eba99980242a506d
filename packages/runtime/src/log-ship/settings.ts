/**
 * Whether a function ships its log lines to Kafka itself, from its environment: local real mode's
 * supervisor (@shop/platform) sets SHOP_LOGS_KAFKA=1 for every function it starts. In the cluster the
 * OpenTelemetry Collector ships them instead (infra/cluster/otel-collector), so it stays off there.
 *
 *   SHOP_LOGS_KAFKA=1      ship (0 or unset: do not)
 *   SHOP_LOGS_TOPIC        the topic (default shop.logs)
 *   SHOP_LOGS_BROKERS      the brokers (default KAFKA_BROKERS)
 */

/** Where log lines are shipped. */
export interface LogShipping {
  brokers: string[];
  topic: string;
}

/** The default topic of shipped log lines. */
export const DEFAULT_LOGS_TOPIC = "shop.logs";

/** Reads the shipping settings; undefined when off. Bad values throw a precise error. */
export function logShippingFromEnv(env: NodeJS.ProcessEnv): LogShipping | undefined {
  const flag = env.SHOP_LOGS_KAFKA ?? "";
  if (flag === "" || flag === "0" || flag === "false") return undefined;
  if (flag !== "1" && flag !== "true") {
    throw new Error(`SHOP_LOGS_KAFKA must be 1 (ship log lines to Kafka) or 0, not ${JSON.stringify(flag)}`);
  }
  const brokers = (env.SHOP_LOGS_BROKERS ?? env.KAFKA_BROKERS ?? "").split(",").filter(Boolean);
  if (brokers.length === 0) {
    throw new Error("SHOP_LOGS_KAFKA=1 needs Kafka brokers: set SHOP_LOGS_BROKERS or KAFKA_BROKERS");
  }
  const topic = env.SHOP_LOGS_TOPIC ?? DEFAULT_LOGS_TOPIC;
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) {
    throw new Error(`SHOP_LOGS_TOPIC ${JSON.stringify(topic)} is not a Kafka topic name`);
  }
  return { brokers, topic };
}
