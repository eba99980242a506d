/**
 * What the sender tells operators: a log line per failed attempt and per disabled endpoint, and
 * counters of attempts by result and of endpoints disabled.
 */
import type { Logger, Metrics } from "@shop/runtime";
import type { AttemptOutcome } from "./record-attempt.ts";

/** Reports attempts' outcomes. */
export interface WebhooksReport {
  attempted(outcome: AttemptOutcome): void;
}

/** A report over the function's metrics and logger. */
export function createReport(metrics: Metrics, logger: Logger): WebhooksReport {
  const attempts = metrics.counter<"result">(
    "shop_webhook_attempts_total",
    "Webhook delivery attempts, by result: delivered, retry (tried again later) or failed (given up)",
    ["result"],
  );
  const disabled = metrics.counter(
    "shop_webhook_endpoints_disabled_total",
    "Webhook endpoints disabled because they could not take deliveries (retries exhausted, 410 Gone)",
  );
  return {
    attempted(outcome) {
      attempts.inc({ result: outcome.result });
      const fields = { delivery: outcome.deliveryId, endpoint: outcome.endpointId, status: outcome.status };
      if (outcome.result === "retry")
        logger.info({ ...fields, detail: outcome.detail }, "webhook attempt failed; retrying later");
      if (outcome.result === "failed")
        logger.warn({ ...fields, detail: outcome.detail }, "webhook delivery failed");
      if (outcome.disabled) {
        disabled.inc();
        logger.warn({ endpoint: outcome.endpointId, reason: outcome.disabled }, "webhook endpoint disabled");
      }
    },
  };
}
