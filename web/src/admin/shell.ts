/**
 * What every back-office page (`#/admin/...`) shares: the login redirect, the heading, the section
 * tabs, and a form field helper. The pages never decide who is an admin: a customer's token is sent
 * like any other and the shop's permission_denied is shown as its sentence.
 */
import { h } from "../dom.ts";
import { navigate } from "../router.ts";
import { currentSession, type Session } from "../session.ts";
import { SECTIONS } from "./sections.ts";

/**
 * Starts a back-office page: sends a visitor to the login page (and back here after it), otherwise
 * renders the tabs and `title`. Returns the session, or undefined when the page must stop.
 */
export function adminShell(main: HTMLElement, here: string, title: string): Session | undefined {
  const session = currentSession();
  if (!session) {
    navigate(`/login?next=${encodeURIComponent(here)}`);
    return undefined;
  }
  main.append(
    h(
      "nav",
      { class: "admin-tabs", "aria-label": "Back office" },
      SECTIONS.map(([path, label]) =>
        h("a", { href: `#${path}`, "aria-current": here.startsWith(path) ? "page" : undefined }, label),
      ),
    ),
    h("h1", {}, title),
  );
  return session;
}

/** A labelled field: the label names the control, for people and for screen readers alike. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `f-${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  control.id = id;
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    control,
    hint && h("span", { class: "muted small" }, hint),
  );
}

/** A table with a header row; `rows` are arrays of cells. */
export function table(headers: string[], rows: HTMLElement[]): HTMLTableElement {
  return h(
    "table",
    { class: "admin-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((title) => h("th", { scope: "col" }, title)),
      ),
    ),
    h("tbody", {}, rows),
  );
}

/** A table cell. */
export function cell(...children: Parameters<typeof h>[2][]): HTMLTableCellElement {
  return h("td", {}, ...children);
}
