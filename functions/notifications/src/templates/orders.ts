/**
 * The order emails: the receipt of a confirmed order, the cancellation, and the parcel's dispatch with
 * its tracking link.
 */
import { formatMoney } from "@shop/runtime";
import type { PostalAddress } from "@shop/schemas/common/v1/address";
import type { Money } from "@shop/schemas/common/v1/money";
import type { OrderCancelled, OrderConfirmed } from "@shop/schemas/orders/v1/events";
import type { ShipmentDispatched } from "@shop/schemas/shipping/v1/events";
import { escapeHtml, htmlPage, link, p, type RenderedEmail, textPage } from "./layout.ts";

/** The receipt of a paid order: its lines, subtotal, discount, shipping charged, total and address. */
export function receiptEmail(order: OrderConfirmed, orderUrl: string): RenderedEmail {
  const lines = order.lines.map((line) => ({
    label: `${line.quantity} × ${line.productName || line.productId}`,
    amount: formatMoney(line.lineTotal),
  }));
  const sums: { label: string; amount: string }[] = [];
  // An OrderConfirmed from before it carried the receipt's amounts has only its total.
  if (order.subtotal) sums.push({ label: "Subtotal", amount: formatMoney(order.subtotal) });
  if (order.discount && order.discount.amountMinor > 0n) {
    const why = [order.couponCode && `code ${order.couponCode}`, ...order.promotions].filter(Boolean);
    sums.push({
      label: `Discount${why.length ? ` (${why.join(", ")})` : ""}`,
      amount: `-${formatMoney(order.discount)}`,
    });
  }
  const shipping = order.shipping;
  if (shipping) {
    sums.push({
      label: `Shipping${shipping.optionName ? ` (${shipping.optionName})` : ""}`,
      amount: isZero(shipping.charged) ? "free" : formatMoney(shipping.charged),
    });
  }
  sums.push({ label: "Total paid", amount: formatMoney(order.total) });
  const address = addressLines(shipping?.address);
  const intro = `Thank you for your order ${order.orderId}: it is paid and we are packing it.`;
  return {
    subject: `Your Shop receipt for order ${order.orderId}`,
    text: textPage([
      intro,
      [...lines, ...sums].map((row) => `${row.label}: ${row.amount}`).join("\n"),
      ...(address.length ? [`It goes to:\n${address.join("\n")}`] : []),
      `You can follow it here: ${orderUrl}`,
    ]),
    html: htmlPage(
      "Thank you for your order",
      [
        p(intro),
        table(lines, sums),
        ...(address.length ? [`<p>It goes to:<br>${address.map(escapeHtml).join("<br>")}</p>`] : []),
        `<p>${link(orderUrl, "Follow your order")}</p>`,
      ].join("\n"),
    ),
  };
}

/** The cancellation of an order, with the reason and, for a paid one, the refund. */
export function cancellationEmail(order: OrderCancelled, orderUrl: string): RenderedEmail {
  const charged = order.total && order.total.amountMinor > 0n;
  const refund =
    order.wasConfirmed || charged
      ? `Everything you paid${charged ? ` (${formatMoney(order.total)})` : ""} is refunded to your card.`
      : "Nothing was charged.";
  const lines = [
    `Your order ${order.orderId} is cancelled.`,
    ...(order.reason ? [order.reason] : []),
    refund,
    `Details: ${orderUrl}`,
  ];
  return {
    subject: `Your Shop order ${order.orderId} is cancelled`,
    text: textPage(lines),
    html: htmlPage(
      "Your order is cancelled",
      [...lines.slice(0, -1).map(p), `<p>${link(orderUrl, "See the order")}</p>`].join("\n"),
    ),
  };
}

/** The parcel left: carrier, tracking number and, when the carrier has a page, the tracking link. */
export function dispatchedEmail(shipment: ShipmentDispatched, orderUrl: string): RenderedEmail {
  const carrier = shipment.carrier || "the carrier";
  const number = shipment.trackingNumber ? ` with tracking number ${shipment.trackingNumber}` : "";
  const intro = `Good news: your order ${shipment.orderId} is on its way with ${carrier}${number}.`;
  const tracking = shipment.trackingUrl ? [`Track it here: ${shipment.trackingUrl}`] : [];
  return {
    subject: `Your Shop order ${shipment.orderId} is on its way`,
    text: textPage([intro, ...tracking, `Your order: ${orderUrl}`]),
    html: htmlPage(
      "Your order is on its way",
      [
        p(intro),
        ...(shipment.trackingUrl ? [`<p>${link(shipment.trackingUrl, "Track your parcel")}</p>`] : []),
        `<p>${link(orderUrl, "See the order")}</p>`,
      ].join("\n"),
    ),
  };
}

function isZero(value: Money | undefined): boolean {
  return !value || value.amountMinor === 0n;
}

function addressLines(address: PostalAddress | undefined): string[] {
  if (!address) return [];
  return [
    address.name,
    address.line1,
    address.line2,
    [address.postcode, address.city].filter(Boolean).join(" "),
    address.country,
  ].filter((line): line is string => Boolean(line));
}

function table(
  lines: { label: string; amount: string }[],
  sums: { label: string; amount: string }[],
): string {
  const row = (r: { label: string; amount: string }, bold = false) =>
    `<tr><td>${bold ? "<b>" : ""}${escapeHtml(r.label)}${bold ? "</b>" : ""}</td>` +
    `<td style="text-align: right">${escapeHtml(r.amount)}</td></tr>`;
  return [
    '<table style="width: 100%; border-collapse: collapse">',
    ...lines.map((r) => row(r)),
    ...sums.map((r, i) => row(r, i === sums.length - 1)),
    "</table>",
  ].join("\n");
}
