/**
 * Checkout: the cart's lines, a coupon code previewed with ValidateCoupon (subtotal, discount),
 * the shipping address and option (delivery.ts), the total with shipping, a test card, and
 * "Place order". The order is then followed live on its own page.
 */
import { create } from "@bufbuild/protobuf";
import { MoneySchema } from "@shop/schemas/common/v1/money";
import type { ValidateCouponResponse } from "@shop/schemas/promotions/v1/promotions";
import { api } from "../api.ts";
import { isAvailable, loadCart } from "../cart.ts";
import { h, replace } from "../dom.ts";
import { formatMinor, formatMoney } from "../money.ts";
import { navigate, type Page } from "../router.ts";
import { currentSession } from "../session.ts";
import { errorBox, flash } from "../ui.ts";
import { type DeliverySteps, deliverySteps } from "./delivery.ts";
import { rememberPlacedOrder } from "./order.ts";

/** The payment provider's test tokens, as the customer picks them. */
const TEST_CARDS = [
  { token: "tok_visa", label: "Visa test card", hint: "approves the payment" },
  { token: "tok_declined", label: "Declined test card", hint: "the bank declines" },
  { token: "tok_unavailable", label: "Flaky test card", hint: "fails twice, then approves" },
];

/** A key per purchase attempt: sending the same attempt twice (a double click, a retry) places one order. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The checkout page. */
export const checkoutPage: Page = async (main, { signal }) => {
  if (!currentSession()) {
    navigate(`/login?next=${encodeURIComponent("/checkout")}`);
    return;
  }
  main.append(h("h1", {}, "Checkout"));
  let cart: Awaited<ReturnType<typeof loadCart>>;
  try {
    cart = await loadCart(signal);
  } catch (error) {
    if (!signal.aborted) main.append(errorBox(error));
    return;
  }
  if (signal.aborted) return;
  const lines = cart?.lines ?? [];
  if (!cart || lines.length === 0) {
    main.append(
      h("p", { class: "muted" }, "Your cart is empty. ", h("a", { href: "#/" }, "Find something you like.")),
    );
    return;
  }
  // The shop refuses nothing here, but an order is only placed from a cart that can be bought as it is.
  if (lines.some((line) => !isAvailable(line))) {
    main.append(
      h(
        "p",
        { class: "error", role: "alert" },
        "Some lines of your cart cannot be bought as they are. ",
        h("a", { href: "#/cart" }, "Change the cart"),
        " first.",
      ),
    );
    return;
  }
  const cartId = cart.id;
  const subtotal = {
    amountMinor: cart.subtotal?.amountMinor ?? 0n,
    currency: cart.subtotal?.currency ?? "EUR",
  };
  const idempotencyKey = newIdempotencyKey();
  let applied: { code: string; preview: ValidateCouponResponse } | undefined;

  const couponInput = h("input", {
    type: "text",
    name: "coupon",
    id: "coupon",
    placeholder: "e.g. WELCOME10",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
  });
  const couponNote = h("div", { class: "coupon-note", "aria-live": "polite" });
  const totals = h("dl", { class: "totals" });
  const problem = h("div", { "aria-live": "assertive" });
  const placeButton = h("button", { type: "submit", class: "wide" }, "Place order");

  // The delivery steps ask for the options at once and call back before they are assigned.
  let delivery: DeliverySteps | undefined;
  let shown: ValidateCouponResponse | undefined;
  const showTotals = (preview?: ValidateCouponResponse) => {
    shown = preview;
    const discount = preview?.discount && preview.discount.amountMinor > 0n ? preview.discount : undefined;
    const goods = preview?.total?.amountMinor ?? subtotal.amountMinor;
    // Free-shipping promotions are applied when the order is priced: the order page shows what was charged.
    const shipping = delivery?.option()?.price;
    const total = goods + (shipping?.amountMinor ?? 0n);
    replace(
      totals,
      h("dt", {}, "Subtotal"),
      h("dd", { "data-testid": "subtotal" }, formatMinor(subtotal.amountMinor, subtotal.currency)),
      discount && [
        h("dt", {}, "Discount"),
        h("dd", { "data-testid": "discount", class: "discount" }, `−${formatMoney(discount)}`),
      ],
      h("dt", {}, "Shipping"),
      h("dd", { "data-testid": "shipping" }, shipping ? formatMoney(shipping) : "choose an option"),
      h("dt", { class: "total" }, "Total"),
      h("dd", { "data-testid": "total", class: "total" }, formatMinor(total, subtotal.currency)),
    );
  };
  showTotals();
  delivery = deliverySteps(subtotal, signal, () => showTotals(shown));

  /** Previews `code` against the cart; returns whether it applies. */
  const preview = async (code: string): Promise<boolean> => {
    replace(couponNote, h("span", { class: "muted small" }, "Checking the code…"));
    try {
      const response = await api.promotions.validateCoupon(
        {
          code,
          lines: lines.map((line) => ({
            productId: line.productId,
            category: line.category,
            quantity: line.quantity,
            unitPrice: create(MoneySchema, {
              amountMinor: line.unitPrice?.amountMinor ?? 0n,
              currency: line.unitPrice?.currency ?? subtotal.currency,
            }),
          })),
        },
        { signal },
      );
      if (!response.valid) {
        applied = undefined;
        // An invalid code's preview still prices the cart with the automatic promotions.
        showTotals(response);
        replace(
          couponNote,
          h(
            "p",
            { class: "error", role: "alert" },
            response.reason || `The code ${code} cannot be used for this order.`,
          ),
        );
        return false;
      }
      applied = { code, preview: response };
      showTotals(response);
      replace(
        couponNote,
        h(
          "p",
          { class: "ok" },
          `${code} applied`,
          response.promotions.length > 0 && `: ${response.promotions.join(", ")}`,
          ".",
        ),
      );
      return true;
    } catch (error) {
      applied = undefined;
      showTotals();
      if (!signal.aborted) replace(couponNote, errorBox(error));
      return false;
    }
  };

  const couponForm = h(
    "form",
    {
      class: "coupon",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const code = couponInput.value.trim().toUpperCase();
        if (code) void preview(code);
        else {
          applied = undefined;
          showTotals();
          couponNote.replaceChildren();
        }
      },
    },
    h("label", { for: "coupon" }, "Promotion code or coupon"),
    h("div", { class: "inline" }, couponInput, h("button", { type: "submit", class: "secondary" }, "Apply")),
    couponNote,
  );

  const cards = h(
    "fieldset",
    { class: "cards" },
    h("legend", {}, "Payment (test cards only)"),
    TEST_CARDS.map((card, i) =>
      h(
        "label",
        { class: "card-choice" },
        h("input", { type: "radio", name: "card", value: card.token, checked: i === 0 }),
        h("span", {}, h("strong", {}, card.label), h("span", { class: "muted small" }, ` — ${card.hint}`)),
      ),
    ),
  );

  const placeForm = h(
    "form",
    {
      class: "stack",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        placeButton.disabled = true;
        problem.replaceChildren();
        try {
          // A code typed but not applied yet is checked first: an order is never placed with a surprise.
          const typed = couponInput.value.trim().toUpperCase();
          if (typed && typed !== applied?.code && !(await preview(typed))) return;
          const paymentToken = (
            placeForm.querySelector("input[name=card]:checked") as HTMLInputElement | null
          )?.value;
          const { order } = await api.orders.placeOrder({
            lines: lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
            couponCode: typed ? (applied?.code ?? "") : "",
            idempotencyKey,
            paymentToken: paymentToken ?? "tok_visa",
            // The cart empties itself of these lines when the order reaches it (OrderPlaced).
            cartId,
            shippingAddress: delivery?.address(),
            shippingOption: delivery?.option()?.id ?? "",
          });
          if (!order) throw new Error("The shop answered without the order.");
          rememberPlacedOrder(order.id);
          flash("Thank you! Your order is placed.");
          navigate(`/orders/${encodeURIComponent(order.id)}`);
        } catch (error) {
          replace(problem, errorBox(error));
        } finally {
          placeButton.disabled = false;
        }
      },
    },
    delivery.elements,
    cards,
    totals,
    problem,
    placeButton,
  );

  main.append(
    h(
      "div",
      { class: "checkout" },
      h(
        "section",
        { class: "panel" },
        h("h2", {}, "Your order"),
        h(
          "ul",
          { class: "plain" },
          lines.map((line) =>
            h(
              "li",
              { class: "row" },
              h("span", {}, `${line.quantity} × ${line.productName}`),
              h("span", {}, formatMoney(line.lineTotal)),
            ),
          ),
        ),
        h("a", { href: "#/cart", class: "small" }, "Change the cart"),
      ),
      h("section", { class: "panel stack" }, couponForm, placeForm),
    ),
  );
};
