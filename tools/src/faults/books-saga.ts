/**
 * The saga's side of the books: the provider's ledger against the orders, finality by the deadline,
 * what the reconciler did, orders left hanging and redrive's dead letters.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { CancellationCause, OrderCancelledSchema } from "@shop/schemas/orders/v1/events";
import type postgres from "postgres";
import type { Ledger, ProviderCharge, PublishedEvent, RedriveLetter } from "./books-types.ts";
/**
 * The provider's own ledger against the orders: a confirmed order has exactly one charge, not
 * refunded; every charge of a cancelled order is refunded; no charge belongs to an order not placed.
 * Charges are named by their idempotency key, `order:<id>:charge`.
 */
export async function providerProblems(
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
export async function finality(
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
  const lateGiveUps: number[] = [];
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
    if (row.final.getTime() > due) lateGiveUps.push(row.give_up.getTime());
    if (row.final.getTime() > due)
      late.push(
        `order ${row.id} became final ${((row.final.getTime() - row.give_up.getTime()) / 1000).toFixed(1)} s after its final deadline (allowed: ${((due - row.give_up.getTime()) / 1000).toFixed(1)} s)`,
      );
  }
  problems.push(...late.slice(0, 10));
  if (late.length > 10) problems.push(`… and ${late.length - 10} more orders final past their deadline`);
  if (late.length > 0) {
    // When: the give-ups the reconciler missed, in wall-clock time (as the fault log prints it).
    const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
    const missed = lateGiveUps.sort((a, b) => a - b);
    problems.push(
      `${late.length} orders final past their deadline: their give-ups fell between ${clock(missed[0]!)} and ${clock(missed.at(-1)!)} UTC`,
    );
  }
  return {
    problems,
    ...(latest === undefined ? {} : { latestAfterGiveUpMs: latest, longestSagaMs: longest ?? 0 }),
  };
}

/**
 * What orders' reconciler did, from orders' outbox: orders whose OrderPlaced went out more than once
 * (each extra one a re-ask), and the cancelled orders by cause (TIMED_OUT: given up by the reconciler).
 */
export async function reconciliation(
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

/** The functions' schemas that have an outbox (every function's, redrive's included when it runs). */
export async function outboxSchemas(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ schema: string }[]>`
    select table_schema as schema from information_schema.tables
    where table_name = 'outbox' and table_schema not in ('public', 'pg_catalog', 'information_schema')
    order by 1`;
  return rows.map((r) => r.schema);
}
