/**
 * The audit log of the back office (`#/admin/audit`): every admin action recorded, newest first —
 * who, what, on what, when, and the target before and after. Read only: nothing here changes an entry.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { AuditEntry } from "@shop/schemas/audit/v1/audit";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import type { Page } from "../router.ts";
import { errorBox, formatDate, loading } from "../ui.ts";
import { adminShell, cell, table } from "./shell.ts";
import { changedFields, prettyJson } from "./words.ts";

const PAGE_SIZE = 50;

/** The audit log page. */
export const adminAuditPage: Page = async (main, { signal }) => {
  if (!adminShell(main, "/admin/audit", "Audit log")) return;
  const rows: HTMLElement[] = [];
  const list = h("div", {}, loading());
  const more = h("div", { class: "pager" });
  main.append(list, more);
  const load = async (pageToken: string) => {
    try {
      const page = await api.audit.listAuditEntries({ pageSize: PAGE_SIZE, pageToken }, { signal });
      rows.push(...page.entries.map(entryRow));
      replace(
        list,
        rows.length === 0
          ? h("p", { class: "muted" }, "No admin action recorded yet.")
          : table(["When", "Who", "What", "Target", "Changed", "Before and after"], rows),
      );
      replace(
        more,
        page.nextPageToken &&
          h(
            "button",
            { type: "button", class: "secondary", onclick: () => void load(page.nextPageToken) },
            "Show older entries",
          ),
      );
    } catch (error) {
      if (!signal.aborted) replace(list, errorBox(error));
    }
  };
  await load("");
};

function changeSummary(entry: AuditEntry): string {
  if (!entry.before) return "created";
  if (!entry.after) return "removed";
  return changedFields(entry.before, entry.after).join(", ") || "nothing";
}

function entryRow(entry: AuditEntry): HTMLElement {
  return h(
    "tr",
    { "data-action": entry.action, "data-target": entry.target },
    cell(entry.at ? formatDate(timestampDate(entry.at)) : ""),
    cell(entry.actorEmail || h("span", { class: "mono" }, entry.actorId)),
    cell(h("span", { class: "mono" }, entry.action)),
    cell(h("span", { class: "mono small" }, entry.target)),
    cell(changeSummary(entry)),
    cell(
      h(
        "details",
        {},
        h("summary", {}, "show"),
        h(
          "div",
          { class: "before-after" },
          h("pre", { class: "code small" }, prettyJson(entry.before)),
          h("pre", { class: "code small" }, prettyJson(entry.after)),
        ),
      ),
    ),
  );
}
