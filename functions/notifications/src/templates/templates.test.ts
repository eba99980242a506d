import { create } from "@bufbuild/protobuf";
import { money } from "@shop/runtime";
import { OrderCancelledSchema, OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import { OrderLineSchema, OrderShippingSchema } from "@shop/schemas/orders/v1/orders";
import { ShipmentDispatchedSchema } from "@shop/schemas/shipping/v1/events";
import { describe, expect, it } from "vitest";
import {
  cancellationEmail,
  dispatchedEmail,
  escapeHtml,
  passwordChangedEmail,
  passwordResetEmail,
  receiptEmail,
  welcomeEmail,
} from "./index.ts";

const ORDER_URL = "https://shop.example/#/orders/o-1";

function order(overrides: Partial<Parameters<typeof create<typeof OrderConfirmedSchema>>[1]> = {}) {
  return create(OrderConfirmedSchema, {
    orderId: "o-1",
    customerId: "u-1",
    lines: [
      create(OrderLineSchema, {
        productId: "tea",
        productName: "Tea <script>alert(1)</script>",
        quantity: 2,
        unitPrice: money(450n, "EUR"),
        lineTotal: money(900n, "EUR"),
      }),
      create(OrderLineSchema, {
        productId: "mug",
        productName: "Mug",
        quantity: 1,
        unitPrice: money(1200n, "EUR"),
        lineTotal: money(1200n, "EUR"),
      }),
    ],
    subtotal: money(2100n, "EUR"),
    discount: money(210n, "EUR"),
    couponCode: "TEA10",
    promotions: ["Pantry 5%"],
    shipping: create(OrderShippingSchema, {
      optionName: "Standard",
      price: money(490n, "EUR"),
      charged: money(490n, "EUR"),
      address: {
        name: "Ada & Co",
        line1: "1 Analytical Way",
        city: "London",
        postcode: "N1 1AA",
        country: "GB",
      },
    }),
    total: money(2380n, "EUR"),
    ...overrides,
  });
}

describe("the receipt", () => {
  it("lists the lines, subtotal, discount with its code, shipping charged and the total, in both bodies", () => {
    const email = receiptEmail(order(), ORDER_URL);
    expect(email.subject).toBe("Your Shop receipt for order o-1");
    expect(email.text).toContain("2 × Tea <script>alert(1)</script>: €9.00");
    expect(email.text).toContain("1 × Mug: €12.00");
    expect(email.text).toContain("Subtotal: €21.00");
    expect(email.text).toContain("Discount (code TEA10, Pantry 5%): -€2.10");
    expect(email.text).toContain("Shipping (Standard): €4.90");
    expect(email.text).toContain("Total paid: €23.80");
    expect(email.text).toContain("Ada & Co\n1 Analytical Way\nN1 1AA London\nGB");
    expect(email.text).toContain(ORDER_URL);
    for (const amount of ["€9.00", "€21.00", "-€2.10", "€4.90", "€23.80"])
      expect(email.html).toContain(amount);
    expect(email.html).toContain(`<a href="${ORDER_URL}">`);
  });

  it("escapes what customers and admins typed: product names, addresses", () => {
    const { html } = receiptEmail(order(), ORDER_URL);
    expect(html).not.toContain("<script>");
    expect(html).toContain("Tea &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("Ada &amp; Co");
  });

  it("says free shipping when none was charged, and leaves out a discount of nothing", () => {
    const free = order({
      discount: money(0n, "EUR"),
      couponCode: "",
      promotions: [],
      shipping: create(OrderShippingSchema, {
        optionName: "Standard",
        price: money(490n, "EUR"),
        charged: money(0n, "EUR"),
      }),
      total: money(2100n, "EUR"),
    });
    const { text } = receiptEmail(free, ORDER_URL);
    expect(text).toContain("Shipping (Standard): free");
    expect(text).not.toContain("Discount");
    expect(text).toContain("Total paid: €21.00");
  });
});

describe("the account emails", () => {
  it("welcome: the verify link, in clear in the text and as a link in the HTML", () => {
    const verifyUrl = "https://shop.example/#/verify?token=abc&x=1";
    const email = welcomeEmail({
      email: "ada@example.com",
      verifyUrl,
      expiresAt: new Date("2026-12-02T10:00:00Z"),
    });
    expect(email.subject).toBe("Welcome to Shop: please confirm your email");
    expect(email.text).toContain(`\n${verifyUrl}\n`);
    expect(email.text).toContain("until Wed, 02 Dec 2026 10:00:00 GMT");
    expect(email.html).toContain(
      '<a href="https://shop.example/#/verify?token=abc&amp;x=1">Confirm my email</a>',
    );
  });

  it("reset: the single-use link; changed: the notice with a way back", () => {
    const reset = passwordResetEmail({ resetUrl: "https://shop.example/#/reset?token=r1" });
    expect(reset.text).toContain("https://shop.example/#/reset?token=r1");
    expect(reset.text).toContain("The link works once.");
    const changed = passwordChangedEmail({
      resetUrl: "https://shop.example/#/reset",
      changedAt: new Date("2026-12-01T10:05:00Z"),
    });
    expect(changed.subject).toBe("Your Shop password was changed");
    expect(changed.text).toContain(
      "changed on Tue, 01 Dec 2026 10:05:00 GMT, and every device was signed out",
    );
    expect(changed.html).toContain('<a href="https://shop.example/#/reset">reset your password</a>');
  });

  it("puts an address with markup in the welcome as text, never as HTML", () => {
    const { html } = welcomeEmail({ email: '"><img src=x>@example.com', verifyUrl: "https://shop.example/" });
    expect(html).not.toContain("<img");
    expect(html).toContain("&quot;&gt;&lt;img src=x&gt;@example.com");
  });
});

describe("the order emails", () => {
  it("cancellation: the reason and the refund of what was paid", () => {
    const cancelled = create(OrderCancelledSchema, {
      orderId: "o-1",
      reason: "Your card was declined.",
      wasConfirmed: true,
      total: money(2380n, "EUR"),
    });
    const { subject, text } = cancellationEmail(cancelled, ORDER_URL);
    expect(subject).toBe("Your Shop order o-1 is cancelled");
    expect(text).toContain("Your card was declined.");
    expect(text).toContain("Everything you paid (€23.80) is refunded to your card.");
    const unpaid = cancellationEmail(create(OrderCancelledSchema, { orderId: "o-2" }), ORDER_URL);
    expect(unpaid.text).toContain("Nothing was charged.");
  });

  it("dispatched: carrier, tracking number and the tracking link", () => {
    const shipment = create(ShipmentDispatchedSchema, {
      orderId: "o-1",
      carrier: "DHL",
      trackingNumber: "JD01",
      trackingUrl: "https://track.example/JD01?a=1&b=2",
    });
    const { text, html } = dispatchedEmail(shipment, ORDER_URL);
    expect(text).toContain("on its way with DHL with tracking number JD01");
    expect(text).toContain("Track it here: https://track.example/JD01?a=1&b=2");
    expect(html).toContain('<a href="https://track.example/JD01?a=1&amp;b=2">Track your parcel</a>');
    // A tracking "URL" that is no http(s) URL never becomes a link (javascript:, say).
    const hostile = dispatchedEmail({ ...shipment, trackingUrl: "javascript:alert(1)" }, ORDER_URL);
    expect(hostile.html).not.toContain("javascript:");
  });
});

describe("escapeHtml", () => {
  it("escapes the five characters that matter in text and attributes", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("the welcome without a token", () => {
  it("welcomes without a link when the event carried no verification token", () => {
    const email = welcomeEmail({ email: "ada@example.com" });
    expect(email.subject).toBe("Welcome to Shop");
    expect(email.text).not.toContain("http");
    expect(email.html).not.toContain("<a ");
  });
});

describe("the receipt of an older OrderConfirmed", () => {
  it("shows the total alone when the event carries no lines or subtotal", () => {
    const bare = create(OrderConfirmedSchema, { orderId: "o-9", total: money(2500n, "EUR") });
    const { text } = receiptEmail(bare, ORDER_URL);
    expect(text).toContain("Total paid: €25.00");
    expect(text).not.toContain("Subtotal");
  });
});
