/**
 * One product: picture, description, price, stock and "add to cart" with a quantity.
 */
import { api } from "../api.ts";
import { addToCart, cartLines } from "../cart.ts";
import { h, replace } from "../dom.ts";
import { formatMoney } from "../money.ts";
import type { Page } from "../router.ts";
import { errorBox, flash, loading, productArt } from "../ui.ts";
import { capitalise } from "./browse.ts";

/** The product page (`#/products/:id`). */
export const productPage: Page = async (main, { params, signal }) => {
  main.append(loading());
  try {
    const { product } = await api.catalog.getProduct({ id: params.id ?? "" }, { signal });
    if (!product) throw new Error("The shop answered without the product.");
    const inCart = () => cartLines().find((line) => line.productId === product.id)?.quantity ?? 0;
    const quantity = h("input", {
      type: "number",
      name: "quantity",
      min: 1,
      max: Math.max(product.available, 1),
      value: 1,
      inputmode: "numeric",
      "aria-label": "Quantity",
    });
    const note = h("p", { class: "muted small" });
    const showNote = () =>
      replace(
        note,
        inCart() > 0 ? `${inCart()} in your cart. ` : "",
        h("a", { href: "#/cart" }, "View cart"),
      );
    showNote();
    const soldOut = product.available <= 0 || !product.active;
    replace(
      main,
      h(
        "p",
        { class: "crumbs" },
        h("a", { href: "#/" }, "Products"),
        " / ",
        h("a", { href: `#/?category=${encodeURIComponent(product.category)}` }, capitalise(product.category)),
      ),
      h(
        "section",
        { class: "product" },
        productArt(product, "large"),
        h(
          "div",
          { class: "product-info" },
          h("h1", {}, product.name),
          h("p", { class: "price big" }, formatMoney(product.price)),
          h("p", {}, product.description),
          h(
            "p",
            { class: soldOut ? "error-text" : product.available < 10 ? "warn-text" : "muted" },
            soldOut
              ? "Sold out for now."
              : product.available < 10
                ? `Only ${product.available} left.`
                : "In stock.",
          ),
          h(
            "form",
            {
              class: "buy",
              onsubmit: (event: Event) => {
                event.preventDefault();
                const wanted = Math.max(1, Math.floor(Number(quantity.value) || 1));
                const now = addToCart(product, wanted);
                flash(`${product.name}: ${now} in your cart.`);
                showNote();
              },
            },
            quantity,
            h("button", { type: "submit", disabled: soldOut }, "Add to cart"),
          ),
          note,
        ),
      ),
    );
  } catch (error) {
    if (!signal.aborted)
      replace(main, h("h1", {}, "Product"), errorBox(error), h("a", { href: "#/" }, "Back to the products"));
  }
};
