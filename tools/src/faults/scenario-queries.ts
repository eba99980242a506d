import { fromBinary } from "@bufbuild/protobuf";
import type { RunningFunction } from "@shop/runtime";
import { CancellationCause, OrderCancelledSchema } from "@shop/schemas/orders/v1/events";
import type { openBooks } from "./books.ts";
import type { ScenarioReport } from "./scenario-types.ts";

/** The sum over all labels of a counter in an in-process function's registry (0 when it has none). */
export async function counterTotal(fn: RunningFunction, name: string): Promise<number> {
  const metric = fn.metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.reduce((n, v) => n + v.value, 0);
}

/** A counter of an in-process function summed by one label's values. */
export async function counterBy(
  fn: RunningFunction,
  name: string,
  label: string,
): Promise<Record<string, number>> {
  const metric = fn.metrics.registry.getSingleMetric(name);
  const by: Record<string, number> = {};
  if (!metric) return by;
  for (const v of (await metric.get()).values) {
    const key = String(v.labels[label] ?? "");
    by[key] = (by[key] ?? 0) + v.value;
  }
  return by;
}

/** The orders in 10 s buckets of when they were placed (from `since`), with their outcome (cancelled by cause). */
export async function placementTimeline(
  sql: ReturnType<typeof openBooks>,
  orderIds: string[],
  since: number,
): Promise<ScenarioReport["timeline"]> {
  const rows = await sql<{ bucket: number; status: string; cancelled: Buffer | null }[]>`
    select floor(extract(epoch from o.created_at - ${new Date(since)}::timestamptz) / 10)::int * 10 as bucket,
      o.status,
      (select x.data from orders.outbox x where x.key = o.id and x.type = 'shop.orders.v1.OrderCancelled'
        order by x.seq limit 1) as cancelled
    from orders.orders o where o.id = any(${orderIds}) order by 1`;
  const buckets = new Map<number, ScenarioReport["timeline"][number]>();
  for (const row of rows) {
    const b = buckets.get(row.bucket) ?? { fromS: row.bucket, placed: 0, confirmed: 0, cancelled: {} };
    b.placed++;
    if (row.status === "CONFIRMED") b.confirmed++;
    else if (row.status === "CANCELLED") {
      const cause = row.cancelled
        ? (CancellationCause[fromBinary(OrderCancelledSchema, row.cancelled).cause] ?? "UNKNOWN")
        : "UNKNOWN";
      b.cancelled[cause] = (b.cancelled[cause] ?? 0) + 1;
    }
    buckets.set(row.bucket, b);
  }
  return [...buckets.values()];
}

/** Up to `limit` orders cancelled with the cause TIMED_OUT (the first ones placed). */
export async function timedOutOrders(
  sql: ReturnType<typeof openBooks>,
  orderIds: string[],
  limit: number,
): Promise<string[]> {
  const rows = await sql<{ key: string; data: Buffer }[]>`
    select x.key, x.data from orders.outbox x join orders.orders o on o.id = x.key
    where x.type = 'shop.orders.v1.OrderCancelled' and x.key = any(${orderIds}) order by o.created_at`;
  return rows
    .filter((r) => fromBinary(OrderCancelledSchema, r.data).cause === CancellationCause.TIMED_OUT)
    .slice(0, limit)
    .map((r) => r.key);
}
