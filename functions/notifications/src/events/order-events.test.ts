import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MailCatcher, startMailCatcher } from "../mail/catcher.ts";
import {
  deliverTwice,
  mailTo,
  type Notifications,
  orderCancelled,
  orderConfirmed,
  shipmentDispatched,
  startNotifications,
  storedEmails,
  userRegistered,
  waitForMail,
} from "../test-support.ts";

let catcher: MailCatcher;
let fn: Notifications;

beforeAll(async () => {
  catcher = await startMailCatcher({ refuse: (address) => address.startsWith("nobody@") });
  fn = await startNotifications(catcher);
});
afterAll(async () => {
  await fn.close();
  await catcher.close();
});

/** A registered customer whose welcome email has gone, so what follows is all about the order. */
async function customer(userId: string, email: string) {
  await fn.receive(await userRegistered(userId, email));
  await waitForMail(fn, catcher, email);
}

describe("on OrderConfirmed", () => {
  it("sends one receipt with the order's lines and amounts, delivered twice", async () => {
    await customer("u-receipt", "ada@example.com");
    expect(await deliverTwice(fn, orderConfirmed("o-receipt", "u-receipt"))).toEqual([
      "handled",
      "duplicate",
    ]);
    const receipts = (await waitForMail(fn, catcher, "ada@example.com", 2)).filter((m) =>
      m.subject.includes("receipt"),
    );
    expect(receipts.map((m) => m.subject)).toEqual(["Your Shop receipt for order o-receipt"]);
    const text = receipts[0]?.text ?? "";
    for (const row of [
      "2 × Tea <Earl Grey>: €9.00",
      "1 × Mug: €12.00",
      "Subtotal: €21.00",
      "Discount (code TEA10): -€2.10",
      "Shipping (Standard): €4.90",
      "Total paid: €23.80",
    ]) {
      expect(text).toContain(row);
    }
    expect(receipts[0]?.html).toContain("Tea &lt;Earl Grey&gt;");
    expect(text).toContain("https://shop.example/#/orders/o-receipt");
  });

  it("parks the receipt of a customer it does not know yet, and sends it once their address arrives", async () => {
    await fn.receive(orderConfirmed("o-early", "u-late"));
    await fn.tick();
    expect(await storedEmails(fn, "u-late")).toEqual([
      expect.objectContaining({ kind: "receipt", state: "parked", recipient: null }),
    ]);
    await fn.receive(await userRegistered("u-late", "late@example.com"));
    const mails = await waitForMail(fn, catcher, "late@example.com", 2);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      "Welcome to Shop: please confirm your email",
      "Your Shop receipt for order o-early",
    ]);
  });
});

describe("on OrderCancelled", () => {
  it("sends one cancellation email with the refund, delivered twice", async () => {
    await customer("u-cancel", "grace@example.com");
    expect(await deliverTwice(fn, orderCancelled("o-cancel", "u-cancel"))).toEqual(["handled", "duplicate"]);
    const mails = (await waitForMail(fn, catcher, "grace@example.com", 2)).slice(1);
    expect(mails.map((m) => m.subject)).toEqual(["Your Shop order o-cancel is cancelled"]);
    expect(mails[0]?.text).toContain("You cancelled it.");
    expect(mails[0]?.text).toContain("Everything you paid (€23.80) is refunded to your card.");
  });
});

describe("on ShipmentDispatched", () => {
  it("sends one dispatch email with the tracking link, delivered twice", async () => {
    await customer("u-ship", "alan@example.com");
    expect(await deliverTwice(fn, shipmentDispatched("o-ship", "u-ship"))).toEqual(["handled", "duplicate"]);
    const mails = (await waitForMail(fn, catcher, "alan@example.com", 2)).slice(1);
    expect(mails.map((m) => m.subject)).toEqual(["Your Shop order o-ship is on its way"]);
    expect(mails[0]?.text).toContain("on its way with DHL with tracking number JD0123456789");
    expect(mails[0]?.html).toContain('href="https://track.example/JD0123456789?lang=en&amp;x=1"');
  });
});

describe("when the SMTP server refuses a recipient for good", () => {
  it("marks the email failed after one try and does not try again", async () => {
    await fn.receive(await userRegistered("u-nobody", "nobody@example.com"));
    await fn.tick();
    await fn.tick();
    const [email] = await storedEmails(fn, "u-nobody");
    expect(email).toMatchObject({ state: "failed", attempts: 1 });
    expect(email?.lastError).toMatch(/refused it with 550/);
    expect(mailTo(catcher, "nobody@example.com")).toEqual([]);
  });
});

describe("retention", () => {
  it("deletes the emails done with past their retention on a tick, never a parked one", async () => {
    await fn.receive(orderConfirmed("o-parked-long", "u-never"));
    await customer("u-old", "old@example.com");
    const before = (await storedEmails(fn, "u-old")).length;
    expect(before).toBe(1);
    const original = fn.deps.retentionMs;
    fn.deps.retentionMs = -60_000; // everything owed until a minute from now is past it
    try {
      await fn.tick();
    } finally {
      fn.deps.retentionMs = original;
    }
    expect(await storedEmails(fn, "u-old")).toEqual([]);
    expect(await storedEmails(fn, "u-never")).toEqual([expect.objectContaining({ state: "parked" })]);
  });
});
