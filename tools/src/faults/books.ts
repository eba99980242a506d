/**
 * Checks the books after a fault run, with SQL over the functions' own schemas: every order final
 * (and, given the saga's timing, final by its deadline), nothing charged twice or charged for a
 * cancelled order without a refund (in payments' table and, given it, in the payment provider's own
 * ledger), stock neither oversold nor leaked, no coupon redeemed beyond its limits, every outbox row
 * published. Returns what is wrong, in sentences, and the counts of the report.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { CancellationCause, OrderCancelledSchema } from "@shop/schemas/orders/v1/events";
import { PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import postgres from "postgres";

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

/** Opens a SQL client on the shop's database. */
export function openBooks(databaseUrl: string) {
  return postgres(databaseUrl, { max: 2, onnotice: () => {} });
}

/** The functions' schemas that have an outbox (every function's, redrive's included when it runs). */
async function outboxSchemas(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ schema: string }[]>`
    select table_schema as schema from information_schema.tables
    where table_name = 'outbox' and table_schema not in ('public', 'pg_catalog', 'information_schema')
    order by 1`;
  return rows.map((r) => r.schema);
}

/** Orders of `ids` not yet CONFIRMED or CANCELLED. */
export async function openOrders(sql: postgres.Sql, ids: string[]): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from orders.orders
    where id = any(${ids}) and status not in ('CONFIRMED', 'CANCELLED')`;
  const [known] = await sql<
    { n: number }[]
  >`select count(*)::int as n from orders.orders where id = any(${ids})`;
  return row!.n + (ids.length - known!.n);
}

/** Outbox rows not yet published, over every function. */
export async function unpublished(sql: postgres.Sql): Promise<number> {
  let total = 0;
  for (const schema of await outboxSchemas(sql)) {
    const [row] = await sql<
      { n: number }[]
    >`select count(*)::int as n from ${sql(schema)}.outbox where published_at is null`;
    total += row!.n;
  }
  return total;
}

/** An event as read back from the events topic: its CloudEvents id, source and type, and its key. */
export interface PublishedEvent {
  id: string;
  source: string;
  type: string;
  key: string | null;
}

/**
 * Events on the topic that their function never committed: nothing may be published that was not
 * committed, so every event of `/functions/<name>` must have its row in `<name>.outbox` (rows are
 * kept once published). A miss means the database lost a commit the relay had already seen, as a
 * Postgres that acknowledges commits before they are durable does when it crashes.
 */
export async function publishedUncommitted(sql: postgres.Sql, events: PublishedEvent[]): Promise<string[]> {
  const problems: string[] = [];
  for (const schema of await outboxSchemas(sql)) {
    const ours = events.filter((e) => e.source === `/functions/${schema}`);
    if (ours.length === 0) continue;
    const ids = [...new Set(ours.map((e) => e.id))];
    const found = await sql<{ id: string }[]>`
      select id from ${sql(schema)}.outbox where id = any(${ids})`;
    const committed = new Set(found.map((row) => row.id));
    const missing = new Map(ours.filter((e) => !committed.has(e.id)).map((e) => [e.id, e]));
    for (const e of missing.values())
      problems.push(`${e.type} ${e.id} (key ${e.key}) was published, but ${schema} never committed it`);
  }
  return problems;
}

/** Every violation of the books, as sentences (empty when the books balance). */
export async function checkBooks(
  sql: postgres.Sql,
  ledger: Ledger,
): Promise<{ problems: string[]; summary: BookSummary }> {
  const problems: string[] = [];
  const open = await openOrders(sql, ledger.orderIds);
  if (open > 0) problems.push(`${open} orders are not final (or missing)`);

  // Charged twice: PaymentSucceeded for one order naming more than one charge. (The same
  // PaymentSucceeded again is the answer to a re-ask or a redelivery, not a second charge.)
  const succeeded = await sql<{ key: string; data: Buffer }[]>`
    select key, data from payments.outbox where type = 'shop.payments.v1.PaymentSucceeded'`;
  const chargesBy = new Map<string, Set<string>>();
  for (const { key, data } of succeeded) {
    const { paymentId } = fromBinary(PaymentSucceededSchema, data);
    chargesBy.set(key, (chargesBy.get(key) ?? new Set()).add(paymentId));
  }
  for (const [key, ids] of chargesBy)
    if (ids.size > 1) problems.push(`order ${key} was charged ${ids.size} times (${[...ids].join(", ")})`);
  // A confirmed order's payment succeeded; a cancelled one's was never taken, or was refunded: one
  // still succeeded, unknown or refunding is money the customer may have paid for nothing.
  const mismatched = await sql<{ id: string; status: string; payment: string | null }[]>`
    select o.id, o.status, p.status as payment from orders.orders o
    left join payments.payments p on p.order_id = o.id
    where o.id = any(${ledger.orderIds})
      and ((o.status = 'CONFIRMED' and p.status is distinct from 'succeeded')
        or (o.status = 'CANCELLED' and p.status in ('succeeded', 'unknown', 'refunding')))`;
  for (const m of mismatched)
    problems.push(
      m.status === "CANCELLED"
        ? `order ${m.id} is CANCELLED but its payment is ${m.payment} (charged, or maybe charged, without a refund)`
        : `order ${m.id} is ${m.status} but its payment is ${m.payment ?? "absent"}`,
    );
  // Every refund reached the order (Order.refund), so the customer is told.
  const untold = await sql<{ id: string }[]>`
    select p.order_id as id from payments.payments p join orders.orders o on o.id = p.order_id
    where p.status = 'refunded' and o.refund is null and o.id = any(${ledger.orderIds})`;
  for (const u of untold) problems.push(`order ${u.id} was refunded, but the order does not show the refund`);
  const provider = ledger.providerCharges ? await providerProblems(sql, ledger) : undefined;
  if (provider) problems.push(...provider.problems);

  // Stock: available + reserved + sold = initial; nothing reserved once every order is final; sold =
  // the units of confirmed orders.
  const stock = await sql<{ product_id: string; available: number; reserved: number; sold: number }[]>`
    select product_id, available, reserved, sold from inventory.stock where product_id = any(${Object.keys(ledger.initialStock)})`;
  const sold = await sql<{ product_id: string; units: number }[]>`
    select line->>'productId' as product_id, sum((line->>'quantity')::int)::int as units
    from orders.orders, jsonb_array_elements(lines) as line
    where status = 'CONFIRMED' and id = any(${ledger.orderIds}) group by 1`;
  const soldBy = new Map(sold.map((s) => [s.product_id, s.units]));
  for (const row of stock) {
    const initial = ledger.initialStock[row.product_id]!;
    const total = row.available + row.reserved + row.sold;
    if (total !== initial)
      problems.push(
        `product ${row.product_id}: ${row.available} + ${row.reserved} + ${row.sold} = ${total}, not the initial ${initial}`,
      );
    if (open === 0 && row.reserved !== 0)
      problems.push(
        `product ${row.product_id}: ${row.reserved} units still reserved after every order is final`,
      );
    if (row.sold !== (soldBy.get(row.product_id) ?? 0))
      problems.push(
        `product ${row.product_id}: ${row.sold} sold, but confirmed orders hold ${soldBy.get(row.product_id) ?? 0}`,
      );
  }
  // Which confirmed orders inventory did not sell (it never held their units, or released them).
  const unsold = await sql<{ id: string; reservations: string | null }[]>`
    select o.id, (select string_agg(r.state, ',') from inventory.reservations r where r.order_id = o.id)
      as reservations
    from orders.orders o
    where o.status = 'CONFIRMED' and o.id = any(${ledger.orderIds})
      and not exists (select 1 from inventory.reservations r where r.order_id = o.id and r.state = 'sold')
    order by o.id limit 10`;
  for (const u of unsold)
    problems.push(
      `order ${u.id} is CONFIRMED but inventory sold none of it (its reservations: ${u.reservations ?? "none"})`,
    );
  if (stock.length !== Object.keys(ledger.initialStock).length)
    problems.push("some seeded products have no stock row");

  // Coupons: live redemptions within max_redemptions, single use and per-customer limits.
  const over = await sql<{ code: string; n: number; max: number; single: boolean }[]>`
    select p.code, count(*)::int as n, p.max_redemptions as max, p.single_use as single
    from promotions.redemptions r join promotions.promotions p on p.id = r.promotion_id
    where r.released_at is null
    group by p.id having (p.max_redemptions > 0 and count(*) > p.max_redemptions) or (p.single_use and count(*) > 1)`;
  for (const o of over)
    problems.push(`coupon ${o.code} redeemed ${o.n} times (limit ${o.single ? 1 : o.max})`);
  const perCustomer = await sql<{ code: string; customer_id: string; n: number }[]>`
    select p.code, r.customer_id, count(*)::int as n
    from promotions.redemptions r join promotions.promotions p on p.id = r.promotion_id
    where r.released_at is null and p.max_per_customer > 0
    group by p.id, r.customer_id having count(*) > max(p.max_per_customer)`;
  for (const o of perCustomer)
    problems.push(`coupon ${o.code} redeemed ${o.n} times by customer ${o.customer_id}`);
  // A redemption still live on a cancelled order leaks the coupon.
  const leaked = await sql<{ order_id: string }[]>`
    select r.order_id from promotions.redemptions r join orders.orders o on o.id = r.order_id
    where r.released_at is null and o.status = 'CANCELLED'`;
  for (const l of leaked)
    problems.push(`order ${l.order_id} is cancelled but still holds a coupon redemption`);

  const pending = await unpublished(sql);
  if (pending > 0) problems.push(`${pending} outbox rows were never published`);

  const timing = await finality(sql, ledger);
  problems.push(...timing.problems);
  const reconciled = await reconciliation(sql, ledger.orderIds);

  const [counts] = await sql<
    {
      orders: number;
      confirmed: number;
      cancelled: number;
      charged: number;
      refunded: number;
      refunded_after: number;
      redemptions: number;
    }[]
  >`
    select
      (select count(*)::int from orders.orders where id = any(${ledger.orderIds})) as orders,
      (select count(*)::int from orders.orders where id = any(${ledger.orderIds}) and status = 'CONFIRMED') as confirmed,
      (select count(*)::int from orders.orders where id = any(${ledger.orderIds}) and status = 'CANCELLED') as cancelled,
      (select count(*)::int from payments.payments where status = 'succeeded') as charged,
      (select count(*)::int from payments.payments where status = 'refunded') as refunded,
      (select count(*)::int from payments.payments where status = 'refunded' and charged_after_cancellation) as refunded_after,
      (select count(*)::int from promotions.redemptions where released_at is null) as redemptions`;
  const summary: BookSummary = {
    orders: counts!.orders,
    confirmed: counts!.confirmed,
    cancelled: counts!.cancelled,
    cancelledByCause: reconciled.byCause,
    charged: counts!.charged,
    refunded: counts!.refunded,
    refundedAfterCancellation: counts!.refunded_after,
    redemptions: counts!.redemptions,
    reaskedOrders: reconciled.reaskedOrders,
    reasks: reconciled.reasks,
    timedOut: reconciled.byCause.TIMED_OUT ?? 0,
    ...(provider ? { providerCharges: provider.charges, providerRefunded: provider.refunded } : {}),
    ...(timing.latestAfterGiveUpMs === undefined
      ? {}
      : { latestFinalAfterGiveUpMs: timing.latestAfterGiveUpMs, longestSagaMs: timing.longestSagaMs }),
  };
  return { problems, summary };
}

/**
 * The provider's own ledger against the orders: a confirmed order has exactly one charge, not
 * refunded; every charge of a cancelled order is refunded; no charge belongs to an order not placed.
 * Charges are named by their idempotency key, `order:<id>:charge`.
 */
async function providerProblems(
  sql: postgres.Sql,
  ledger: Ledger,
): Promise<{ problems: string[]; charges: number; refunded: number }> {
  const problems: string[] = [];
  const byOrder = new Map<string, ProviderCharge[]>();
  const strangers: ProviderCharge[] = [];
  const placed = new Set(ledger.orderIds);
  for (const charge of ledger.providerCharges ?? []) {
    const orderId = /^order:(.+):charge$/.exec(charge.idempotencyKey)?.[1];
    if (orderId && placed.has(orderId)) byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), charge]);
    else strangers.push(charge);
  }
  for (const s of strangers.slice(0, 10))
    problems.push(`the provider charged ${s.paymentId} (key ${s.idempotencyKey}) for no order placed`);
  const rows = await sql<{ id: string; status: string; total: string }[]>`
    select id, status, total_minor::text as total from orders.orders where id = any(${ledger.orderIds})`;
  let charges = 0;
  let refunded = 0;
  for (const order of rows) {
    const made = byOrder.get(order.id) ?? [];
    charges += made.length;
    refunded += made.filter((c) => c.refunded).length;
    if (order.status === "CONFIRMED") {
      const kept = made.filter((c) => !c.refunded);
      if (order.total !== "0" && (made.length !== 1 || kept.length !== 1))
        problems.push(
          `order ${order.id} is CONFIRMED, but the provider holds ${made.length} charge(s) for it, ${kept.length} not refunded`,
        );
    } else if (order.status === "CANCELLED") {
      for (const c of made.filter((c) => !c.refunded))
        problems.push(
          `order ${order.id} is CANCELLED, but the provider's charge ${c.paymentId} was never refunded`,
        );
    }
  }
  return { problems, charges, refunded };
}

/**
 * When each order became final (its OrderConfirmed or OrderCancelled committed, from orders' outbox),
 * against its final deadline: final by `give_up_at` + one reconciler period + slack, where a give-up
 * that fell while the database was down counts from when it came back.
 */
async function finality(
  sql: postgres.Sql,
  ledger: Ledger,
): Promise<{ problems: string[]; latestAfterGiveUpMs?: number; longestSagaMs?: number }> {
  const problems: string[] = [];
  const rows = await sql<{ id: string; placed: Date; give_up: Date; final: Date | null }[]>`
    select o.id, o.created_at as placed, o.give_up_at as give_up,
      (select min(x.created_at) from orders.outbox x where x.key = o.id
         and x.type in ('shop.orders.v1.OrderConfirmed', 'shop.orders.v1.OrderCancelled')) as final
    from orders.orders o where o.id = any(${ledger.orderIds})`;
  let latest: number | undefined;
  let longest: number | undefined;
  const late: string[] = [];
  for (const row of rows) {
    if (!row.final) continue;
    const after = row.final.getTime() - row.give_up.getTime();
    latest = latest === undefined ? after : Math.max(latest, after);
    const took = row.final.getTime() - row.placed.getTime();
    longest = longest === undefined ? took : Math.max(longest, took);
    if (!ledger.deadline) continue;
    const { periodMs, slackMs, pauses } = ledger.deadline;
    // The reconciler can act from the give-up on, or from when the database came back.
    let from = row.give_up.getTime();
    for (const p of pauses) if (from >= p.from && from < p.to) from = p.to;
    const due = from + periodMs + slackMs;
    if (row.final.getTime() > due)
      late.push(
        `order ${row.id} became final ${((row.final.getTime() - row.give_up.getTime()) / 1000).toFixed(1)} s after its final deadline (allowed: ${((due - row.give_up.getTime()) / 1000).toFixed(1)} s)`,
      );
  }
  problems.push(...late.slice(0, 10));
  if (late.length > 10) problems.push(`… and ${late.length - 10} more orders final past their deadline`);
  return {
    problems,
    ...(latest === undefined ? {} : { latestAfterGiveUpMs: latest, longestSagaMs: longest ?? 0 }),
  };
}

/**
 * What orders' reconciler did, from orders' outbox: orders whose OrderPlaced went out more than once
 * (each extra one a re-ask), and the cancelled orders by cause (TIMED_OUT: given up by the reconciler).
 */
async function reconciliation(
  sql: postgres.Sql,
  orderIds: string[],
): Promise<{ reaskedOrders: number; reasks: number; byCause: Record<string, number> }> {
  const [asked] = await sql<{ orders: number; reasks: number }[]>`
    select count(*)::int as orders, coalesce(sum(n - 1), 0)::int as reasks from (
      select key, count(*) as n from orders.outbox
      where type = 'shop.orders.v1.OrderPlaced' and key = any(${orderIds})
      group by key having count(*) > 1) as t`;
  const cancelled = await sql<{ data: Buffer }[]>`
    select distinct on (key) data from orders.outbox
    where type = 'shop.orders.v1.OrderCancelled' and key = any(${orderIds}) order by key, seq`;
  const byCause: Record<string, number> = {};
  for (const { data } of cancelled) {
    const name = CancellationCause[fromBinary(OrderCancelledSchema, data).cause] ?? "UNKNOWN";
    byCause[name] = (byCause[name] ?? 0) + 1;
  }
  return { reaskedOrders: asked!.orders, reasks: asked!.reasks, byCause };
}

/** Payments whose outcome is not final yet (`unknown`, `refunding`): the payments reconciler's work. */
export async function unresolvedPayments(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from payments.payments where status in ('unknown', 'refunding')`;
  return row!.n;
}

/** Orders that never became final, each with its status and the events the topic holds for it. */
export async function hangingOrders(
  sql: postgres.Sql,
  orderIds: string[],
  published: PublishedEvent[],
): Promise<string[]> {
  const open = await sql<{ id: string; status: string }[]>`
    select id, status from orders.orders
    where id = any(${orderIds}) and status not in ('CONFIRMED', 'CANCELLED') order by id limit 10`;
  return open.map((order) => {
    const events = published.filter((e) => e.key === order.id).map((e) => e.type.split(".").at(-1));
    return `order ${order.id} hangs at ${order.status}; its events: ${events.join(", ") || "none"}`;
  });
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

/**
 * The redrive function's record of every dead letter, keyed `source|id|destination`, or undefined
 * when no redrive function runs (its schema is absent).
 */
export async function redriveLetters(sql: postgres.Sql): Promise<Map<string, RedriveLetter> | undefined> {
  const [table] = await sql<{ t: string | null }[]>`select to_regclass('redrive.dead_letters')::text as t`;
  if (!table?.t) return undefined;
  const rows = await sql<RedriveLetter[]>`
    select event_source as "eventSource", event_id as "eventId", destination, kind, state, attempts,
      reason, last_error as "lastError"
    from redrive.dead_letters`;
  return new Map(rows.map((r) => [letterKey(r.eventSource, r.eventId, r.destination), r]));
}

/** The key of a dead letter: its event and the subscriber that failed it. */
export function letterKey(source: string, id: string, destination: string): string {
  return `${source}|${id}|${destination}`;
}

/** Dead letters the redrive function still waits to redrive (0 when no redrive function runs). */
export async function waitingLetters(sql: postgres.Sql): Promise<number> {
  const [table] = await sql<{ t: string | null }[]>`select to_regclass('redrive.dead_letters')::text as t`;
  if (!table?.t) return 0;
  const [row] = await sql<
    { n: number }[]
  >`select count(*)::int as n from redrive.dead_letters where state = 'waiting'`;
  return row!.n;
}

/**
 * The story of one order across every function, in time order, for a person reading why it ended
 * as it did: each event emitted (function, type, committed and published times, whether it reached
 * the topic) and each handling of one (function, type, time), times in seconds from `since`.
 */
export async function orderStory(
  sql: postgres.Sql,
  orderId: string,
  since: number,
  onTopic: Set<string>,
): Promise<string> {
  const at = (d: Date | null) => (d ? `+${((d.getTime() - since) / 1000).toFixed(1)}s` : "never");
  const steps: { t: number; text: string }[] = [];
  const schemas = await outboxSchemas(sql);
  const emitted = new Map<string, string>();
  for (const schema of schemas) {
    const rows = await sql<{ id: string; type: string; created: Date; published: Date | null }[]>`
      select id, type, created_at as created, published_at as published from ${sql(schema)}.outbox
      where key = ${orderId}`;
    for (const r of rows) {
      const type = r.type.split(".").at(-1)!;
      emitted.set(r.id, `${schema} ${type}`);
      steps.push({
        t: r.created.getTime(),
        text: `${schema} emitted ${type} ${at(r.created)} (published ${at(r.published)}${onTopic.has(r.id) ? "" : ", NOT on the topic"})`,
      });
    }
  }
  const ids = [...emitted.keys()];
  for (const schema of schemas) {
    const rows = await sql<{ id: string; type: string; processed: Date }[]>`
      select id, type, processed_at as processed from ${sql(schema)}.processed_events where id = any(${ids})`;
    for (const r of rows)
      steps.push({
        t: r.processed.getTime(),
        text: `${schema} handled ${r.type.split(".").at(-1)} ${at(r.processed)}`,
      });
  }
  steps.sort((a, b) => a.t - b.t);
  return `order ${orderId}: ${steps.map((s) => s.text).join("; ")}`;
}
