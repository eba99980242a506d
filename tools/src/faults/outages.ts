/**
 * The scenario "outages longer than the retry window" (issue 12): while orders flow, Postgres is
 * stopped, a function is frozen with SIGSTOP and Kafka is stopped, each for longer than the Triggers'
 * retry window (5 retries from 0.2 s: about 12 s of backoff), one after another; all along the payment
 * provider times out after charging (`tok_timeout` cards, and a share of every charge). The saga's
 * deadlines and every function's periodic work are shortened so the run ends in bounded time. The
 * small test (outages.int.test.ts) and `pnpm faults --scenario outages` share this definition.
 */
import type { Pause, ProviderCharge } from "./books.ts";
import type { FaultShop, FaultShopOptions } from "./cluster.ts";
import type { Fault } from "./scenario.ts";

/** The saga's timing for the run (the defaults are 2 and 10 minutes, and a 10 s tick). */
export const OUTAGE_TIMING = {
  /** `ORDERS_SAGA_DEADLINE_MS`: an open order is asked for again 20 s after placing, then every 20 s. */
  sagaDeadlineMs: 20_000,
  /** `ORDERS_SAGA_GIVE_UP_MS`: an order still open 60 s after placing is cancelled (TIMED_OUT). */
  sagaGiveUpMs: 60_000,
  /** `SHOP_TICK_INTERVAL_MS`: every function's periodic work (orders' and payments' reconcilers, redrive). */
  tickIntervalMs: 2_000,
  /** `PAYMENTS_TEST_PROVIDER_TIMEOUT_AFTER_CHARGE_RATE`: of all other charges, this share also times out after charging. */
  timeoutAfterChargeRate: 0.05,
  /** `REDRIVE_DELAYS_MS`: redrive's growing delays, shortened (default 10 s, 30 s, 1 min, …, hourly). */
  redriveDelaysMs: [2_000, 5_000, 10_000],
  /** `REDRIVE_HORIZON_MS`: how long a transient dead letter is redriven (default 6 h). */
  redriveHorizonMs: 15 * 60_000,
  /** Slack on "final by give_up_at plus one reconciler period": a reconciler run takes time under load. */
  finalSlackMs: 5_000,
} as const;

/** Cards: every 7th order's provider times out after charging (tok_timeout); some decline, some fail first. */
export const OUTAGE_TOKENS = [
  "tok_visa",
  "tok_timeout",
  "tok_visa",
  "tok_unavailable",
  "tok_visa",
  "tok_declined",
  "tok_visa",
];

/** A quarter of the orders carry a coupon (each coupon has limits, so most of them are refused). */
export const OUTAGE_COUPONS = [
  "",
  "",
  "",
  "FAULT-LIMITED",
  "",
  "",
  "",
  "FAULT-ONCE",
  "",
  "",
  "",
  "FAULT-TEN",
];

/** The function frozen with SIGSTOP; it runs as a child process (payments stays here: its provider's ledger is read). */
export const FROZEN = "inventory";

/** The Triggers' retry backoff: 5 retries, exponential from 0.2 s (0.4 + 0.8 + 1.6 + 3.2 + 6.4 s). */
const RETRY_BACKOFF_MS = 12_400;

/**
 * The runner's per-attempt delivery timeout for outages of `downMs` (30 s by default): as long as it
 * can be while the 6 attempts and their backoff stay 2 s shorter than the freeze, in steps of 0.5 s
 * (2.5 s for 30 s, 3 s for 35 s), so the events a frozen function is handed first are dead-lettered
 * rather than waiting out one 30 s attempt each, and a busy function is not timed out needlessly.
 */
export function deliveryTimeoutFor(downMs: number): number {
  const fits = (downMs - RETRY_BACKOFF_MS - 2_000) / 6;
  return Math.min(30_000, Math.max(1_000, Math.floor(fits / 500) * 500));
}

/** The fault shop's options for the scenario: timing through the functions' env, inventory a child process. */
export function outageShopOptions(
  downMs: number,
): Pick<FaultShopOptions, "processes" | "env" | "tickIntervalMs" | "deliveryTimeoutMs"> {
  const t = OUTAGE_TIMING;
  return {
    processes: [FROZEN],
    tickIntervalMs: t.tickIntervalMs,
    deliveryTimeoutMs: deliveryTimeoutFor(downMs),
    env: {
      ORDERS_SAGA_DEADLINE_MS: String(t.sagaDeadlineMs),
      ORDERS_SAGA_GIVE_UP_MS: String(t.sagaGiveUpMs),
      PAYMENTS_TEST_PROVIDER_TIMEOUT_AFTER_CHARGE_RATE: String(t.timeoutAfterChargeRate),
      REDRIVE_DELAYS_MS: t.redriveDelaysMs.join(","),
      REDRIVE_HORIZON_MS: String(t.redriveHorizonMs),
    },
  };
}

/** What the outages strike: infra/local's Postgres and Kafka (with `downMs`), and the shop. */
export interface OutageTargets {
  shop: FaultShop;
  postgres: { restart(options: { mode?: "fast" | "immediate"; downMs?: number }): Promise<void> };
  /** Without it (a shared Kafka that must stay up) the Kafka outage is left out. */
  kafka?: { restart(options: { signal?: "SIGTERM" | "SIGKILL"; downMs?: number }): Promise<void> };
  /** How long each outage lasts (at least 30 s for the issue). */
  downMs: number;
  /** The order counts after which Postgres, the freeze and Kafka strike. */
  after: { postgres: number; freeze: number; kafka: number };
  /** Filled with the stretches Postgres was down (for the deadline check). */
  pauses: Pause[];
}

/**
 * The order counts after which the outages strike, for `rate` orders/s: Postgres soon after the
 * start, then each next one `gapS` after the one before it ended (the shop gets that long to recover:
 * an order placed just before an outage should not meet the next one too), `downS` each. Kafka's
 * takes about 10 s more (it starts again). Enough orders follow for orders to flow after the last.
 */
export function outageSchedule(
  rate: number,
  { downS, gapS, tailS = gapS }: { downS: number; gapS: number; tailS?: number },
) {
  const at = (s: number) => Math.max(1, Math.round(rate * s));
  const postgresS = 3;
  const freezeS = postgresS + downS + gapS;
  const kafkaS = freezeS + downS + gapS;
  return {
    after: { postgres: at(postgresS), freeze: at(freezeS), kafka: at(kafkaS) },
    orders: at(kafkaS + downS + 10 + tailS),
  };
}

/** The three timed outages, in order: Postgres crashed and kept down, the freeze, Kafka stopped and kept down. */
export function outageFaults(targets: OutageTargets): Fault[] {
  const { shop, postgres, kafka, downMs, after, pauses } = targets;
  const s = Math.round(downMs / 1000);
  const faults: Fault[] = [
    {
      name: `Postgres crashed and kept stopped ${s} s`,
      afterOrders: after.postgres,
      strike: async () => {
        const from = Date.now();
        try {
          await postgres.restart({ mode: "immediate", downMs });
        } finally {
          pauses.push({ from, to: Date.now() });
        }
      },
    },
    {
      name: `${FROZEN} frozen (SIGSTOP) ${s} s, then SIGCONT`,
      afterOrders: after.freeze,
      strike: () => shop.freeze(FROZEN, downMs),
    },
  ];
  if (kafka)
    faults.push({
      name: `Kafka stopped ${s} s`,
      afterOrders: after.kafka,
      strike: () => kafka.restart({ signal: "SIGTERM", downMs }),
    });
  return faults;
}

/** The in-process payments' test provider's ledger, if payments runs here with the test provider. */
export function providerLedger(shop: FaultShop): (() => ProviderCharge[]) | undefined {
  const provider = shop.inProcess.payments?.deps?.provider as
    | { charges?: () => ProviderCharge[] }
    | undefined;
  return provider?.charges ? () => provider.charges!() : undefined;
}
