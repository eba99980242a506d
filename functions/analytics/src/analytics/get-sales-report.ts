/**
 * GetSalesReport's read: the facts of the orders with any fact in the range, made into the report.
 */
import type { Db } from "@shop/runtime";
import { type AnyColumn, and, gte, lt, or } from "drizzle-orm";
import { orderFacts } from "../db/schema.ts";
import { dayRange } from "./days.ts";
import { invalidRequest } from "./errors.ts";
import { type SalesReport, salesReport } from "./sales-report.ts";

/** What a report is asked for. */
export interface SalesReportInput {
  fromDay: string;
  toDay: string;
  /** How many top products (1..100; 0: 10). */
  top: number;
}

/** The most top products a report lists. */
export const MAX_TOP = 100;

/** The report of `fromDay`..`toDay`; refuses a range it cannot read, backwards or too long, and a bad `top`. */
export async function getSalesReport(db: Db, input: SalesReportInput): Promise<SalesReport> {
  const range = dayRange(input.fromDay, input.toDay);
  if (!Number.isInteger(input.top) || input.top < 0 || input.top > MAX_TOP) {
    throw invalidRequest(`top must be 1..${MAX_TOP} (or 0 for 10), not ${input.top}.`);
  }
  const inRange = (column: AnyColumn) => and(gte(column, range.from), lt(column, range.until));
  const facts = await db
    .select()
    .from(orderFacts)
    .where(
      or(inRange(orderFacts.placedAt), inRange(orderFacts.confirmedAt), inRange(orderFacts.cancelledAt)),
    );
  return salesReport(facts, range, input.top === 0 ? 10 : input.top);
}
