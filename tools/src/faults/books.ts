/**
 * Checks the books after a fault run, with SQL over the functions' own schemas: every order final
 * (and, given the saga's timing, final by its deadline), nothing charged twice or charged for a
 * cancelled order without a refund (in payments' table and, given it, in the payment provider's own
 * ledger), stock neither oversold nor leaked, no coupon redeemed beyond its limits, every outbox row
 * published. Returns what is wrong, in sentences, and the counts of the report.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import postgres from "postgres";

import { finality, outboxSchemas, providerProblems, reconciliation } from "./books-saga.ts";
import type { BookSummary, Ledger, PublishedEvent } from "./books-types.ts";

export {
  hangingOrders,
  letterKey,
  orderStory,
  redriveLetters,
  unresolvedPayments,
  waitingLetters,
} from "./books-saga.ts";
export type {
  BookSummary,
  Ledger,
  Pause,
  ProviderCharge,
  PublishedEvent,
  RedriveLetter,
} from "./books-types.ts";
/** Opens a SQL client on the shop's database. */
export function openBooks(databaseUrl: string) {
  return postgres(databaseUrl, { max: 2, onnotice: () => {} });
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
