import { describe, expect, it } from "vitest";
import { readShippingConfig } from "./config.ts";

describe("shipping's config", () => {
  it("runs the dev carrier in development, after 5 s and 15 s", () => {
    expect(readShippingConfig({}).devCarrier).toEqual({
      enabled: true,
      dispatchAfterMs: 5_000,
      deliverAfterMs: 15_000,
    });
  });

  it("does not run it in production or with Vault, unless told to", () => {
    expect(readShippingConfig({ NODE_ENV: "production" }).devCarrier.enabled).toBe(false);
    expect(readShippingConfig({ VAULT_ADDR: "http://vault:8200" }).devCarrier.enabled).toBe(false);
    expect(readShippingConfig({ NODE_ENV: "production", SHIPPING_DEV_CARRIER: "1" }).devCarrier.enabled).toBe(
      true,
    );
    expect(readShippingConfig({ SHIPPING_DEV_CARRIER: "0" }).devCarrier.enabled).toBe(false);
  });

  it("takes the delays from the environment", () => {
    const config = readShippingConfig({
      SHIPPING_DEV_DISPATCH_AFTER_MS: "200",
      SHIPPING_DEV_DELIVER_AFTER_MS: "0",
    });
    expect(config.devCarrier).toMatchObject({ dispatchAfterMs: 200, deliverAfterMs: 0 });
  });
});
