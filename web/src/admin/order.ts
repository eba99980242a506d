/**
 * One order in the back office (`#/admin/orders/:id`): its lines and totals, the full history of its
 * saga (every event orders published or received, with its time and source), and CancelOrder as an
 * admin while orders allows it (until the parcel is dispatched).
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  type Order,
  OrderEventDirection,
  type OrderHistoryEvent,
  OrderStatus,
  ShipmentStatus,
} from "@shop/schemas/orders/v1/orders";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { formatMoney } from "../money.ts";
import type { Page } from "../router.ts";
import { errorBox, flash, loading, statusBadge } from "../ui.ts";
import { adminShell, cell, table } from "./shell.ts";

/** The page of one order in the back office. */
export const adminOrderPage: Page = async (main, { params, signal }) => {
  const id = params.id ?? "";
  if (!adminShell(main, `/admin/orders/${encodeURIComponent(id)}`, `Order ${id}`)) return;
  const about = h("div", {}, loading());
  const history = h("div");
  main.append(about, h("h2", {}, "Saga history"), history);
  const show = async () => {
    try {
      const [{ order }, { events }] = await Promise.all([
        api.orders.getOrder({ id }, { signal }),
        api.orders.getOrderHistory({ orderId: id }, { signal }),
      ]);
      if (order) replace(about, summary(order, show));
      replace(
        history,
        events.length === 0
          ? h("p", { class: "muted" }, "No events recorded.")
          : table(["Time", "Event", "Source", "Direction", "Recorded"], events.map(eventRow)),
      );
    } catch (error) {
      if (!signal.aborted) replace(about, errorBox(error));
    }
  };
  await show();
};

/** An event type without its package (`shop.orders.v1.OrderPlaced` → `OrderPlaced`). */
export function eventName(type: string): string {
  return type.split(".").at(-1) ?? type;
}

/** A time to the millisecond: a saga's events are often a few milliseconds apart. */
function preciseTime(date: Date): string {
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 23)} UTC`;
}

function eventRow(event: OrderHistoryEvent): HTMLElement {
  return h(
    "tr",
    { "data-event": eventName(event.type) },
    cell(event.time ? preciseTime(timestampDate(event.time)) : ""),
    cell(h("span", { title: event.type }, eventName(event.type))),
    cell(h("span", { class: "mono" }, event.source)),
    cell(event.direction === OrderEventDirection.EMITTED ? "emitted" : "received"),
    cell(
      h(
        "span",
        { class: "muted small" },
        event.recordedAt ? preciseTime(timestampDate(event.recordedAt)) : "",
      ),
    ),
  );
}

function summary(order: Order, refresh: () => Promise<void>): HTMLElement {
  const problem = h("div");
  const reason = h("input", {
    "aria-label": "Reason for cancelling",
    placeholder: "Reason (shown to the customer)",
  });
  const cancel = h("button", { type: "submit", class: "secondary" }, "Cancel order");
  // orders refuses a cancellation once the parcel is with the carrier: the button goes with it.
  const shipped = [ShipmentStatus.DISPATCHED, ShipmentStatus.DELIVERED].includes(
    order.shipment?.status ?? ShipmentStatus.UNSPECIFIED,
  );
  const cancellable = order.status !== OrderStatus.CANCELLED && !shipped;
  return h(
    "section",
    { class: "panel stack", "data-order": order.id },
    h(
      "p",
      {},
      statusBadge(order.status),
      " ",
      order.cancelReason && h("span", { "data-testid": "cancel-reason" }, order.cancelReason),
    ),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Customer"),
      h(
        "dd",
        {},
        h(
          "a",
          { class: "mono", href: `#/admin/orders?customer=${encodeURIComponent(order.customerId)}` },
          order.customerId,
        ),
      ),
      h("dt", {}, "Lines"),
      h(
        "dd",
        {},
        order.lines.map((l) =>
          h("div", {}, `${l.quantity} × ${l.productName} (${formatMoney(l.lineTotal)})`),
        ),
      ),
      h("dt", {}, "Coupon"),
      h("dd", { class: "mono" }, order.couponCode || "–"),
      h("dt", {}, "Discount"),
      h("dd", {}, formatMoney(order.discount)),
      h("dt", {}, "Total"),
      h("dd", { "data-testid": "order-total" }, formatMoney(order.total)),
    ),
    h(
      "p",
      {},
      h("a", { href: `#/admin/orders/${encodeURIComponent(order.id)}/trace` }, "Trace of this order"),
    ),
    cancellable &&
      h(
        "form",
        {
          class: "inline",
          onsubmit: async (event: Event) => {
            event.preventDefault();
            cancel.disabled = true;
            problem.replaceChildren();
            try {
              await api.orders.cancelOrder({ id: order.id, reason: reason.value.trim() });
              flash("The order is cancelled.");
              await refresh();
            } catch (error) {
              replace(problem, errorBox(error));
              cancel.disabled = false;
            }
          },
        },
        reason,
        cancel,
      ),
    shipped &&
      h("p", { class: "muted" }, "The parcel is with the carrier: the order can no longer be cancelled."),
    problem,
  );
}
