import { describe, expect, it } from "vitest";
import { auditJson } from "./audit.ts";
import { expectedSource, sourceAllowed } from "./events/subscriptions.ts";

describe("auditJson", () => {
  it("writes bigints as strings, dates as ISO strings, bytes as their length, and nothing for undefined", () => {
    expect(auditJson(undefined)).toBe("");
    expect(
      JSON.parse(
        auditJson({
          price: 1999n,
          at: new Date("2026-12-01T00:00:00Z"),
          image: new Uint8Array(3),
          none: null,
        }),
      ),
    ).toEqual({ price: "1999", at: "2026-12-01T00:00:00.000Z", image: { bytes: 3 }, none: null });
  });
});

describe("where an event may come from", () => {
  it("takes AdminActionRecorded from any function, and every other type only from its package's function", () => {
    for (const source of ["/functions/catalog", "/functions/inventory", "/functions/orders"]) {
      expect(sourceAllowed("shop.audit.v1.AdminActionRecorded", source)).toBe(true);
    }
    expect(sourceAllowed("shop.audit.v1.AdminActionRecorded", "https://example.com/x")).toBe(false);
    expect(sourceAllowed("shop.orders.v1.OrderPlaced", expectedSource("shop.orders.v1.OrderPlaced"))).toBe(
      true,
    );
    expect(sourceAllowed("shop.orders.v1.OrderPlaced", "/functions/catalog")).toBe(false);
  });
});
