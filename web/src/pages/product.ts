/**
 * One product: picture, description, price, stock and "add to cart" with a quantity.
 */
import { api } from "../api.ts";
import { addToCart, quantityInCart } from "../cart.ts";
import { h, replace } from "../dom.ts";
import { sentence } from "../errors.ts";
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
    const inCart = () => quantityInCart(product.id);
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
              onsubmit: async (event: Event) => {
                event.preventDefault();
                // What is in stock is the most worth adding; the cart marks a line that outgrows it.
                const wanted = Math.min(
                  Math.max(1, Math.floor(Number(quantity.value) || 1)),
                  Math.max(1, product.available - inCart()),
                );
                try {
                  const now = await addToCart(product.id, wanted);
                  flash(`${product.name}: ${now} in your cart.`);
                } catch (error) {
                  flash(sentence(error));
                }
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
