/**
 * Promotions in the back office (`#/admin/promotions`): every promotion with its kind, limits and
 * redemptions, and a form that creates any kind promotions supports (percent or amount off, free
 * shipping; by code or automatic; minimum order, dates, limits, products or a category).
 */
import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MoneySchema } from "@shop/schemas/common/v1/money";
import type { Promotion } from "@shop/schemas/promotions/v1/promotions";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { formatMoney } from "../money.ts";
import type { Page } from "../router.ts";
import { errorBox, flash, formatDate, loading } from "../ui.ts";
import { parseMinor } from "./money-input.ts";
import { adminShell, cell, field, table } from "./shell.ts";

/** The promotions page of the back office. */
export const adminPromotionsPage: Page = async (main, { signal }) => {
  if (!adminShell(main, "/admin/promotions", "Promotions")) return;
  const list = h("div", {}, loading());
  const reload = async () => {
    try {
      const { promotions } = await api.promotions.listPromotions({}, { signal });
      replace(
        list,
        promotions.length === 0
          ? h("p", { class: "muted" }, "No promotions yet.")
          : table(
              ["Name", "Code", "Discount", "Conditions", "Runs", "Redeemed", ""],
              promotions.map(promotionRow),
            ),
      );
    } catch (error) {
      if (!signal.aborted) replace(list, errorBox(error));
    }
  };
  main.append(list, h("h2", {}, "New promotion"), promotionForm(reload));
  await reload();
};

/** What a promotion takes off, in words. */
export function discountText(promotion: Promotion): string {
  const { discount } = promotion;
  if (discount.case === "percentOff") return `${discount.value} % off`;
  if (discount.case === "amountOff") return `${formatMoney(discount.value)} off`;
  if (discount.case === "freeShipping") return "free shipping";
  return "–";
}

/** A promotion's conditions and limits, in words. */
export function conditionsText(p: Promotion): string {
  const parts = [
    p.minimumOrder && `orders from ${formatMoney(p.minimumOrder)}`,
    p.category && `category ${p.category}`,
    p.productIds.length > 0 && `${p.productIds.length} product(s)`,
    p.singleUse && "single use",
    p.maxRedemptions > 0 && `at most ${p.maxRedemptions} in all`,
    p.maxPerCustomer > 0 && `at most ${p.maxPerCustomer} per customer`,
  ].filter((part): part is string => Boolean(part));
  return parts.join(", ") || "none";
}

function promotionRow(p: Promotion): HTMLElement {
  const runs = [
    p.startsAt && `from ${formatDate(timestampDate(p.startsAt))}`,
    p.endsAt && `until ${formatDate(timestampDate(p.endsAt))}`,
  ].filter(Boolean);
  return h(
    "tr",
    { "data-promotion": p.id, "data-code": p.code },
    cell(p.name),
    cell(p.code ? h("span", { class: "mono" }, p.code) : h("span", { class: "muted" }, "automatic")),
    cell(discountText(p)),
    cell(conditionsText(p)),
    cell(runs.join(" ") || "always"),
    h("td", { "data-testid": "redemptions" }, String(p.redemptionCount)),
    cell(
      h(
        "a",
        { href: `#/admin/promotions/${encodeURIComponent(p.id)}`, "aria-label": `Redemptions of ${p.name}` },
        "Redemptions",
      ),
    ),
  );
}

const number = (min = 0) => h("input", { type: "number", min, value: "" });

function promotionForm(created: () => Promise<void>): HTMLElement {
  const name = h("input", { required: true });
  const code = h("input", { class: "mono", autocomplete: "off" });
  const kind = h(
    "select",
    {},
    h("option", { value: "percent" }, "Percent off"),
    h("option", { value: "amount" }, "Amount off"),
    h("option", { value: "shipping" }, "Free shipping"),
  );
  const value = h("input", { inputmode: "decimal" });
  const minimum = h("input", { inputmode: "decimal" });
  const startsAt = h("input", { type: "datetime-local" });
  const endsAt = h("input", { type: "datetime-local" });
  const maxRedemptions = number();
  const maxPerCustomer = number();
  const singleUse = h("input", { type: "checkbox" });
  const category = h("input", {});
  const productIds = h("input", {});
  const problem = h("div");
  const submit = h("button", { type: "submit" }, "Create promotion");
  const refuse = (text: string) => replace(problem, h("p", { class: "error", role: "alert" }, text));

  const onsubmit = async (event: Event) => {
    event.preventDefault();
    problem.replaceChildren();
    let discount: Promotion["discount"];
    if (kind.value === "percent") {
      const percent = Number(value.value);
      if (!Number.isInteger(percent)) return refuse("The percent off is a whole number from 1 to 100.");
      discount = { case: "percentOff", value: percent };
    } else if (kind.value === "amount") {
      const amount = parseMinor(value.value);
      if (amount === undefined) return refuse("The amount off is not an amount (like 5.00).");
      discount = { case: "amountOff", value: create(MoneySchema, { amountMinor: amount, currency: "EUR" }) };
    } else {
      discount = { case: "freeShipping", value: true };
    }
    const minimumMinor = minimum.value.trim() ? parseMinor(minimum.value) : 0n;
    if (minimumMinor === undefined) return refuse("The minimum order is not an amount (like 20.00).");
    submit.disabled = true;
    try {
      await api.promotions.createPromotion({
        promotion: {
          name: name.value.trim(),
          code: code.value.trim(),
          discount,
          minimumOrder: minimumMinor > 0n ? { amountMinor: minimumMinor, currency: "EUR" } : undefined,
          startsAt: startsAt.value ? timestampFromDate(new Date(startsAt.value)) : undefined,
          endsAt: endsAt.value ? timestampFromDate(new Date(endsAt.value)) : undefined,
          maxRedemptions: Number(maxRedemptions.value || 0),
          maxPerCustomer: Number(maxPerCustomer.value || 0),
          singleUse: singleUse.checked,
          category: category.value.trim(),
          productIds: productIds.value
            .split(",")
            .map((id) => id.trim())
            .filter(Boolean),
        },
      });
      flash(`${name.value.trim()} is created.`);
      (event.target as HTMLFormElement).reset();
      await created();
    } catch (error) {
      replace(problem, errorBox(error));
    } finally {
      submit.disabled = false;
    }
  };

  return h(
    "form",
    { class: "panel stack admin-form", onsubmit },
    field("Name", name),
    field("Code", code, "Empty: applied automatically to every order it fits."),
    field("Kind", kind),
    field("Percent or amount off", value, "A whole percent (10) or an amount in EUR (5.00)."),
    field("Minimum order (EUR)", minimum),
    field("Starts at", startsAt),
    field("Ends at", endsAt),
    field("Redemptions in all", maxRedemptions, "0 or empty: no limit."),
    field("Redemptions per customer", maxPerCustomer, "0 or empty: no limit."),
    h("label", { class: "check" }, singleUse, "Single-use coupon (redeemed once, by anyone)"),
    field("Only category", category),
    field("Only products (ids, comma-separated)", productIds),
    problem,
    submit,
  );
}
