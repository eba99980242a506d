/**
 * The back office's products (`#/admin/products?q=mug`): every product with its price, category and
 * whether it is on sale, a search, and links to create or edit one.
 */
import type { Product } from "@shop/schemas/catalog/v1/catalog";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { formatMoney } from "../money.ts";
import { navigate, type Page } from "../router.ts";
import { errorBox, loading, productArt } from "../ui.ts";
import { adminShell, cell, table } from "./shell.ts";

/** The product list of the back office. */
export const adminProductsPage: Page = async (main, { query, signal }) => {
  if (!adminShell(main, "/admin/products", "Products")) return;
  const words = h("input", {
    type: "search",
    name: "q",
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
          navigate(`/admin/products?q=${encodeURIComponent(words.value.trim())}`);
        },
      },
      words,
      h("button", { type: "submit" }, "Search"),
      h("a", { class: "button secondary", href: "#/admin/products/new" }, "New product"),
    ),
    list,
  );
  try {
    const products = await allProducts(query.get("q") ?? "", signal);
    replace(
      list,
      products.length === 0
        ? h("p", { class: "muted" }, "No product matches.")
        : table(["", "Name", "Category", "Price", "On sale", ""], products.map(productRow)),
    );
  } catch (error) {
    if (!signal.aborted) replace(list, errorBox(error));
  }
};

/** Every product matching `words`, page after page. */
export async function allProducts(words: string, signal: AbortSignal): Promise<Product[]> {
  const products: Product[] = [];
  let pageToken = "";
  do {
    const page = await api.catalog.listProducts(
      { query: words, pageSize: 100, pageToken, includeInactive: true },
      { signal },
    );
    products.push(...page.products);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return products;
}

function productRow(product: Product): HTMLElement {
  return h(
    "tr",
    { "data-product": product.id },
    cell(productArt(product, "thumb")),
    cell(h("a", { href: `#/admin/products/${encodeURIComponent(product.id)}` }, product.name)),
    cell(product.category),
    cell(formatMoney(product.price)),
    cell(product.active ? "yes" : h("span", { class: "warn-text" }, "inactive")),
    cell(
      h(
        "a",
        { href: `#/admin/products/${encodeURIComponent(product.id)}`, "aria-label": `Edit ${product.name}` },
        "Edit",
      ),
    ),
  );
}
