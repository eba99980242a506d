/**
 * Stock in the back office (`#/admin/stock?q=mug`): per product what can be ordered, what is held
 * for orders in progress and what is sold. A new level is written with the version it was read at,
 * so a write based on a stale reading is refused by inventory and its sentence shown.
 */
import type { Product } from "@shop/schemas/catalog/v1/catalog";
import type { StockLevel } from "@shop/schemas/inventory/v1/inventory";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { navigate, type Page } from "../router.ts";
import { errorBox, flash, loading } from "../ui.ts";
import { allProducts } from "./products.ts";
import { adminShell, cell, table } from "./shell.ts";

/** The stock page of the back office. */
export const adminStockPage: Page = async (main, { query, signal }) => {
  if (!adminShell(main, "/admin/stock", "Stock")) return;
  const words = h("input", {
    type: "search",
    "aria-label": "Search products by name",
    value: query.get("q") ?? "",
  });
  const list = h("div", {}, loading());
  main.append(
    h(
      "form",
      {
        class: "filters",
        role: "search",
        onsubmit: (event: Event) => {
          event.preventDefault();
          navigate(`/admin/stock?q=${encodeURIComponent(words.value.trim())}`);
        },
      },
      words,
      h("button", { type: "submit" }, "Search"),
    ),
    list,
  );
  try {
    const products = await allProducts(query.get("q") ?? "", signal);
    const levels = await allStock(signal);
    replace(
      list,
      table(
        ["Product", "Available", "Reserved", "Sold", "Version", "Set available"],
        products.map((p) => stockRow(p, levels.get(p.id))),
      ),
    );
  } catch (error) {
    if (!signal.aborted) replace(list, errorBox(error));
  }
};

/** The stock of every stocked product, by product id. */
async function allStock(signal: AbortSignal): Promise<Map<string, StockLevel>> {
  const levels = new Map<string, StockLevel>();
  let pageToken = "";
  do {
    const page = await api.inventory.listStock({ pageSize: 200, pageToken }, { signal });
    for (const level of page.stock) levels.set(level.productId, level);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return levels;
}

function stockRow(product: Product, read: StockLevel | undefined): HTMLElement {
  let stock = read;
  const row = h("tr", { "data-product": product.id });
  const render = (problem?: unknown) => {
    const input = h("input", {
      type: "number",
      min: 0,
      value: stock?.available ?? 0,
      "aria-label": `New available stock of ${product.name}`,
    });
    const set = async (event: Event) => {
      event.preventDefault();
      try {
        const answer = await api.inventory.setStock({
          productId: product.id,
          available: Number(input.value),
          expectedVersion: stock?.version ?? 0n,
        });
        stock = answer.stock;
        flash(`${product.name}: ${stock?.available ?? 0} available.`);
        render();
      } catch (error) {
        render(error);
      }
    };
    replace(
      row,
      cell(product.name),
      h("td", { "data-testid": "available" }, String(stock?.available ?? 0)),
      h("td", { "data-testid": "reserved" }, String(stock?.reserved ?? 0)),
      h("td", { "data-testid": "sold" }, String(stock?.sold ?? 0)),
      h("td", { class: "muted", "data-testid": "version" }, String(stock?.version ?? 0n)),
      cell(
        h(
          "form",
          { class: "inline", onsubmit: set },
          input,
          h("button", { type: "submit", "aria-label": `Set stock of ${product.name}` }, "Set"),
        ),
        problem !== undefined && errorBox(problem),
        problem !== undefined &&
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: async () => {
                try {
                  stock = (await api.inventory.getStock({ productId: product.id })).stock;
                  render();
                } catch (error) {
                  render(error);
                }
              },
            },
            "Read again",
          ),
      ),
    );
  };
  render();
  return row;
}
