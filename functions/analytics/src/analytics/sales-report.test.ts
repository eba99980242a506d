import { describe, expect, it } from "vitest";
import { dayRange } from "./days.ts";
import { type ReportFacts, salesReport } from "./sales-report.ts";

const at = (iso: string) => new Date(iso);

function order(init: Partial<ReportFacts> & { orderId: string }): ReportFacts {
  return {
    currency: "EUR",
    placedAt: null,
    couponCode: "",
    discountMinor: null,
    pricedTotalMinor: null,
    confirmedTotalMinor: null,
    lines: [],
    confirmedAt: null,
    cancelledAt: null,
    cancelCause: null,
    wasConfirmed: false,
    ...init,
  };
}

const mugs = (quantity: number) => ({
  productId: "mug",
  productName: "Blue Mug",
  quantity,
  lineTotalMinor: String(1_250 * quantity),
  currency: "EUR",
});
const tea = {
  productId: "tea",
  productName: "Green Tea",
  quantity: 1,
  lineTotalMinor: "800",
  currency: "EUR",
};

describe("salesReport", () => {
  const range = dayRange("2026-11-30", "2026-12-01");

  it("counts each order on the UTC day of each of its facts, and revenue only for orders still confirmed", () => {
    const report = salesReport(
      [
        // Placed just before midnight UTC, confirmed just after: two different days.
        order({
          orderId: "a",
          placedAt: at("2026-11-30T23:59:59Z"),
          confirmedAt: at("2026-12-01T00:00:01Z"),
          confirmedTotalMinor: 2_970n,
          couponCode: "SAVE10",
          discountMinor: 330n,
          lines: [mugs(2), tea],
        }),
        // Confirmed, then cancelled by the customer: out of revenue, counted as confirmed and cancelled.
        order({
          orderId: "b",
          placedAt: at("2026-12-01T08:00:00Z"),
          confirmedAt: at("2026-12-01T08:00:05Z"),
          confirmedTotalMinor: 1_250n,
          lines: [mugs(1)],
          cancelledAt: at("2026-12-01T09:00:00Z"),
          cancelCause: 5,
          wasConfirmed: true,
        }),
        order({
          orderId: "c",
          placedAt: at("2026-12-01T10:00:00Z"),
          cancelledAt: at("2026-12-01T10:00:02Z"),
          cancelCause: 3,
        }),
        // Only OrderPriced's total known: it still counts.
        order({
          orderId: "d",
          placedAt: at("2026-12-01T11:00:00Z"),
          confirmedAt: at("2026-12-01T11:00:03Z"),
          pricedTotalMinor: 800n,
          lines: [tea],
        }),
        // Outside the range: nowhere.
        order({ orderId: "e", placedAt: at("2026-12-02T00:00:00Z") }),
      ],
      range,
      10,
    );
    expect(report.days).toEqual([
      { day: "2026-11-30", ordersPlaced: 1, ordersConfirmed: 0, ordersCancelled: 0, revenue: [] },
      {
        day: "2026-12-01",
        ordersPlaced: 3,
        ordersConfirmed: 3,
        ordersCancelled: 2,
        revenue: [{ currency: "EUR", amountMinor: 3_770n }],
      },
    ]);
    expect(report.ordersPlaced).toBe(4);
    expect(report.ordersConverted).toBe(2);
    expect(report.conversion).toBe(0.5);
    expect(report.topProducts).toEqual([
      {
        productId: "mug",
        productName: "Blue Mug",
        units: 2n,
        revenue: { currency: "EUR", amountMinor: 2_500n },
      },
      {
        productId: "tea",
        productName: "Green Tea",
        units: 2n,
        revenue: { currency: "EUR", amountMinor: 1_600n },
      },
    ]);
    expect(report.coupons).toEqual([
      { code: "SAVE10", redemptions: 1, discount: { currency: "EUR", amountMinor: 330n } },
    ]);
    expect(report.cancellations).toEqual([
      { cause: 3, count: 1, afterConfirmation: 0 },
      { cause: 5, count: 1, afterConfirmation: 1 },
    ]);
  });

  it("lists every day of the range, empty ones too, keeps currencies apart and cuts the top list", () => {
    const report = salesReport(
      [
        order({
          orderId: "a",
          placedAt: at("2026-11-30T12:00:00Z"),
          confirmedAt: at("2026-11-30T12:00:01Z"),
          confirmedTotalMinor: 500n,
          currency: "USD",
          lines: [{ ...tea, currency: "USD", lineTotalMinor: "500" }],
        }),
        order({
          orderId: "b",
          placedAt: at("2026-11-30T12:00:00Z"),
          confirmedAt: at("2026-11-30T13:00:00Z"),
          confirmedTotalMinor: 1_250n,
          lines: [mugs(1)],
        }),
      ],
      dayRange("2026-11-29", "2026-12-01"),
      1,
    );
    expect(report.days.map((d) => d.day)).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
    expect(report.days[1]?.revenue).toEqual([
      { currency: "EUR", amountMinor: 1_250n },
      { currency: "USD", amountMinor: 500n },
    ]);
    expect(report.topProducts).toHaveLength(1);
    expect(report.topProducts[0]?.productId).toBe("mug");
  });

  it("gives zeros, not NaN, for a range without orders", () => {
    const report = salesReport([], range, 10);
    expect(report.conversion).toBe(0);
    expect(report.ordersPlaced).toBe(0);
    expect(report.days).toHaveLength(2);
  });
});

describe("dayRange", () => {
  it("covers whole UTC days, the last one included", () => {
    const range = dayRange("2026-12-01", "2026-12-01");
    expect(range.from.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(range.until.toISOString()).toBe("2026-12-02T00:00:00.000Z");
    expect(range.days).toEqual(["2026-12-01"]);
  });

  it.each([
    ["2026-13-01", "2026-12-01", /from_day must be a day as YYYY-MM-DD/],
    ["2026-02-30", "2026-03-01", /from_day must be a day/],
    ["2026-12-01", "yesterday", /to_day must be a day as YYYY-MM-DD/],
    ["2026-12-02", "2026-12-01", /from_day \(2026-12-02\) is after to_day \(2026-12-01\)/],
    ["2025-01-01", "2026-12-01", /at most 366 days/],
  ])("refuses %s..%s", (from, to, message) => {
    expect(() => dayRange(from, to)).toThrow(message);
  });
});
