import { describe, expect, it } from "vitest";
import { PromTextError, parsePromText } from "./prom-text.ts";

describe("parsePromText", () => {
  it("reads declarations, labels with escapes, special values and timestamps", () => {
    const { types, samples } = parsePromText(
      [
        "# HELP shop_orders_final_total Orders final, by state",
        "# TYPE shop_orders_final_total counter",
        'shop_orders_final_total{state="confirmed",reason="",function="orders"} 12',
        'shop_orders_final_total{ state = "cancelled" , reason="say \\"no\\"\\n\\\\",} 3 1700000000000',
        "# TYPE shop_saga_duration_seconds histogram",
        'shop_saga_duration_seconds_bucket{le="+Inf"} +Inf',
        "odd:name -Inf",
        "nothing_yet NaN",
        "",
        "# a comment",
        "plain 2.5e-3",
      ].join("\n"),
    );
    expect(Object.fromEntries(types)).toEqual({
      shop_orders_final_total: "counter",
      shop_saga_duration_seconds: "histogram",
    });
    expect(samples.slice(0, 3)).toEqual([
      {
        name: "shop_orders_final_total",
        labels: { state: "confirmed", reason: "", function: "orders" },
        value: 12,
      },
      { name: "shop_orders_final_total", labels: { state: "cancelled", reason: 'say "no"\n\\' }, value: 3 },
      { name: "shop_saga_duration_seconds_bucket", labels: { le: "+Inf" }, value: Infinity },
    ]);
    expect(samples[3]!.value).toBe(-Infinity);
    expect(samples[4]!.value).toBeNaN();
    expect(samples[5]).toEqual({ name: "plain", labels: {}, value: 0.0025 });
  });

  it("names the first malformed line and what is wrong with it", () => {
    const cases: [string, string][] = [
      ['ok 1\n{a="b"} 1', "metrics line 2: expected a metric name"],
      ['x{a="b} 1', "metrics line 1: label a is not closed"],
      ["x{a=b} 1", 'metrics line 1: expected ="…" after label a'],
      ['x{a="\\t"} 1', "metrics line 1: bad escape in label a"],
      ['x{a="1" b="2"} 1', "metrics line 1: expected , or } after a label"],
      ["x one", "metrics line 1: one is not a number"],
      ["x 1 2 3", "metrics line 1: expected a value and at most a timestamp"],
      ["x", "metrics line 1: expected a value and at most a timestamp"],
      ['x{a="1"}1', "metrics line 1: expected a space before the value"],
    ];
    for (const [text, message] of cases) {
      expect(() => parsePromText(text)).toThrow(PromTextError);
      expect(() => parsePromText(text)).toThrow(message);
    }
  });
});
