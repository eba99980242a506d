import { describe, expect, it } from "vitest";
import { type Filter, legacyAttributeFilter, matches, parseFilters } from "./filters.ts";

const placed = {
  specversion: "1.0",
  id: "1",
  source: "/functions/orders",
  type: "shop.orders.v1.OrderPlaced",
  partitionkey: "order-1",
};

describe("matches", () => {
  it.each<[string, Filter[], boolean]>([
    ["no filters", [], true],
    ["exact type", [{ exact: { type: "shop.orders.v1.OrderPlaced" } }], true],
    ["exact type, other value", [{ exact: { type: "shop.orders.v1.OrderCancelled" } }], false],
    ["exact on an extension", [{ exact: { partitionkey: "order-1" } }], true],
    ["exact on a missing attribute", [{ exact: { subject: "order-1" } }], false],
    [
      "exact with several attributes, all equal",
      [{ exact: { type: placed.type, source: placed.source } }],
      true,
    ],
    ["exact with several attributes, one differs", [{ exact: { type: placed.type, source: "/x" } }], false],
    ["exact attribute names are case-insensitive", [{ exact: { Type: placed.type } }], true],
    ["prefix", [{ prefix: { type: "shop.orders." } }], true],
    ["prefix, other", [{ prefix: { type: "shop.payments." } }], false],
    ["empty prefix of a missing attribute", [{ prefix: { subject: "" } }], false],
    ["suffix", [{ suffix: { type: ".OrderPlaced" } }], true],
    ["suffix, other", [{ suffix: { type: ".OrderPriced" } }], false],
    [
      "all, every one matches",
      [{ all: [{ prefix: { type: "shop." } }, { exact: { source: placed.source } }] }],
      true,
    ],
    ["all, one fails", [{ all: [{ prefix: { type: "shop." } }, { exact: { source: "/x" } }] }], false],
    ["any, one matches", [{ any: [{ exact: { type: "x" } }, { suffix: { type: "Placed" } }] }], true],
    ["any, none matches", [{ any: [{ exact: { type: "x" } }, { suffix: { type: "Priced" } }] }], false],
    ["not of a match", [{ not: { exact: { type: placed.type } } }], false],
    ["not of a mismatch", [{ not: { exact: { type: "x" } } }], true],
    [
      "nested",
      [{ any: [{ not: { prefix: { type: "shop." } } }, { all: [{ suffix: { source: "orders" } }] }] }],
      true,
    ],
    ["filters are ANDed", [{ prefix: { type: "shop." } }, { exact: { source: "/x" } }], false],
  ])("%s", (_, filters, expected) => {
    expect(matches(filters, placed)).toBe(expected);
  });
});

describe("parseFilters", () => {
  it("reads every supported dialect", () => {
    const raw = [
      { exact: { type: "a" } },
      { any: [{ prefix: { type: "b" } }, { not: { suffix: { type: "c" } } }] },
      { all: [{ exact: { source: "d" } }] },
    ];
    expect(parseFilters(raw, "t")).toEqual(raw);
  });

  it("refuses cesql clearly, and anything that is not a dialect", () => {
    expect(() => parseFilters([{ cesql: "type = 'a'" }], "Trigger shop/x")).toThrow(
      /Trigger shop\/x: spec.filters\[0\]: the cesql filter dialect is not supported/,
    );
    expect(() => parseFilters([{ regex: { type: "a" } }], "t")).toThrow(/unknown filter dialect "regex"/);
    expect(() => parseFilters([{ exact: { type: 1 } }], "t")).toThrow(/must be a string/);
    expect(() => parseFilters([{ exact: { type: "a" }, prefix: { type: "a" } }], "t")).toThrow(
      /exactly one dialect/,
    );
    expect(() => parseFilters([{ any: [] }], "t")).toThrow(/non-empty list/);
    expect(() => parseFilters({ exact: {} }, "t")).toThrow(/must be a list/);
  });
});

describe("legacyAttributeFilter", () => {
  it("matches exactly and treats an empty value as any value", () => {
    const filters = legacyAttributeFilter({ type: placed.type, source: "" }, "t");
    expect(filters).toEqual([{ exact: { type: placed.type } }]);
    expect(matches(filters, placed)).toBe(true);
    expect(matches(filters, { ...placed, type: "other" })).toBe(false);
    expect(legacyAttributeFilter(undefined, "t")).toEqual([]);
  });
});
