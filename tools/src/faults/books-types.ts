/**
 * What the books are made of: the provider's ledger, pauses, the summary of a run, published events
 * and redrive's dead letters.
 */
/** A charge as the payment provider recorded it (the test provider's `charges()`). */
export interface ProviderCharge {
  paymentId: string;
  idempotencyKey: string;
  refunded: boolean;
}

/** A stretch of time (epoch ms) during which the reconciler could not run (its database was down). */
export interface Pause {
  from: number;
  to: number;
}

/** What the run set up, to check against. */
export interface Ledger {
  /** Units each product started with (SetStock). */
  initialStock: Record<string, number>;
  /** The orders placed. */
  orderIds: string[];
  /**
   * The charges the payment provider made, from its own ledger (payments in this process): each
   * confirmed order must have exactly one, not refunded, and every charge of a cancelled order must be
   * refunded. Without it only payments' own table is checked.
   */
  providerCharges?: ProviderCharge[];
  /**
   * The saga's deadline: every order must be final by its `give_up_at` plus one reconciler period
   * (`periodMs`, the tick interval) and `slackMs`; a give-up that fell while the database was down
   * (`pauses`) counts from when it came back. Without it finality is checked without a deadline.
   */
  deadline?: { periodMs: number; slackMs: number; pauses: Pause[] };
}

/** Counts, for the report. */
export interface BookSummary {
  orders: number;
  confirmed: number;
  cancelled: number;
  /** Cancelled orders by the cause OrderCancelled gave (PRICING_REJECTED, OUT_OF_STOCK, …). */
  cancelledByCause: Record<string, number>;
  charged: number;
  refunded: number;
  /** Of the refunds, those of a charge confirmed only after the order was cancelled (an unknown outcome). */
  refundedAfterCancellation: number;
  redemptions: number;
  /** Orders the reconciler asked for again (OrderPlaced emitted more than once), and how many re-asks. */
  reaskedOrders: number;
  reasks: number;
  /** Orders the reconciler cancelled past their final deadline (cause TIMED_OUT). */
  timedOut: number;
  /** Charges the provider's own ledger holds for these orders (when it was given), and of them refunded. */
  providerCharges?: number;
  providerRefunded?: number;
  /** The latest an order became final relative to its give_up_at, in ms (negative: before it). */
  latestFinalAfterGiveUpMs?: number;
  /** The longest an order took from placed to final, in ms. */
  longestSagaMs?: number;
}

/** A dead letter as the redrive function recorded it (`redrive.dead_letters`). */
export interface RedriveLetter {
  eventSource: string;
  eventId: string;
  destination: string;
  kind: string;
  state: string;
  attempts: number;
  reason: string;
  lastError: string | null;
}

/** An event as read back from the events topic: its CloudEvents id, source and type, and its key. */
export interface PublishedEvent {
  id: string;
  source: string;
  type: string;
  key: string | null;
}
