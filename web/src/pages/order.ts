/**
 * One order, followed live with WatchOrder until it is settled: CANCELLED (with the reason and who
 * cancelled), or CONFIRMED and, when it ships, its parcel delivered (order-delivery.ts shows the
 * delivery and the "Cancel order" control). If the stream breaks before that, it is opened again
 * after a pause.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { CancelledBy, type Order, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { api } from "../api.ts";
import { cachedCart, loadCart, restoreLines } from "../cart.ts";
import { type Child, h, replace } from "../dom.ts";
import { formatMoney } from "../money.ts";
import { navigate, type Page } from "../router.ts";
import { currentSession } from "../session.ts";
import { isCancellable, isSettled } from "../shipment.ts";
import { errorBox, formatDate, pause, statusBadge } from "../ui.ts";
import { type CancelControl, cancelControl, cancellationLine, deliveryPanel } from "./order-delivery.ts";

const PLACED_KEY = "shop.placedOrder";
const STEPS: [OrderStatus, string][] = [
  [OrderStatus.PENDING, "Placed"],
  [OrderStatus.PRICED, "Priced"],
  [OrderStatus.RESERVED, "Stock reserved"],
  [OrderStatus.CONFIRMED, "Paid and confirmed"],
];

/**
 * Remembers the order just placed from the cart: the cart is emptied once that order is confirmed,
 * and kept if it is cancelled, so the customer can try again.
 */
export function rememberPlacedOrder(orderId: string): void {
  localStorage.setItem(PLACED_KEY, orderId);
}

/** The order page (`#/orders/:id`). */
export const orderPage: Page = async (main, { params, signal }) => {
  if (!currentSession()) {
    navigate(`/login?next=${encodeURIComponent(`/orders/${params.id ?? ""}`)}`);
    return;
  }
  const id = params.id ?? "";
  const view = h("div", {}, h("h1", {}, "Your order"), h("p", { class: "muted" }, "Loading your order…"));
  const problem = h("div");
  main.append(view, problem);
  let current: Order | undefined;
  const show = (order: Order) => {
    // CancelOrder's answer and the stream race: an older version never replaces a newer one.
    if (current && updatedMs(order) < updatedMs(current)) return;
    current = order;
    problem.replaceChildren();
    replace(view, ...renderOrder(order, cancel));
    if (order.status === OrderStatus.CONFIRMED) void settlePlacedOrder(order, signal);
  };
  const cancel = cancelControl(id, signal, show);
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      for await (const { order } of api.orders.watchOrder({ id }, { signal })) {
        if (!order) continue;
        // A cancelled order says "your cart is still there": it is, before the page says so.
        if (order.status === OrderStatus.CANCELLED) await settlePlacedOrder(order, signal);
        show(order);
        if (current && isSettled(current)) return;
      }
      if (current && isSettled(current)) return;
      // The stream ended before the order settled (the server restarted): open it again.
    } catch (error) {
      if (signal.aborted) return;
      const code = ConnectError.from(error).code;
      replace(problem, errorBox(error));
      if (code === Code.NotFound || code === Code.PermissionDenied || code === Code.Unauthenticated) return;
    }
    await pause(Math.min(1_000 * 2 ** attempt, 10_000), signal);
  }
};

/**
 * The cart gave up the order's lines when the order was placed (cart consumes OrderPlaced). Once the
 * order is confirmed the page shows the emptied cart; a cancelled order's lines are put back, so the
 * customer can try again.
 */
async function settlePlacedOrder(order: Order, signal: AbortSignal): Promise<void> {
  if (localStorage.getItem(PLACED_KEY) !== order.id) return;
  localStorage.removeItem(PLACED_KEY);
  const ordered = order.lines.map(({ productId, quantity }) => ({ productId, quantity }));
  if (order.status === OrderStatus.CANCELLED) {
    await restoreLines(ordered).catch(() => undefined);
    return;
  }
  // The cart empties as its OrderPlaced arrives there: look a few times rather than once.
  for (let attempt = 0; attempt < 10 && !signal.aborted; attempt++) {
    const cart = await loadCart().catch(() => cachedCart());
    const left = (cart?.lines ?? []).filter((line) =>
      ordered.some((o) => o.productId === line.productId && o.quantity === line.quantity),
    );
    if (left.length === 0) return;
    await pause(500, signal);
  }
}

// Cancelled by the customer or an admin (rather than by the saga): it may have been paid.
function byPerson(order: Order): boolean {
  const by = order.cancellation?.by;
  return by === CancelledBy.CUSTOMER || by === CancelledBy.ADMIN;
}

function updatedMs(order: Order): number {
  return order.updatedAt ? timestampDate(order.updatedAt).getTime() : 0;
}

function renderOrder(order: Order, cancel: CancelControl): Child[] {
  const cancelled = order.status === OrderStatus.CANCELLED;
  const reached = STEPS.findIndex(([status]) => status === order.status);
  const priced = isPriced(order);
  return [
    h("h1", {}, "Order ", h("span", { class: "mono" }, shortId(order.id))),
    h(
      "div",
      { class: "order-status panel", "aria-live": "polite" },
      h("p", { class: "row" }, h("span", {}, "Status"), statusBadge(order.status)),
      cancelled
        ? h(
            "p",
            { class: "error", role: "alert", "data-testid": "cancel-reason" },
            order.cancelReason || "This order was cancelled.",
          )
        : h(
            "ol",
            { class: "steps" },
            STEPS.map(([, label], i) =>
              h("li", { class: i <= reached ? "done" : i === reached + 1 ? "next" : "" }, label),
            ),
          ),
      order.status === OrderStatus.CONFIRMED &&
        h("p", { class: "ok" }, "Thank you! Your payment went through and your order is confirmed."),
      cancellationLine(order),
      cancelled &&
        (order.refund?.amount
          ? h("p", { class: "muted small" }, `${formatMoney(order.refund.amount)} is refunded to your card.`)
          : byPerson(order)
            ? h("p", { class: "muted small" }, "Anything you paid is refunded to your card.")
            : h(
                "p",
                { class: "muted small" },
                "Nothing was charged for this order. Your cart is still there: ",
                h("a", { href: "#/checkout" }, "back to checkout"),
                ".",
              )),
      !isSettled(order) && h("p", { class: "muted small" }, "This page updates by itself."),
      isCancellable(order) && cancel.element,
      cancel.problem,
    ),
    h(
      "section",
      { class: "panel" },
      h(
        "ul",
        { class: "plain" },
        order.lines.map((line) =>
          h(
            "li",
            { class: "row" },
            h("span", {}, `${line.quantity} × ${line.productName}`),
            h("span", {}, formatMoney(line.lineTotal)),
          ),
        ),
      ),
      h(
        "dl",
        { class: "totals" },
        h("dt", {}, "Subtotal"),
        h("dd", {}, formatMoney(order.subtotal)),
        priced &&
          order.discount &&
          order.discount.amountMinor > 0n && [
            h(
              "dt",
              {},
              "Discount",
              order.promotions.length > 0 &&
                h("span", { class: "muted small" }, ` (${order.promotions.join(", ")})`),
            ),
            h("dd", { class: "discount" }, `−${formatMoney(order.discount)}`),
          ],
        order.shipping && [
          h("dt", {}, "Shipping"),
          h("dd", {}, formatMoney(order.shipping.charged ?? order.shipping.price)),
        ],
        h("dt", { class: "total" }, "Total"),
        h(
          "dd",
          { class: "total", "data-testid": "order-total" },
          priced ? formatMoney(order.total) : cancelled ? formatMoney(order.subtotal) : "being priced…",
        ),
      ),
      order.couponCode && h("p", { class: "muted small" }, `Code: ${order.couponCode}`),
      order.createdAt &&
        h("p", { class: "muted small" }, `Placed ${formatDate(timestampDate(order.createdAt))}`),
    ),
    deliveryPanel(order),
    h(
      "p",
      { class: "inline" },
      h("a", { href: "#/orders" }, "All your orders"),
      // Admins see how the order went through the shop: its trace across the functions and Kafka.
      currentSession()?.admin &&
        h("a", { href: `#/admin/orders/${encodeURIComponent(order.id)}/trace` }, "Trace of this order"),
    ),
  ];
}

// An order cancelled before pricing (a refused coupon) has no total; one cancelled later has.
function isPriced(order: Order): boolean {
  if (order.status === OrderStatus.PENDING) return false;
  if (order.status !== OrderStatus.CANCELLED) return true;
  return (order.total?.amountMinor ?? 0n) > 0n || (order.discount?.amountMinor ?? 0n) > 0n;
}

/** The first block of an id, enough to tell orders apart. */
export function shortId(id: string): string {
  return id.split("-")[0]?.toUpperCase() ?? id;
}
