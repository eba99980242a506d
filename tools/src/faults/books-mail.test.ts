/**
 * The books of receipts and shipments: what they call a problem (a second receipt, a receipt for an
 * order never confirmed, a missing or second shipment) and what they do not (the same Message-ID taken
 * twice, a cancelled order's parcel cancelled with it).
 */
import type { CaughtMail } from "@shop/notifications/mail-catcher";
import { describe, expect, it } from "vitest";
import { receiptProblems, receiptSubject, type ShippedOrder, shipmentProblems } from "./books-mail.ts";

let seq = 0;
function receipt(orderId: string, messageId = `<m-${++seq}@shop.example>`): CaughtMail {
  return {
    seq,
    messageId,
    from: "Shop <shop@shop.example>",
    to: ["ada@example.com"],
    subject: receiptSubject(orderId),
    text: "",
    html: "",
    receivedAt: new Date(0).toISOString(),
  };
}

describe("receipts per order", () => {
  it("wants exactly one for a confirmed order and none for another, counting Message-IDs", () => {
    const welcome = { ...receipt("x"), subject: "Welcome to Shop" };
    const copy = receipt("o-1", "<same@shop.example>");
    const result = receiptProblems(["o-1", "o-2", "o-3"], new Set(["o-1", "o-2"]), [
      welcome,
      copy,
      { ...copy, seq: 99 },
      receipt("o-2"),
    ]);
    expect(result).toEqual({ problems: [], receipts: 2, receiptCopies: 1 });
  });

  it("names a second receipt, a missing one and one for an order never confirmed", () => {
    const { problems } = receiptProblems(["o-1", "o-2", "o-3"], new Set(["o-1", "o-2"]), [
      receipt("o-1"),
      receipt("o-1"),
      receipt("o-3"),
    ]);
    expect(problems).toEqual([
      "order o-1 was confirmed, but its customer received 2 receipts",
      "order o-2 was confirmed, but its customer received 0 receipts",
      "order o-3 was never confirmed, but its customer received 1 receipts",
    ]);
  });
});

describe("shipments per order", () => {
  const row = (id: string, status: string, ships: boolean, shipments: number, created = shipments) =>
    ({ id, status, ships, shipments, created }) satisfies ShippedOrder;

  it("wants one for a confirmed order that ships, at most one for one cancelled after confirmation, none otherwise", () => {
    const result = shipmentProblems(
      [
        row("ships", "CONFIRMED", true, 1),
        row("nothing", "CONFIRMED", false, 0),
        row("cancelled-later", "CANCELLED", true, 1),
        row("cancelled-first", "CANCELLED", true, 0),
        row("never", "CANCELLED", true, 0),
      ],
      new Set(["ships", "nothing", "cancelled-later", "cancelled-first"]),
    );
    expect(result).toEqual({ problems: [], shippingOrders: 1, shipments: 2 });
  });

  it("names a missing shipment, a second ShipmentCreated and a parcel for an order never confirmed", () => {
    const { problems } = shipmentProblems(
      [row("a", "CONFIRMED", true, 0), row("b", "CONFIRMED", true, 1, 2), row("c", "CANCELLED", true, 1)],
      new Set(["a", "b"]),
    );
    expect(problems).toEqual([
      "order a (CONFIRMED, ships) has 0 shipments and 0 ShipmentCreated, not 1",
      "order b (CONFIRMED, ships) has 1 shipments and 2 ShipmentCreated, not 1",
      "order c (CANCELLED, ships) has 1 shipments and 1 ShipmentCreated, not 0",
    ]);
  });
});
