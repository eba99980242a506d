/**
 * How an event's protobuf fields become facts: lines, money and the event's own time.
 */
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import type { ShopCloudEvent } from "@shop/runtime";
import type { Money } from "@shop/schemas/common/v1/money";
import type { OrderLine } from "@shop/schemas/orders/v1/orders";
import type { FactLine } from "../db/schema.ts";

/** The lines as analytics keeps them. */
export function factLines(lines: OrderLine[]): FactLine[] {
  return lines.map((line) => ({
    productId: line.productId,
    productName: line.productName,
    quantity: line.quantity,
    lineTotalMinor: String(line.lineTotal?.amountMinor ?? 0n),
    currency: line.lineTotal?.currency ?? "",
  }));
}

/** The minor units of `money`, undefined when the event leaves it unset. */
export function minor(money: Money | undefined): bigint | undefined {
  return money ? money.amountMinor : undefined;
}

/**
 * When the fact happened: the message's own timestamp, else the event's `time` (when its producer
 * wrote it), never when analytics got it — a replay next month must put it on the same day.
 */
export function factTime(at: Timestamp | undefined, event: ShopCloudEvent): Date | undefined {
  if (at && (at.seconds !== 0n || at.nanos !== 0)) return timestampDate(at);
  const time = typeof event.time === "string" ? new Date(event.time) : undefined;
  return time && !Number.isNaN(time.getTime()) ? time : undefined;
}
