/**
 * analytics' side of the books: its facts of every placed order against orders' own table (issue 17:
 * "the analytics projections equal figures recomputed from the orders table after a load run"). Each
 * order must be known as placed; a CONFIRMED one as confirmed, not cancelled, with orders' total; a
 * CANCELLED one as cancelled. Equal facts per order make every figure of GetSalesReport equal.
 */
import type postgres from "postgres";

/** How many disagreeing orders are named one by one before the rest are only counted. */
const NAMED = 10;

/** What analytics gets wrong about the orders of `orderIds`, in sentences (none: it agrees). */
export async function analyticsProblems(sql: postgres.Sql, orderIds: string[]): Promise<string[]> {
  const [present] = await sql<
    { table: string | null }[]
  >`select to_regclass('analytics.order_facts')::text as table`;
  if (!present?.table) return [];
  const rows = await sql<
    {
      id: string;
      status: string;
      total: string;
      known: boolean;
      placed: boolean;
      confirmed: boolean;
      cancelled: boolean;
      analytics_total: string | null;
    }[]
  >`
    select o.id, o.status, o.total_minor::text as total, f.order_id is not null as known,
           f.placed_at is not null as placed, f.confirmed_at is not null as confirmed,
           f.cancelled_at is not null as cancelled,
           coalesce(f.confirmed_total_minor, f.priced_total_minor)::text as analytics_total
      from orders.orders o left join analytics.order_facts f on f.order_id = o.id
     where o.id = any(${orderIds})`;
  const wrong: string[] = [];
  for (const r of rows) {
    if (!r.known || !r.placed) wrong.push(`analytics does not know order ${r.id} as placed`);
    else if (r.status === "CONFIRMED" && (!r.confirmed || r.cancelled))
      wrong.push(
        `order ${r.id} is CONFIRMED, but analytics has it ${r.cancelled ? "cancelled" : "not confirmed"}`,
      );
    else if (r.status === "CONFIRMED" && r.analytics_total !== r.total)
      wrong.push(
        `order ${r.id} is CONFIRMED for ${r.total}, but analytics counts ${r.analytics_total ?? "nothing"}`,
      );
    else if (r.status === "CANCELLED" && !r.cancelled)
      wrong.push(`order ${r.id} is CANCELLED, but analytics does not have it cancelled`);
  }
  return wrong.length > NAMED
    ? [...wrong.slice(0, NAMED), `and ${wrong.length - NAMED} more orders analytics disagrees about`]
    : wrong;
}
