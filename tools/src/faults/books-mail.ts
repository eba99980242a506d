/**
 * The books of what a customer receives after the saga: the receipts at the SMTP server and the
 * parcels shipping made. However often the broker delivered an OrderConfirmed (the suite delivers
 * records twice on purpose, faults make it redeliver more), a confirmed order has exactly one receipt
 * and, when it ships, exactly one shipment; an order never confirmed has neither.
 */
import type { CaughtMail } from "@shop/notifications/mail-catcher";
import type postgres from "postgres";

/** What the customers received, for the report. */
export interface DeliveredSummary {
  /** Distinct receipts (by Message-ID) at the SMTP server for the run's orders. */
  receipts: number;
  /**
   * Copies of a receipt the SMTP server took again with the same Message-ID: notifications' one
   * window (a crash between the server's acceptance and `sent` committing), which a receiving system
   * that deduplicates by Message-ID shows once. Not a second receipt.
   */
  receiptCopies: number;
  /** Confirmed orders that ship, and the shipments shipping holds for the run's orders. */
  shippingOrders: number;
  shipments: number;
}

/** The subject of an order's receipt (notifications' receipt template). */
export const receiptSubject = (orderId: string) => `Your Shop receipt for order ${orderId}`;

/** Emails notifications still owes (pending or parked): the run has not settled while there are any. */
export async function unsentEmails(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from notifications.emails where state in ('pending', 'parked')`;
  return row!.n;
}

/** One order as the shipment books read it: its status, whether it ships, what shipping holds for it. */
export interface ShippedOrder {
  id: string;
  status: string;
  ships: boolean;
  /** Rows of shipping.shipments, and distinct ShipmentCreated events in shipping's outbox. */
  shipments: number;
  created: number;
}

/**
 * Receipts per order: exactly one distinct Message-ID for an order `confirmed` at some point, none
 * for any other; the same Message-ID again is a copy (notifications' one window), not a receipt.
 */
export function receiptProblems(orderIds: string[], confirmed: Set<string>, mail: CaughtMail[]) {
  const problems: string[] = [];
  const receiptsBy = new Map<string, CaughtMail[]>();
  for (const m of mail) {
    const id = /^Your Shop receipt for order (\S+)$/.exec(m.subject)?.[1];
    if (id) receiptsBy.set(id, [...(receiptsBy.get(id) ?? []), m]);
  }
  let receipts = 0;
  let receiptCopies = 0;
  for (const id of orderIds) {
    const got = receiptsBy.get(id) ?? [];
    const distinct = new Set(got.map((m) => m.messageId)).size;
    receipts += distinct;
    receiptCopies += got.length - distinct;
    const owed = confirmed.has(id) ? 1 : 0;
    if (distinct !== owed)
      problems.push(
        `order ${id} ${owed ? "was confirmed" : "was never confirmed"}, but its customer received ${distinct} receipts`,
      );
  }
  return { problems, receipts, receiptCopies };
}

/**
 * Shipments per order: a confirmed order that ships has exactly one (and one ShipmentCreated); one
 * cancelled after its confirmation may have one (cancelled with it) or none (the cancellation reached
 * shipping first); any other none.
 */
export function shipmentProblems(rows: ShippedOrder[], confirmed: Set<string>) {
  const problems: string[] = [];
  let shippingOrders = 0;
  let shipments = 0;
  for (const r of rows) {
    shipments += r.shipments;
    const ships = r.ships && r.status === "CONFIRMED";
    if (ships) shippingOrders++;
    const allowed = ships ? [1] : r.ships && confirmed.has(r.id) ? [0, 1] : [0];
    if (!allowed.includes(r.shipments) || !allowed.includes(r.created))
      problems.push(
        `order ${r.id} (${r.status}, ${r.ships ? "ships" : "ships nothing"}) has ${r.shipments} shipments and ${r.created} ShipmentCreated, not ${allowed.join(" or ")}`,
      );
  }
  return { problems, shippingOrders, shipments };
}

/** Receipts per order against the orders orders confirmed; shipments per order against those that ship. */
export async function deliveredProblems(
  sql: postgres.Sql,
  orderIds: string[],
  mail: CaughtMail[],
): Promise<{ problems: string[]; summary: DeliveredSummary }> {
  // Confirmed at some point (an OrderConfirmed committed), whatever became of the order later.
  const confirmed = new Set(
    (
      await sql<{ key: string }[]>`
        select distinct key from orders.outbox
        where type = 'shop.orders.v1.OrderConfirmed' and key = any(${orderIds})`
    ).map((r) => r.key),
  );
  const receipts = receiptProblems(orderIds, confirmed, mail);
  const rows = await sql<ShippedOrder[]>`
    select o.id, o.status, o.shipping is not null as ships,
      (select count(*)::int from shipping.shipments s where s.order_id = o.id) as shipments,
      (select count(distinct id)::int from shipping.outbox e
        where e.type = 'shop.shipping.v1.ShipmentCreated' and e.key = o.id) as created
    from orders.orders o where o.id = any(${orderIds})`;
  const shipped = shipmentProblems(rows, confirmed);
  const problems = [...receipts.problems, ...shipped.problems];
  // A cancelled order's parcel must not leave: only confirmed orders may be on their way.
  const gone = await sql<{ order_id: string; status: string }[]>`
    select s.order_id, s.status from shipping.shipments s join orders.orders o on o.id = s.order_id
    where o.id = any(${orderIds}) and o.status = 'CANCELLED' and s.status <> 'CANCELLED'`;
  for (const g of gone) problems.push(`order ${g.order_id} is cancelled, but its shipment is ${g.status}`);
  const { receipts: count, receiptCopies } = receipts;
  const { shippingOrders, shipments } = shipped;
  return { problems, summary: { receipts: count, receiptCopies, shippingOrders, shipments } };
}
