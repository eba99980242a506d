import { describe, expect, it } from "vitest";
import { bucketIncrease, quantileFromBuckets, sumBuckets } from "./quantile.ts";

const inf = Number.POSITIVE_INFINITY;
// 100 sagas: 50 within 0.5 s, 90 within 1 s, 99 within 2.5 s, one slower.
const buckets = [
  { le: 1, count: 90 },
  { le: 0.5, count: 50 },
  { le: 2.5, count: 99 },
  { le: inf, count: 100 },
];

describe("quantileFromBuckets", () => {
  it("interpolates inside the bucket the rank falls in, as histogram_quantile does", () => {
    expect(quantileFromBuckets(0.5, buckets)).toBe(0.5);
    expect(quantileFromBuckets(0.25, buckets)).toBe(0.25);
    expect(quantileFromBuckets(0.7, buckets)).toBeCloseTo(0.75);
    expect(quantileFromBuckets(0.99, buckets)).toBe(2.5);
    expect(quantileFromBuckets(0, buckets)).toBe(0);
  });

  it("answers the highest finite bound for a rank in the +Inf bucket", () => {
    expect(quantileFromBuckets(1, buckets)).toBe(2.5);
    expect(
      quantileFromBuckets(0.5, [
        { le: 1, count: 0 },
        { le: inf, count: 4 },
      ]),
    ).toBe(1);
  });

  it("has no answer without observations or without a +Inf bucket, and refuses q outside [0, 1]", () => {
    expect(quantileFromBuckets(0.5, [])).toBeUndefined();
    expect(
      quantileFromBuckets(0.5, [
        { le: 1, count: 0 },
        { le: inf, count: 0 },
      ]),
    ).toBeUndefined();
    expect(quantileFromBuckets(0.5, [{ le: 1, count: 3 }])).toBeUndefined();
    expect(() => quantileFromBuckets(1.5, buckets)).toThrow("a quantile lies between 0 and 1, not 1.5");
    expect(() => quantileFromBuckets(Number.NaN, buckets)).toThrow(RangeError);
  });
});

describe("sumBuckets and bucketIncrease", () => {
  const sample = (le: string, value: number, state: string) => ({
    name: "shop_saga_duration_seconds_bucket",
    labels: { le, state, function: "orders" },
    value,
  });

  it("sums the series of a histogram by bound, and takes the increase between two readings", () => {
    const first = sumBuckets(
      [sample("1", 2, "confirmed"), sample("+Inf", 3, "confirmed"), sample("1", 1, "cancelled")],
      "shop_saga_duration_seconds",
    );
    expect(first).toEqual([
      { le: 1, count: 3 },
      { le: inf, count: 3 },
    ]);
    const later = [
      { le: 1, count: 7 },
      { le: inf, count: 9 },
    ];
    expect(bucketIncrease(later, first)).toEqual([
      { le: 1, count: 4 },
      { le: inf, count: 6 },
    ]);
    // After a restart the counters start over: the later reading is the increase.
    expect(bucketIncrease(first, later)).toEqual(first);
  });
});
