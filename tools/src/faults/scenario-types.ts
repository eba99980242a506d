import type { BookSummary, Pause, ProviderCharge } from "./books.ts";
import type { DeliveredSummary } from "./books-mail.ts";
import type { FaultShop } from "./cluster.ts";

/**
 * A fault, struck once `afterOrders` orders have been placed. Faults strike one after another, and no
 * order beyond a fault's threshold is placed while the fault before it is still in hand, so every
 * fault strikes while orders flow (a slow Kafka restart cannot push the next fault past the last order).
 */
export interface Fault {
  name: string;
  afterOrders: number;
  strike: () => Promise<unknown>;
}

export interface ScenarioOptions {
  shop: FaultShop;
  databaseUrl: string;
  kafkaBrokers: string[];
  topic: string;
  dlqTopic: string;
  orders: number;
  /** Orders placed at once. */
  concurrency: number;
  /** Orders started per second at most (so faults strike while orders flow); unpaced when undefined. */
  ratePerS?: number;
  faults: Fault[];
  /** How long everything may take to settle after the last order (ms). */
  settleTimeoutMs?: number;
  /** The payment tokens orders cycle through (default: mostly tok_visa, some tok_unavailable and tok_declined). */
  tokens?: string[];
  /** The coupon codes orders cycle through, "" for none (default: half the orders carry one of three). */
  coupons?: string[];
  /** Units of each of the six products (default 3, 8, 40, 200, 200, 500: two scarce, one plentiful). */
  stock?: number[];
  /**
   * The saga's timing, to check that every order was final by its final deadline plus one reconciler
   * period (`periodMs`) and `slackMs`. `pauses` are the stretches the database was down (filled by
   * the faults as they strike; read after the run).
   */
  deadline?: { periodMs: number; slackMs: number; pauses: Pause[] };
  /** The payment provider's own ledger (payments in this process), to count charges per order. */
  providerCharges?: () => ProviderCharge[];
  log?: (line: string) => void;
}

/** What the redrive function did with the dead letters, when it runs. */
export interface RedriveReport {
  /** Whether a redrive function ran (its table exists). */
  present: boolean;
  /** Dead letters it recorded, by kind. */
  transient: number;
  malformed: number;
  /** Transient letters whose event it delivered to their subscriber, and the redrives that took. */
  redriven: number;
  attempts: number;
  /** Its counter `shop_dead_letters_redriven_total`, when it runs in this process. */
  redrivenMetric?: number;
}

/** What a fault run found. */
export interface ScenarioReport {
  problems: string[];
  summary: BookSummary;
  /** What the customers received: receipts at the SMTP server, shipments. */
  delivered: DeliveredSummary;
  faults: { name: string; ms: number }[];
  /** PlaceOrder calls retried because of a fault (Unavailable, Internal, …). */
  retriedPlacements: number;
  duplicatesDelivered: number;
  dlq: {
    explained: number;
    unexplained: number;
    /** Dead letters on the topic, by what they were: "malformed (sent on purpose)", "transient, redriven", … */
    byExplanation: Record<string, number>;
  };
  redrive: RedriveReport;
  /**
   * orders' reconciler counters (`shop_orders_reasked_total`, `shop_orders_timed_out_total`), when
   * orders runs here, with the statuses the orders were stuck in (which step was missing).
   */
  reconcilerMetrics?: {
    reasked: number;
    timedOut: number;
    reaskedByStatus: Record<string, number>;
    timedOutByStatus: Record<string, number>;
  };
  /**
   * The orders by when they were placed (10 s buckets from the first, `fromS`), and what became of
   * them, beside when each fault struck (`faultsAtS`): which outage the cancelled ones met.
   */
  timeline: { fromS: number; placed: number; confirmed: number; cancelled: Record<string, number> }[];
  faultsAtS: { name: string; fromS: number; toS: number }[];
  /** For a few orders the reconciler gave up on (TIMED_OUT): what every function did for them, when. */
  timedOutStories: string[];
  /**
   * The event-loop delay of this process (the in-process functions, the runner, the gateway) while
   * orders were placed and settled, in ms: how far behind a saturated process runs its timers.
   */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** From the first order placed to the last (ms): the placement rate is `orders / placingMs`. */
  placingMs: number;
  settleMs: number;
  elapsedMs: number;
}
