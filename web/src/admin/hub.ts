/**
 * The back office's front page (`#/admin`): one link per section. It asks the shop one admin-only
 * question (the promotions), so a customer's token meets the shop's own refusal here too.
 */
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import type { Page } from "../router.ts";
import { errorBox, loading } from "../ui.ts";
import { SECTIONS } from "./sections.ts";
import { adminShell } from "./shell.ts";

/** The back office's front page. */
export const adminHubPage: Page = async (main, { signal }) => {
  if (!adminShell(main, "/admin", "Back office")) return;
  const area = h("div", {}, loading());
  main.append(area);
  try {
    const { promotions } = await api.promotions.listPromotions({}, { signal });
    replace(
      area,
      h(
        "ul",
        { class: "admin-hub" },
        SECTIONS.map(([path, label]) => h("li", { class: "panel" }, h("a", { href: `#${path}` }, label))),
      ),
      h("p", { class: "muted small" }, `${promotions.length} promotion(s) defined.`),
    );
  } catch (error) {
    if (!signal.aborted) replace(area, errorBox(error));
  }
};
