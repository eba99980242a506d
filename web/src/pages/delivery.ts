/**
 * Checkout's delivery steps: the shipping address (name, street, optional line 2, city, postcode,
 * country) and the shipping options the shop quotes for the cart's subtotal and that country
 * (ShippingService.ListShippingOptions), as a radio list with price and days.
 */
import { create } from "@bufbuild/protobuf";
import { type PostalAddress, PostalAddressSchema } from "@shop/schemas/common/v1/address";
import { MoneySchema } from "@shop/schemas/common/v1/money";
import type { ShippingOption } from "@shop/schemas/shipping/v1/shipping";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { formatMoney } from "../money.ts";
import { deliveryDays } from "../shipment.ts";
import { errorBox } from "../ui.ts";

/**
 * The countries some option ships to (functions/shipping/README.md, "Options and pricing": standard
 * to the EU, GB, CH, NO and the US). The shop has no call that lists them, and the options are
 * defined in shipping's code, so the list is kept here with them; ListShippingOptions still decides
 * what ships where, and PlaceOrder refuses a country no option ships to.
 */
export const SHIPPING_COUNTRIES: readonly string[] = [
  "AT",
  "BE",
  "BG",
  "CH",
  "CY",
  "CZ",
  "DE",
  "DK",
  "EE",
  "ES",
  "FI",
  "FR",
  "GB",
  "GR",
  "HR",
  "HU",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "NO",
  "PL",
  "PT",
  "RO",
  "SE",
  "SI",
  "SK",
  "US",
];

/** What the delivery steps hand to checkout. */
export interface DeliverySteps {
  /** The address and the shipping fieldsets, to place inside the checkout form. */
  elements: HTMLElement[];
  /** The address as typed (PlaceOrder checks it and answers a sentence for a missing part). */
  address(): PostalAddress;
  /** The chosen option, once the options for the country are known. */
  option(): ShippingOption | undefined;
}

/** A country's name in the shopper's language ("DE" → "Germany"). */
function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

function field(id: string, label: string, attrs: Record<string, string | boolean> = {}) {
  const input = h("input", { type: "text", id, name: id, ...attrs });
  return { input, element: h("div", { class: "field" }, h("label", { for: id }, label), input) };
}

/**
 * Builds the delivery steps for a cart worth `subtotal`. `onChange` runs whenever the chosen option
 * (and so the shipping charged) changes, so checkout can show the new total.
 */
export function deliverySteps(
  subtotal: { amountMinor: bigint; currency: string },
  signal: AbortSignal,
  onChange: () => void,
): DeliverySteps {
  const name = field("ship-name", "Full name", { autocomplete: "shipping name", required: true });
  const line1 = field("ship-line1", "Street and number", {
    autocomplete: "shipping address-line1",
    required: true,
  });
  const line2 = field("ship-line2", "Flat, floor, company (optional)", {
    autocomplete: "shipping address-line2",
  });
  const city = field("ship-city", "City", { autocomplete: "shipping address-level2", required: true });
  const postcode = field("ship-postcode", "Postcode", {
    autocomplete: "shipping postal-code",
    required: true,
  });
  // Germany first: the demo shop's home; the list is otherwise in the shopper's alphabetical order.
  const countries = [...SHIPPING_COUNTRIES]
    .map((code) => ({ code, label: countryName(code) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const country = h(
    "select",
    { id: "ship-country", name: "ship-country", autocomplete: "shipping country", required: true },
    countries.map(({ code, label }) => h("option", { value: code, selected: code === "DE" }, label)),
  );

  const list = h("div", { class: "choices", "aria-live": "polite" });
  let options: ShippingOption[] = [];
  let asked = 0;

  const chosen = (): ShippingOption | undefined => {
    const value = (list.querySelector("input[name=shipping]:checked") as HTMLInputElement | null)?.value;
    return options.find((option) => option.id === value);
  };

  /** Asks the shop for the options to the selected country; keeps the choice when it still ships. */
  const quote = async () => {
    const ask = ++asked;
    const previous = chosen()?.id;
    options = [];
    replace(list, h("p", { class: "muted small" }, "Finding the ways we ship there…"));
    onChange();
    try {
      const response = await api.shipping.listShippingOptions(
        { subtotal: create(MoneySchema, subtotal), country: country.value },
        { signal },
      );
      // A newer country was picked meanwhile: its answer is the one to show.
      if (ask !== asked || signal.aborted) return;
      options = response.options;
      const keep = options.some((option) => option.id === previous) ? previous : options[0]?.id;
      replace(
        list,
        options.length === 0 && h("p", { class: "error", role: "alert" }, "We do not ship there yet."),
        options.map((option) =>
          h(
            "label",
            { class: "card-choice" },
            h("input", {
              type: "radio",
              name: "shipping",
              value: option.id,
              checked: option.id === keep,
              onchange: onChange,
            }),
            h(
              "span",
              { class: "grow" },
              h("strong", {}, option.name),
              h("span", { class: "muted small" }, ` — ${deliveryDays(option.minDays, option.maxDays)}`),
            ),
            h("span", { class: "price", "data-testid": `shipping-${option.id}` }, formatMoney(option.price)),
          ),
        ),
      );
    } catch (error) {
      if (ask === asked && !signal.aborted) replace(list, errorBox(error));
    }
    onChange();
  };
  country.addEventListener("change", () => void quote());
  void quote();

  return {
    elements: [
      h(
        "fieldset",
        { class: "cards address" },
        h("legend", {}, "Shipping address"),
        name.element,
        line1.element,
        line2.element,
        h("div", { class: "field-pair" }, postcode.element, city.element),
        h("div", { class: "field" }, h("label", { for: "ship-country" }, "Country"), country),
      ),
      h("fieldset", { class: "cards" }, h("legend", {}, "Shipping"), list),
    ],
    address: () =>
      create(PostalAddressSchema, {
        name: name.input.value,
        line1: line1.input.value,
        line2: line2.input.value,
        city: city.input.value,
        postcode: postcode.input.value,
        country: country.value,
      }),
    option: chosen,
  };
}
