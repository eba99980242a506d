/**
 * The figures of a report, as a pure function of the orders' facts: nothing is counted as it arrives,
 * so the figures of the same facts are the same figures, however the facts were gathered.
 */
import type { OrderFactsRow } from "../db/schema.ts";
import { type DayRange, dayOf } from "./days.ts";

/** An amount in one currency. */
export interface Amount {
  currency: string;
  amountMinor: bigint;
}

/** The figures of one UTC day. */
export interface DayFigures {
  day: string;
  ordersPlaced: number;
  ordersConfirmed: number;
  ordersCancelled: number;
  /** Confirmed totals of the orders confirmed that day and not cancelled since, by currency. */
  revenue: Amount[];
}

/** What a product sold. */
export interface ProductFigures {
  productId: string;
  productName: string;
  units: bigint;
  revenue: Amount;
}

/** A coupon's use. */
export interface CouponFigures {
  code: string;
  redemptions: number;
  discount: Amount;
}

/** Cancellations of one cause. */
export interface CancellationFigures {
  cause: number;
  count: number;
  afterConfirmation: number;
}

/** A whole report. */
export interface SalesReport {
  days: DayFigures[];
  ordersPlaced: number;
  ordersConverted: number;
  conversion: number;
  topProducts: ProductFigures[];
  coupons: CouponFigures[];
  cancellations: CancellationFigures[];
}

/** The facts a report is made of. */
export type ReportFacts = Pick<
  OrderFactsRow,
  | "orderId"
  | "currency"
  | "placedAt"
  | "couponCode"
  | "discountMinor"
  | "pricedTotalMinor"
  | "confirmedTotalMinor"
  | "lines"
  | "confirmedAt"
  | "cancelledAt"
  | "cancelCause"
  | "wasConfirmed"
>;

const within = (at: Date | null, range: DayRange): at is Date =>
  at !== null && at >= range.from && at < range.until;

/** Confirmed and not cancelled (since): what counts as sold. */
const sold = (facts: ReportFacts) => facts.confirmedAt !== null && facts.cancelledAt === null;

function add(sums: Map<string, bigint>, key: string, amount: bigint) {
  sums.set(key, (sums.get(key) ?? 0n) + amount);
}

const byCurrency = (sums: Map<string, bigint>): Amount[] =>
  [...sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amountMinor]) => ({ currency, amountMinor }));

/** The report of `range` from `facts` (any orders; those with no fact in the range count nowhere). */
export function salesReport(facts: ReportFacts[], range: DayRange, top: number): SalesReport {
  const days = new Map(
    range.days.map((day) => [
      day,
      { day, ordersPlaced: 0, ordersConfirmed: 0, ordersCancelled: 0, revenue: new Map<string, bigint>() },
    ]),
  );
  const products = new Map<string, ProductFigures>();
  const coupons = new Map<string, CouponFigures>();
  const cancellations = new Map<number, CancellationFigures>();
  let ordersPlaced = 0;
  let ordersConverted = 0;
  for (const order of facts) {
    if (within(order.placedAt, range)) {
      ordersPlaced += 1;
      days.get(dayOf(order.placedAt))!.ordersPlaced += 1;
      if (sold(order)) ordersConverted += 1;
    }
    if (within(order.cancelledAt, range)) {
      days.get(dayOf(order.cancelledAt))!.ordersCancelled += 1;
      const cause = order.cancelCause ?? 0;
      const figures = cancellations.get(cause) ?? { cause, count: 0, afterConfirmation: 0 };
      figures.count += 1;
      if (order.wasConfirmed) figures.afterConfirmation += 1;
      cancellations.set(cause, figures);
    }
    if (!within(order.confirmedAt, range)) continue;
    const day = days.get(dayOf(order.confirmedAt))!;
    day.ordersConfirmed += 1;
    if (!sold(order)) continue;
    const currency = order.currency ?? "";
    add(day.revenue, currency, order.confirmedTotalMinor ?? order.pricedTotalMinor ?? 0n);
    for (const line of order.lines) {
      const key = `${line.productId}\u0000${line.currency}`;
      const figures = products.get(key) ?? {
        productId: line.productId,
        productName: line.productName,
        units: 0n,
        revenue: { currency: line.currency, amountMinor: 0n },
      };
      figures.units += BigInt(line.quantity);
      figures.revenue.amountMinor += BigInt(line.lineTotalMinor);
      products.set(key, figures);
    }
    if (order.couponCode !== "") {
      const key = `${order.couponCode}\u0000${currency}`;
      const figures = coupons.get(key) ?? {
        code: order.couponCode,
        redemptions: 0,
        discount: { currency, amountMinor: 0n },
      };
      figures.redemptions += 1;
      figures.discount.amountMinor += order.discountMinor ?? 0n;
      coupons.set(key, figures);
    }
  }
  return {
    days: [...days.values()].map((d) => ({ ...d, revenue: byCurrency(d.revenue) })),
    ordersPlaced,
    ordersConverted,
    conversion: ordersPlaced === 0 ? 0 : ordersConverted / ordersPlaced,
    topProducts: [...products.values()]
      .sort(
        (a, b) =>
          compare(b.units, a.units) ||
          compare(b.revenue.amountMinor, a.revenue.amountMinor) ||
          a.productId.localeCompare(b.productId),
      )
      .slice(0, top),
    coupons: [...coupons.values()].sort(
      (a, b) => b.redemptions - a.redemptions || a.code.localeCompare(b.code),
    ),
    cancellations: [...cancellations.values()].sort((a, b) => b.count - a.count || a.cause - b.cause),
  };
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
