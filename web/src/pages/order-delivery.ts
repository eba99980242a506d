/**
 * The order page's delivery parts: where it goes and how (address, option, shipping charged), the
 * parcel followed live (preparing → dispatched with carrier and tracking → delivered), who cancelled
 * and when, and the "Cancel order" control (a second click confirms) calling CancelOrder.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { CancelledBy, type Order, OrderStatus, ShipmentStatus } from "@shop/schemas/orders/v1/orders";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { formatMoney } from "../money.ts";
import { SHIPMENT_STEPS, shipmentLabel } from "../shipment.ts";
import { errorBox, formatDate } from "../ui.ts";

const WHO: Record<CancelledBy, string> = {
  [CancelledBy.UNSPECIFIED]: "Cancelled",
  [CancelledBy.SYSTEM]: "Cancelled by the shop",
  [CancelledBy.CUSTOMER]: "Cancelled by you",
  [CancelledBy.ADMIN]: "Cancelled by our staff",
};

/** "Cancelled by you on 1 Dec 2026, 17:40", or nothing when the order is not cancelled. */
export function cancellationLine(order: Order): HTMLElement | undefined {
  const cancellation = order.cancellation;
  if (order.status !== OrderStatus.CANCELLED || !cancellation) return undefined;
  const when = cancellation.cancelledAt ? ` on ${formatDate(timestampDate(cancellation.cancelledAt))}` : "";
  return h("p", { "data-testid": "cancelled-by" }, `${WHO[cancellation.by] ?? WHO[0]}${when}.`);
}

/** The delivery panel: address, option and price, and the parcel's progress; none for an order that ships nothing. */
export function deliveryPanel(order: Order): HTMLElement | undefined {
  const shipping = order.shipping;
  if (!shipping) return undefined;
  const address = shipping.address;
  const shipment = order.shipment;
  const status = shipment?.status ?? ShipmentStatus.UNSPECIFIED;
  const reached =
    status === ShipmentStatus.UNSPECIFIED && order.status === OrderStatus.CONFIRMED
      ? 0
      : SHIPMENT_STEPS.findIndex(([s]) => s === status);
  const stopped = status === ShipmentStatus.CANCELLED || order.status === OrderStatus.CANCELLED;
  const charged = shipping.charged ?? shipping.price;
  const region = address?.country
    ? (new Intl.DisplayNames(undefined, { type: "region" }).of(address.country) ?? address.country)
    : "";
  return h(
    "section",
    { class: "panel delivery", "aria-live": "polite" },
    h("h2", {}, "Delivery"),
    address &&
      h(
        "address",
        { "data-testid": "ship-to" },
        [address.name, address.line1, address.line2, `${address.postcode} ${address.city}`, region]
          .filter(Boolean)
          .map((line, i) => [i > 0 && h("br"), line]),
      ),
    h(
      "p",
      { class: "row" },
      h("span", {}, shipping.optionName || shipping.option),
      h("span", { "data-testid": "shipping-charged" }, formatMoney(charged)),
    ),
    h(
      "p",
      { class: "row" },
      h("span", {}, "Parcel"),
      h("strong", { "data-testid": "shipment-status" }, shipmentLabel(order)),
    ),
    !stopped &&
      h(
        "ol",
        { class: "steps" },
        SHIPMENT_STEPS.map(([, label], i) =>
          h("li", { class: i <= reached ? "done" : i === reached + 1 ? "next" : "" }, label),
        ),
      ),
    shipment?.carrier &&
      h(
        "p",
        { "data-testid": "tracking" },
        `${shipment.carrier}, tracking number `,
        shipment.trackingUrl
          ? h(
              "a",
              { href: shipment.trackingUrl, rel: "noopener noreferrer", target: "_blank", class: "mono" },
              shipment.trackingNumber,
            )
          : h("span", { class: "mono" }, shipment.trackingNumber),
      ),
    shipment?.dispatchedAt &&
      h("p", { class: "muted small" }, `Dispatched ${formatDate(timestampDate(shipment.dispatchedAt))}`),
    shipment?.deliveredAt &&
      h(
        "p",
        { class: "muted small", "data-testid": "delivered-at" },
        `Delivered ${formatDate(timestampDate(shipment.deliveredAt))}`,
      ),
  );
}

/** The "Cancel order" control of one order; it keeps its state while the page redraws around it. */
export interface CancelControl {
  /** The button (or the question with its two answers); shown while the order may be cancelled. */
  element: HTMLElement;
  /** Where a refusal is said; shown always, so it stays when the button goes (dispatched meanwhile). */
  problem: HTMLElement;
}

/**
 * Builds the control for order `id`: a first click asks, a second one cancels (CancelOrder); the
 * order the shop answers is handed to `shown`.
 */
export function cancelControl(id: string, signal: AbortSignal, shown: (order: Order) => void): CancelControl {
  const element = h("div", { class: "cancel-order" });
  const problem = h("div", { "aria-live": "assertive" });
  const ask = () => {
    replace(
      element,
      h("p", {}, "Cancel this order? Nothing will be sent, and anything you paid is refunded."),
      h(
        "p",
        { class: "inline" },
        h(
          "button",
          { type: "button", class: "danger", onclick: () => void cancel() },
          "Yes, cancel the order",
        ),
        h("button", { type: "button", class: "secondary", onclick: idle }, "Keep the order"),
      ),
    );
  };
  const idle = () => {
    replace(element, h("button", { type: "button", class: "secondary", onclick: ask }, "Cancel order"));
  };
  const cancel = async () => {
    for (const button of element.querySelectorAll("button")) button.disabled = true;
    problem.replaceChildren();
    try {
      const { order } = await api.orders.cancelOrder({ id }, { signal });
      idle();
      if (order) shown(order);
    } catch (error) {
      idle();
      if (!signal.aborted) replace(problem, errorBox(error));
    }
  };
  idle();
  return { element, problem };
}
