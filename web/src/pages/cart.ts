/**
 * The cart: lines with quantities, the subtotal, and the way to checkout. Lines are refreshed from
 * the catalog on every visit, so prices and stock are current.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type { Product } from "@shop/schemas/catalog/v1/catalog";
import { api } from "../api.ts";
import { type CartLine, cartLines, cartSubtotal, refreshCart, setQuantity } from "../cart.ts";
import { h, replace } from "../dom.ts";
import { formatMinor } from "../money.ts";
import type { Page } from "../router.ts";
import { productArt } from "../ui.ts";

/** The cart page. */
export const cartPage: Page = async (main, { signal }) => {
  const body = h("div");
  main.append(h("h1", {}, "Your cart"), body);
  const render = () => {
    const lines = cartLines();
    if (lines.length === 0) {
      replace(
        body,
        h(
          "p",
          { class: "muted" },
          "Your cart is empty. ",
          h("a", { href: "#/" }, "Find something you like."),
        ),
      );
      return;
    }
    const subtotal = cartSubtotal(lines);
    replace(
      body,
      h(
        "ul",
        { class: "lines" },
        lines.map((line) => lineItem(line, render)),
      ),
      h(
        "div",
        { class: "summary panel" },
        h(
          "p",
          { class: "row" },
          h("span", {}, "Subtotal"),
          h(
            "strong",
            { "data-testid": "cart-subtotal" },
            formatMinor(subtotal.amountMinor, subtotal.currency),
          ),
        ),
        h("p", { class: "muted small" }, "Promotions and coupons are applied at checkout."),
        h("a", { class: "button", href: "#/checkout" }, "Checkout"),
      ),
    );
  };
  render();
  const products = new Map<string, Product | undefined>();
  await Promise.all(
    cartLines().map(async (line) => {
      try {
        const { product } = await api.catalog.getProduct({ id: line.productId }, { signal });
        products.set(line.productId, product);
      } catch (error) {
        // A product that is gone is dropped from the cart; any other failure keeps the line as it was.
        if (ConnectError.from(error).code === Code.NotFound) products.set(line.productId, undefined);
      }
    }),
  );
  if (signal.aborted) return;
  refreshCart(products);
  render();
};

function lineItem(line: CartLine, rerender: () => void): HTMLElement {
  const change = (quantity: number) => {
    setQuantity(line.productId, Math.max(0, Math.min(quantity, line.available)));
    rerender();
  };
  return h(
    "li",
    { class: "line", "data-product": line.name },
    productArt({ name: line.name, category: line.category, imageUrl: "" }, "thumb"),
    h(
      "div",
      { class: "line-main" },
      h("a", { href: `#/products/${encodeURIComponent(line.productId)}` }, line.name),
      h("span", { class: "muted small" }, `${formatMinor(BigInt(line.unitPriceMinor), line.currency)} each`),
    ),
    h(
      "div",
      { class: "qty" },
      h(
        "button",
        {
          type: "button",
          class: "icon",
          "aria-label": `One less ${line.name}`,
          onclick: () => change(line.quantity - 1),
        },
        "−",
      ),
      h("span", { "aria-label": "Quantity" }, String(line.quantity)),
      h(
        "button",
        {
          type: "button",
          class: "icon",
          "aria-label": `One more ${line.name}`,
          disabled: line.quantity >= line.available,
          onclick: () => change(line.quantity + 1),
        },
        "+",
      ),
    ),
    h(
      "strong",
      { class: "line-total" },
      formatMinor(BigInt(line.unitPriceMinor) * BigInt(line.quantity), line.currency),
    ),
    h("button", { type: "button", class: "link", onclick: () => change(0) }, "Remove"),
  );
}
