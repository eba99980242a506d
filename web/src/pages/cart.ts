/**
 * The cart: lines with quantities, the subtotal, and the way to checkout. The shop prices the lines
 * at today's prices and marks those that cannot be bought as they are (too few in stock, sold out,
 * no longer sold); they stay in the cart, out of the subtotal, until the customer changes them.
 */
import { LineAvailability } from "@shop/schemas/cart/v1/cart";
import { type Cart, type CartLine, cachedCart, isAvailable, loadCart, setQuantity } from "../cart.ts";
import { h, replace } from "../dom.ts";
import { sentence } from "../errors.ts";
import { formatMoney } from "../money.ts";
import type { Page } from "../router.ts";
import { errorBox, flash, loading, productArt } from "../ui.ts";

/** The cart page. */
export const cartPage: Page = async (main, { signal }) => {
  const body = h("div", {}, loading());
  main.append(h("h1", {}, "Your cart"), body);
  const render = (cart: Cart | undefined) => {
    const lines = cart?.lines ?? [];
    if (!cart || lines.length === 0) {
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
    const change = async (productId: string, quantity: number) => {
      try {
        await setQuantity(productId, Math.max(0, quantity));
      } catch (error) {
        flash(sentence(error));
      }
      render(cachedCart());
    };
    replace(
      body,
      h(
        "ul",
        { class: "lines" },
        lines.map((line) => lineItem(line, change)),
      ),
      h(
        "div",
        { class: "summary panel" },
        h(
          "p",
          { class: "row" },
          h("span", {}, "Subtotal"),
          h("strong", { "data-testid": "cart-subtotal" }, cart.subtotal ? formatMoney(cart.subtotal) : "–"),
        ),
        cart.unavailableLines > 0
          ? h(
              "p",
              { class: "error-text small", "data-testid": "cart-unavailable" },
              cart.unavailableLines === 1
                ? "One line cannot be bought as it is: change or remove it to check out."
                : `${cart.unavailableLines} lines cannot be bought as they are: change or remove them to check out.`,
            )
          : h("p", { class: "muted small" }, "Promotions and coupons are applied at checkout."),
        cart.unavailableLines > 0
          ? h("span", { class: "button disabled", "aria-disabled": "true" }, "Checkout")
          : h("a", { class: "button", href: "#/checkout" }, "Checkout"),
      ),
    );
  };
  render(cachedCart());
  try {
    const cart = await loadCart(signal);
    if (!signal.aborted) render(cart);
  } catch (error) {
    if (!signal.aborted) replace(body, errorBox(error));
  }
};

const MARKS: Partial<Record<LineAvailability, (line: CartLine) => string>> = {
  [LineAvailability.LOW_STOCK]: (line) => `Only ${line.available} left: lower the quantity.`,
  [LineAvailability.OUT_OF_STOCK]: () => "Out of stock for now.",
  [LineAvailability.DISCONTINUED]: () => "No longer sold.",
};

function lineItem(
  line: CartLine,
  change: (productId: string, quantity: number) => Promise<void>,
): HTMLElement {
  const mark = MARKS[line.availability]?.(line);
  const buyable = isAvailable(line);
  return h(
    "li",
    { class: buyable ? "line" : "line unavailable", "data-product": line.productName },
    productArt({ name: line.productName, category: line.category, imageUrl: "" }, "thumb"),
    h(
      "div",
      { class: "line-main" },
      h("a", { href: `#/products/${encodeURIComponent(line.productId)}` }, line.productName),
      line.unitPrice && h("span", { class: "muted small" }, `${formatMoney(line.unitPrice)} each`),
      mark && h("span", { class: "error-text small", "data-testid": "line-mark" }, mark),
    ),
    h(
      "div",
      { class: "qty" },
      h(
        "button",
        {
          type: "button",
          class: "icon",
          "aria-label": `One less ${line.productName}`,
          onclick: () => change(line.productId, line.quantity - 1),
        },
        "−",
      ),
      h("span", { "aria-label": "Quantity" }, String(line.quantity)),
      h(
        "button",
        {
          type: "button",
          class: "icon",
          "aria-label": `One more ${line.productName}`,
          disabled: line.quantity >= line.available,
          onclick: () => change(line.productId, line.quantity + 1),
        },
        "+",
      ),
    ),
    h("strong", { class: "line-total" }, buyable && line.lineTotal ? formatMoney(line.lineTotal) : "–"),
    h("button", { type: "button", class: "link", onclick: () => change(line.productId, 0) }, "Remove"),
  );
}
