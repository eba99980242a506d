/**
 * The catalog: a search box, a category filter, a grid of products and pages of them.
 */
import type { Product } from "@shop/schemas/catalog/v1/catalog";
import { api } from "../api.ts";
import { addToCart } from "../cart.ts";
import { h, replace } from "../dom.ts";
import { sentence } from "../errors.ts";
import { formatMoney } from "../money.ts";
import { navigate, type Page } from "../router.ts";
import { errorBox, flash, loading, productArt } from "../ui.ts";

const PAGE_SIZE = 12;

let categories: Promise<string[]> | undefined;

// The catalog has no category list of its own: collect the categories of every product once.
function loadCategories(): Promise<string[]> {
  categories ??= (async () => {
    const found = new Set<string>();
    let pageToken = "";
    for (let page = 0; page < 10; page++) {
      const response = await api.catalog.listProducts({ pageSize: 100, pageToken });
      for (const product of response.products) found.add(product.category);
      pageToken = response.nextPageToken;
      if (!pageToken) break;
    }
    return [...found].sort();
  })().catch((error: unknown) => {
    categories = undefined;
    throw error;
  });
  return categories;
}

// Page tokens seen on the way to the current page, so "Previous" can go back.
const trail: string[] = [];

/** The product list. Query: q (search), category, page (a page token). */
export const browsePage: Page = async (main, { query, signal }) => {
  const q = query.get("q") ?? "";
  const category = query.get("category") ?? "";
  const pageToken = query.get("page") ?? "";
  const link = (changes: Record<string, string>) => {
    const next = new URLSearchParams({ q, category, page: pageToken, ...changes });
    for (const [key, value] of [...next]) if (!value) next.delete(key);
    const text = next.toString();
    return `/${text ? `?${text}` : ""}`;
  };

  const search = h("input", {
    type: "search",
    name: "q",
    value: q,
    placeholder: "Search products",
    "aria-label": "Search products",
    autocomplete: "off",
  });
  const select = h(
    "select",
    { name: "category", "aria-label": "Category" },
    h("option", { value: "" }, "All categories"),
  );
  const form = h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (event: Event) => {
        event.preventDefault();
        trail.length = 0;
        navigate(link({ q: search.value.trim(), category: select.value, page: "" }));
      },
    },
    search,
    select,
    h("button", { type: "submit" }, "Search"),
  );
  select.addEventListener("change", () => form.requestSubmit());
  const grid = h("div", { class: "grid", "aria-live": "polite" }, loading());
  const pager = h("nav", { class: "pager", "aria-label": "Pages" });
  main.append(
    h("h1", {}, q ? `Results for “${q}”` : category ? capitalise(category) : "Products"),
    form,
    grid,
    pager,
  );

  void loadCategories().then(
    (names) => {
      for (const name of names) select.append(h("option", { value: name }, capitalise(name)));
      select.value = category;
    },
    () => undefined,
  );

  try {
    const { products, nextPageToken } = await api.catalog.listProducts(
      { pageSize: PAGE_SIZE, pageToken, category, query: q },
      { signal },
    );
    if (products.length === 0) {
      replace(
        grid,
        h("p", { class: "muted" }, q ? `Nothing matches “${q}”. Try another word.` : "No products here yet."),
      );
    } else {
      replace(grid, products.map(productCard));
    }
    const index = trail.indexOf(pageToken);
    if (index >= 0) trail.length = index;
    const previous = pageToken ? (trail.at(-1) ?? "") : undefined;
    replace(
      pager,
      previous !== undefined &&
        h(
          "a",
          { class: "button secondary", href: `#${link({ page: previous })}`, onclick: () => trail.pop() },
          "← Previous",
        ),
      nextPageToken &&
        h(
          "a",
          {
            class: "button secondary",
            href: `#${link({ page: nextPageToken })}`,
            onclick: () => trail.push(pageToken),
          },
          "Next →",
        ),
    );
  } catch (error) {
    if (!signal.aborted) replace(grid, errorBox(error));
  }
};

function productCard(product: Product): HTMLElement {
  const soldOut = product.available <= 0;
  return h(
    "article",
    { class: "card", "data-product": product.name },
    h(
      "a",
      { href: `#/products/${encodeURIComponent(product.id)}`, class: "card-link" },
      productArt(product),
      h("h2", {}, product.name),
    ),
    h("p", { class: "muted small" }, capitalise(product.category)),
    h(
      "div",
      { class: "card-foot" },
      h("strong", { class: "price" }, formatMoney(product.price)),
      h(
        "button",
        {
          type: "button",
          disabled: soldOut,
          "aria-label": `Add ${product.name} to cart`,
          onclick: async () => {
            try {
              await addToCart(product.id);
              flash(`${product.name} is in your cart.`);
            } catch (error) {
              flash(sentence(error));
            }
          },
        },
        soldOut ? "Sold out" : "Add to cart",
      ),
    ),
  );
}

/** "kitchen" → "Kitchen". */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
