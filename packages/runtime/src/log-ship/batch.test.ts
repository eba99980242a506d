import { describe, expect, it } from "vitest";
import { BATCH_BYTES, BATCH_LINES, keepInBuffer, takeBatch } from "./batch.ts";
import { logShippingFromEnv } from "./settings.ts";

describe("the log sink's batches", () => {
  it("take up to BATCH_LINES lines off the front, in order", () => {
    const buffer = Array.from({ length: BATCH_LINES + 3 }, (_, i) => `line ${i}`);
    const batch = takeBatch(buffer);
    expect(batch).toHaveLength(BATCH_LINES);
    expect(batch[0]).toBe("line 0");
    expect(buffer).toEqual(["line 500", "line 501", "line 502"]);
  });

  it("stay below BATCH_BYTES, yet take one large line alone", () => {
    const big = "x".repeat(BATCH_BYTES / 2 + 1);
    const buffer = [big, big, "small"];
    expect(takeBatch(buffer)).toEqual([big]);
    expect(takeBatch(buffer)).toEqual([big, "small"]);
    expect(takeBatch(buffer)).toEqual([]);
  });

  it("go back in front after a failure, as much as the bound allows, and say how many did not", () => {
    const buffer = ["c", "d"];
    expect(keepInBuffer(buffer, ["a", "b"], 10)).toBe(0);
    expect(buffer).toEqual(["a", "b", "c", "d"]);
    expect(keepInBuffer(buffer, ["x", "y", "z"], 5)).toBe(2);
    expect(buffer).toEqual(["x", "a", "b", "c", "d"]);
  });
});

describe("log shipping settings", () => {
  it("are off unless SHOP_LOGS_KAFKA=1, and use KAFKA_BROKERS and shop.logs by default", () => {
    expect(logShippingFromEnv({ KAFKA_BROKERS: "k:9092" })).toBeUndefined();
    expect(logShippingFromEnv({ SHOP_LOGS_KAFKA: "0", KAFKA_BROKERS: "k:9092" })).toBeUndefined();
    expect(logShippingFromEnv({ SHOP_LOGS_KAFKA: "1", KAFKA_BROKERS: "a:1,b:2" })).toEqual({
      brokers: ["a:1", "b:2"],
      topic: "shop.logs",
    });
    expect(
      logShippingFromEnv({ SHOP_LOGS_KAFKA: "1", SHOP_LOGS_BROKERS: "l:1", SHOP_LOGS_TOPIC: "t.logs" }),
    ).toEqual({ brokers: ["l:1"], topic: "t.logs" });
  });

  it("refuse what they cannot use, precisely", () => {
    expect(() => logShippingFromEnv({ SHOP_LOGS_KAFKA: "yes" })).toThrow(
      'SHOP_LOGS_KAFKA must be 1 (ship log lines to Kafka) or 0, not "yes"',
    );
    expect(() => logShippingFromEnv({ SHOP_LOGS_KAFKA: "1" })).toThrow("needs Kafka brokers");
    expect(() =>
      logShippingFromEnv({ SHOP_LOGS_KAFKA: "1", KAFKA_BROKERS: "k:1", SHOP_LOGS_TOPIC: "a b" }),
    ).toThrow('SHOP_LOGS_TOPIC "a b" is not a Kafka topic name');
  });
});
