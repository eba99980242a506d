/**
 * One promotion in the back office (`#/admin/promotions/:id`): what it gives, its redemptions (held
 * and released, newest first) and a button that ends it now.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Promotion, Redemption } from "@shop/schemas/promotions/v1/promotions";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { formatMoney } from "../money.ts";
import type { Page } from "../router.ts";
import { errorBox, flash, formatDate, loading } from "../ui.ts";
import { conditionsText, discountText } from "./promotions.ts";
import { adminShell, cell, table } from "./shell.ts";

/** The page of one promotion. */
export const adminPromotionPage: Page = async (main, { params, signal }) => {
  const id = params.id ?? "";
  if (!adminShell(main, `/admin/promotions/${encodeURIComponent(id)}`, "Promotion")) return;
  const about = h("div", {}, loading());
  const redemptions = h("div");
  main.append(about, h("h2", {}, "Redemptions"), redemptions);
  try {
    // Promotions has no GetPromotion: the list is short (an admin's own promotions).
    const { promotions } = await api.promotions.listPromotions({}, { signal });
    const promotion = promotions.find((p) => p.id === id);
    if (!promotion) {
      replace(about, h("p", { class: "error", role: "alert" }, "There is no such promotion."));
      return;
    }
    replace(about, summary(promotion));
    const found: Redemption[] = [];
    let pageToken = "";
    do {
      const page = await api.promotions.listRedemptions(
        { promotionId: id, pageSize: 200, pageToken },
        { signal },
      );
      found.push(...page.redemptions);
      pageToken = page.nextPageToken;
    } while (pageToken);
    replace(
      redemptions,
      found.length === 0
        ? h("p", { class: "muted" }, "Not redeemed yet.")
        : table(["When", "Order", "Customer", "Discount", "State"], found.map(redemptionRow)),
    );
  } catch (error) {
    if (!signal.aborted) replace(about, errorBox(error));
  }
};

function summary(promotion: Promotion): HTMLElement {
  const problem = h("div");
  const ended = promotion.endsAt !== undefined && timestampDate(promotion.endsAt).getTime() <= Date.now();
  const end = h(
    "button",
    {
      type: "button",
      class: "secondary",
      onclick: async () => {
        end.disabled = true;
        try {
          const { promotion: now } = await api.promotions.endPromotion({ id: promotion.id });
          flash(`${promotion.name} has ended.`);
          if (now) replace(box, summary(now));
        } catch (error) {
          replace(problem, errorBox(error));
          end.disabled = false;
        }
      },
    },
    "End now",
  );
  const box = h(
    "section",
    { class: "panel stack", "data-promotion": promotion.id },
    h("h2", {}, promotion.name),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Code"),
      h("dd", { class: "mono" }, promotion.code || "automatic"),
      h("dt", {}, "Discount"),
      h("dd", {}, discountText(promotion)),
      h("dt", {}, "Conditions"),
      h("dd", {}, conditionsText(promotion)),
      h("dt", {}, "Redeemed"),
      h("dd", { "data-testid": "redemption-count" }, String(promotion.redemptionCount)),
      h("dt", {}, "Ends"),
      h(
        "dd",
        { "data-testid": "ends-at" },
        promotion.endsAt ? formatDate(timestampDate(promotion.endsAt)) : "never",
      ),
    ),
    problem,
    ended ? h("p", { class: "muted" }, "This promotion has ended.") : end,
  );
  return box;
}

function redemptionRow(r: Redemption): HTMLElement {
  return h(
    "tr",
    { "data-order": r.orderId },
    cell(r.redeemedAt ? formatDate(timestampDate(r.redeemedAt)) : ""),
    cell(h("a", { class: "mono", href: `#/admin/orders/${encodeURIComponent(r.orderId)}` }, r.orderId)),
    cell(h("span", { class: "mono" }, r.customerId)),
    cell(formatMoney(r.discount)),
    cell(r.released ? h("span", { class: "muted" }, "released") : "held"),
  );
}
