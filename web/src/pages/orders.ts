/**
 * Order history: the customer's orders, newest first, a page at a time.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Order } from "@shop/schemas/orders/v1/orders";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { formatMoney } from "../money.ts";
import { navigate, type Page } from "../router.ts";
import { currentSession } from "../session.ts";
import { errorBox, formatDate, loading, statusBadge } from "../ui.ts";
import { shortId } from "./order.ts";

const PAGE_SIZE = 10;

/** The order history page. */
export const ordersPage: Page = async (main, { signal }) => {
  if (!currentSession()) {
    navigate(`/login?next=${encodeURIComponent("/orders")}`);
    return;
  }
  const list = h("ul", { class: "orders" });
  const more = h("div", { class: "pager" });
  main.append(h("h1", {}, "Your orders"), list, more);
  const load = async (pageToken: string) => {
    replace(more, loading());
    try {
      // An admin's ListOrders is every customer's: "Your orders" asks for the caller's own.
      const customerId = currentSession()?.userId ?? "";
      const { orders, nextPageToken } = await api.orders.listOrders(
        { pageSize: PAGE_SIZE, pageToken, customerId },
        { signal },
      );
      if (!pageToken && orders.length === 0) {
        list.replaceWith(
          h("p", { class: "muted" }, "No orders yet. ", h("a", { href: "#/" }, "Start shopping.")),
        );
      }
      list.append(...orders.map(orderItem));
      replace(
        more,
        nextPageToken &&
          h(
            "button",
            { type: "button", class: "secondary", onclick: () => void load(nextPageToken) },
            "Show older orders",
          ),
      );
    } catch (error) {
      if (!signal.aborted) replace(more, errorBox(error));
    }
  };
  await load("");
};

function orderItem(order: Order): HTMLElement {
  const items = order.lines.reduce((sum, line) => sum + line.quantity, 0);
  return h(
    "li",
    {},
    h(
      "a",
      { class: "order-row", href: `#/orders/${encodeURIComponent(order.id)}` },
      h("span", { class: "mono" }, shortId(order.id)),
      h("span", { class: "muted small" }, order.createdAt ? formatDate(timestampDate(order.createdAt)) : ""),
      h("span", {}, `${items} item${items === 1 ? "" : "s"}`),
      h("strong", {}, formatMoney(order.total?.amountMinor ? order.total : order.subtotal)),
      statusBadge(order.status),
    ),
  );
}
