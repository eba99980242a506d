import { create } from "@bufbuild/protobuf";
import { toCloudEvent, toKafkaRecord } from "@shop/runtime";
import { sealedLocally } from "@shop/runtime/testing";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { describe, expect, it } from "vitest";
import { formatEvent, viewRecord } from "./event-view.ts";

function placed(payment: { paymentToken?: string; sealedPaymentToken?: string }) {
  const message = create(OrderPlacedSchema, { orderId: "o-1", customerId: "c-1", ...payment });
  return toKafkaRecord(toCloudEvent(OrderPlacedSchema, message, { source: "/functions/orders", key: "o-1" }));
}

describe("shop events tail and payment tokens", () => {
  it("shows a sealed token as sealed, not its ciphertext", () => {
    const sealed = sealedLocally("tok_visa", "o-1");
    const view = viewRecord(placed({ sealedPaymentToken: sealed }));
    expect(view.message).toMatchObject({ orderId: "o-1", sealedPaymentToken: "[sealed for payments]" });
    for (const text of [formatEvent(view), JSON.stringify(view)]) {
      expect(text).not.toContain(sealed);
      expect(text).not.toContain("tok_visa");
    }
  });

  it("never prints the token in clear of an event from before sealing", () => {
    const view = viewRecord(placed({ paymentToken: "tok_visa" }));
    expect(view.message).toMatchObject({ orderId: "o-1", paymentToken: "[redacted]" });
    expect(formatEvent(view)).not.toContain("tok_visa");
    expect(JSON.stringify(view)).not.toContain("tok_visa");
  });
});
