import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitted, type RunningShipping, startShipping } from "../test-support.ts";
import { SHIPPING_OPTIONS } from "./options.ts";
import { publishOptions } from "./publish-options.ts";

describe("publishing the shipping options", { timeout: 30_000 }, () => {
  let fn: RunningShipping;
  beforeAll(async () => {
    fn = await startShipping();
  }, 60_000);
  afterAll(() => fn.close());

  it("publishes every option as ShippingOptionChanged, version 1, when it starts", async () => {
    const events = await emitted(fn);
    expect(events.map((e) => [e.type, e.key])).toEqual([
      ["shop.shipping.v1.ShippingOptionChanged", "express"],
      ["shop.shipping.v1.ShippingOptionChanged", "standard"],
    ]);
    expect(events.find((e) => e.key === "standard")?.message).toMatchObject({
      optionId: "standard",
      name: "Standard delivery",
      price: { amountMinor: 490n, currency: "EUR" },
      minDays: 3,
      maxDays: 5,
      active: true,
      version: 1n,
    });
    const standard = events.find((e) => e.key === "standard")?.message as unknown as { countries: string[] };
    expect(standard.countries).toEqual(expect.arrayContaining(["DE", "FR", "GB", "CH", "NO", "US"]));
  });

  it("publishes nothing again on a tick when nothing changed", async () => {
    const before = (await emitted(fn)).length;
    await fn.tick();
    expect(await emitted(fn)).toHaveLength(before);
  });

  it("publishes a changed option once, a version up, and an option no longer offered as inactive", async () => {
    const before = (await emitted(fn)).length;
    const standard = SHIPPING_OPTIONS.find((option) => option.id === "standard");
    if (!standard) throw new Error("no standard option");
    const changed = [{ ...standard, priceMinor: 590n }];
    await fn.app.transaction((tx) => publishOptions(tx, { options: changed }));
    await fn.app.transaction((tx) => publishOptions(tx, { options: changed }));
    const after = (await emitted(fn)).slice(before);
    expect(after.map((e) => [e.key, (e.message as unknown as { version: bigint }).version])).toEqual([
      ["express", 2n],
      ["standard", 2n],
    ]);
    expect(after[0]?.message).toMatchObject({ active: false });
    expect(after[1]?.message).toMatchObject({ active: true, price: { amountMinor: 590n, currency: "EUR" } });
  });
});
