import { describe, expect, it } from "vitest";
import { availabilityOf } from "./view.ts";

describe("availabilityOf", () => {
  it("marks a line by its product and the units available", () => {
    const active = { active: true };
    expect(availabilityOf({ quantity: 2, product: active, available: 2 })).toBe("AVAILABLE");
    expect(availabilityOf({ quantity: 3, product: active, available: 2 })).toBe("LOW_STOCK");
    expect(availabilityOf({ quantity: 1, product: active, available: 0 })).toBe("OUT_OF_STOCK");
    // Stock never announced: none, as catalog shows it and inventory would refuse it.
    expect(availabilityOf({ quantity: 1, product: active, available: undefined })).toBe("OUT_OF_STOCK");
    expect(availabilityOf({ quantity: 1, product: { active: false }, available: 9 })).toBe("DISCONTINUED");
    expect(availabilityOf({ quantity: 1, product: undefined, available: 9 })).toBe("DISCONTINUED");
  });
});
