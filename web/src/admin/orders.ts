/**
 * Orders in the back office (`#/admin/orders?customer=…&status=CONFIRMED&from=2026-12-01&to=…&id=…`):
 * every customer's orders, newest first, narrowed by customer, status, creation date and order id.
 * The filters live in the address, so a search can be bookmarked and the back button returns to it.
 */
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Order, OrderStatus } from "@shop/schemas/orders/v1/orders";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { formatMoney } from "../money.ts";
import { navigate, type Page } from "../router.ts";
import { errorBox, formatDate, loading, statusBadge } from "../ui.ts";
import { adminShell, cell, field, table } from "./shell.ts";

const PAGE_SIZE = 25;
const DAY_MS = 86_400_000;
const STATUSES = [
  OrderStatus.PENDING,
  OrderStatus.PRICED,
  OrderStatus.RESERVED,
  OrderStatus.CONFIRMED,
  OrderStatus.CANCELLED,
];

/** The order search of the back office. */
export const adminOrdersPage: Page = async (main, { query, signal }) => {
  const session = adminShell(main, "/admin/orders", "Orders");
  if (!session) return;
  // The one admin page the shop does not refuse a customer: ListOrders answers with their own orders.
  if (!session.admin) {
    main.append(h("p", { class: "error", role: "alert" }, "Only an administrator may search every order."));
    return;
  }
  const customer = h("input", { class: "mono", value: query.get("customer") ?? "" });
  const status = h(
    "select",
    {},
    h("option", { value: "" }, "any"),
    STATUSES.map((s) =>
      h(
        "option",
        { value: OrderStatus[s], selected: query.get("status") === OrderStatus[s] },
        OrderStatus[s],
      ),
    ),
  );
  const from = h("input", { type: "date", value: query.get("from") ?? "" });
  const to = h("input", { type: "date", value: query.get("to") ?? "" });
  const id = h("input", { class: "mono", value: query.get("id") ?? "" });
  const onsubmit = (event: Event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    const set = (name: string, value: string) => value.trim() && next.set(name, value.trim());
    set("customer", customer.value);
    set("status", status.value);
    set("from", from.value);
    set("to", to.value);
    set("id", id.value);
    navigate(`/admin/orders?${next}`);
  };
  const list = h("div", {}, loading());
  const more = h("div", { class: "pager" });
  main.append(
    h(
      "form",
      { class: "panel admin-filters", role: "search", onsubmit },
      field("Customer id", customer),
      field("Status", status),
      field("Created from", from),
      field("Created until", to, "That day included (UTC)."),
      field("Order id", id),
      h("button", { type: "submit" }, "Search orders"),
    ),
    list,
    more,
  );
  const statusName = query.get("status") as keyof typeof OrderStatus | null;
  const fromDay = query.get("from");
  const toDay = query.get("to");
  const filters = {
    customerId: query.get("customer") ?? "",
    statuses: statusName && statusName in OrderStatus ? [OrderStatus[statusName]] : [],
    createdFrom: fromDay ? timestampFromDate(new Date(`${fromDay}T00:00:00Z`)) : undefined,
    createdBefore: toDay ? timestampFromDate(new Date(Date.parse(`${toDay}T00:00:00Z`) + DAY_MS)) : undefined,
    orderId: query.get("id") ?? "",
  };
  const rows: HTMLElement[] = [];
  const load = async (pageToken: string) => {
    replace(more, loading());
    try {
      const page = await api.orders.listOrders({ ...filters, pageSize: PAGE_SIZE, pageToken }, { signal });
      rows.push(...page.orders.map(orderRow));
      replace(
        list,
        rows.length === 0
          ? h("p", { class: "muted" }, "No order matches.")
          : table(["Order", "Created", "Customer", "Items", "Total", "Status"], rows),
      );
      replace(
        more,
        page.nextPageToken &&
          h(
            "button",
            { type: "button", class: "secondary", onclick: () => void load(page.nextPageToken) },
            "Show older orders",
          ),
      );
    } catch (error) {
      if (!signal.aborted) {
        replace(list, errorBox(error));
        more.replaceChildren();
      }
    }
  };
  await load("");
};

function orderRow(order: Order): HTMLElement {
  const items = order.lines.reduce((sum, line) => sum + line.quantity, 0);
  return h(
    "tr",
    { "data-order": order.id },
    cell(h("a", { class: "mono", href: `#/admin/orders/${encodeURIComponent(order.id)}` }, order.id)),
    cell(order.createdAt ? formatDate(timestampDate(order.createdAt)) : ""),
    cell(
      h(
        "a",
        { class: "mono", href: `#/admin/orders?customer=${encodeURIComponent(order.customerId)}` },
        order.customerId,
      ),
    ),
    cell(String(items)),
    cell(formatMoney(order.total?.amountMinor ? order.total : order.subtotal)),
    cell(statusBadge(order.status)),
  );
}
