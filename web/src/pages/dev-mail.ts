/**
 * Caught mail (development only): what notifications sent to `npm start`'s mail catcher, newest first,
 * from the JSON the shop serves at /dev/mail/api. Each mail's HTML is shown in a sandboxed frame (no
 * script runs, links open outside), its plain text beside it. Outside development the shop answers
 * 404 and the page says there is no catcher.
 */
import { h, replace } from "../dom.ts";
import type { Page } from "../router.ts";
import { errorBox, formatDate, loading, pause } from "../ui.ts";

/** One caught mail, as /dev/mail/api lists it. */
interface CaughtMail {
  seq: number;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  receivedAt: string;
}

/** How often the page looks for new mail. */
const REFRESH_MS = 2_000;

/** The caught-mail page. */
export const devMailPage: Page = async (main, { signal }) => {
  const list = h("div", { class: "dev-mail" }, loading());
  main.append(
    h("h1", {}, "Caught mail"),
    h(
      "p",
      { class: "muted" },
      "Development only: the emails this shop sent, caught before they left the machine.",
    ),
    list,
  );
  let shown = -1;
  while (!signal.aborted) {
    try {
      const answer = await fetch("/dev/mail/api", { signal, cache: "no-store" });
      if (answer.status === 404) {
        replace(
          list,
          h("p", { class: "muted" }, "There is no mail catcher here: it runs in development only."),
        );
        return;
      }
      if (!answer.ok) throw new Error(`the shop answered ${answer.status}: ${await answer.text()}`);
      const { messages } = (await answer.json()) as { messages: CaughtMail[] };
      const newest = messages[0]?.seq ?? 0;
      if (newest !== shown) {
        shown = newest;
        replace(
          list,
          messages.length
            ? messages.map((mail, i) => mailItem(mail, i === 0))
            : h("p", { class: "muted" }, "No mail yet."),
        );
      }
    } catch (error) {
      if (signal.aborted) return;
      replace(list, errorBox(error));
    }
    await pause(REFRESH_MS, signal);
  }
};

function mailItem(mail: CaughtMail, open: boolean): HTMLElement {
  return h(
    "details",
    { class: "mail", open },
    h(
      "summary",
      {},
      h("strong", {}, mail.subject || "(no subject)"),
      " to ",
      mail.to.join(", "),
      h("span", { class: "muted" }, ` · ${formatDate(new Date(mail.receivedAt))}`),
    ),
    h("p", { class: "muted" }, `From ${mail.from}`),
    // No allow-scripts: the mail's HTML is shown, never run; allow-popups lets its links open in a tab.
    // Served by the shop under a policy of its own (its inline styles only), not as srcdoc, which
    // would inherit the storefront's policy and lose the mail's styles.
    h("iframe", {
      class: "mail-html",
      title: mail.subject,
      sandbox: "allow-popups allow-popups-to-escape-sandbox",
      src: `/dev/mail/${mail.seq}.html`,
    }),
    h("pre", { class: "mail-text" }, mail.text),
  );
}
