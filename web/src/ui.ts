/**
 * Small pieces shared by pages: notices, error sentences, product pictures, order status badges.
 */
import type { Product } from "@shop/schemas/catalog/v1/catalog";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { h } from "./dom.ts";
import { sentence } from "./errors.ts";

/** A notice at the top of the page that fades after a few seconds. */
export function flash(message: string): void {
  const area = document.getElementById("flash");
  if (!area) return;
  const note = h("div", { class: "flash" }, message);
  area.replaceChildren(note);
  setTimeout(() => note.remove(), 4_000);
}

/** An error shown as a sentence, in a box screen readers announce. */
export function errorBox(error: unknown): HTMLElement {
  return h("p", { class: "error", role: "alert" }, sentence(error));
}

/** A "loading" line for while a page waits for the shop. */
export function loading(what = "Loading…"): HTMLElement {
  return h("p", { class: "muted loading" }, what);
}

const HUES: Record<string, number> = {};

function hue(category: string): number {
  HUES[category] ??= [...category].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 360, 7);
  return HUES[category];
}

/**
 * The product's picture over a tile in its category's colour with its initials: the tile stays
 * when the picture cannot be loaded (offline, blocked), so the page never shows a broken image.
 */
export function productArt(
  product: Pick<Product, "name" | "category" | "imageUrl">,
  size = "card",
): HTMLElement {
  const initials = product.name
    .split(/\s+/)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase() ?? "")
    .join("");
  const tile = h("div", { class: `art art-${size}`, "aria-hidden": "true" }, h("span", {}, initials));
  tile.style.setProperty("--hue", String(hue(product.category)));
  if (product.imageUrl) {
    const img = h("img", { src: product.imageUrl, alt: "", loading: "lazy", decoding: "async" });
    img.addEventListener("load", () => img.classList.add("loaded"));
    img.addEventListener("error", () => img.remove());
    tile.append(img);
  }
  return tile;
}

const STATUS: Record<OrderStatus, [label: string, tone: string]> = {
  [OrderStatus.UNSPECIFIED]: ["Unknown", "neutral"],
  [OrderStatus.PENDING]: ["Pending", "busy"],
  [OrderStatus.PRICED]: ["Priced", "busy"],
  [OrderStatus.RESERVED]: ["Reserved", "busy"],
  [OrderStatus.CONFIRMED]: ["Confirmed", "good"],
  [OrderStatus.CANCELLED]: ["Cancelled", "bad"],
};

/** The status of an order as a coloured badge ("CONFIRMED" reads as "Confirmed"). */
export function statusBadge(status: OrderStatus): HTMLElement {
  const [label, tone] = STATUS[status] ?? STATUS[OrderStatus.UNSPECIFIED];
  return h("span", { class: `status status-${tone}`, "data-status": OrderStatus[status] }, label);
}

/** A date and time in the shopper's locale. */
export function formatDate(date: Date): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** Resolves after `ms`, or at once when `signal` aborts (the page was left). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
