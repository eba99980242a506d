/**
 * Dead letters in the back office (`#/admin/dead-letters?type=…`): the events a subscriber could not
 * take, with why and how long ago, each one inspectable (`#/admin/dead-letters/:id`) and redriven by
 * hand — one, or every letter of one event type.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { type DeadLetter, DeadLetterKind, DeadLetterState } from "@shop/schemas/redrive/v1/redrive";
import { api } from "../api.ts";
import { h, replace } from "../dom.ts";
import { navigate, type Page } from "../router.ts";
import { errorBox, flash, formatDate, loading } from "../ui.ts";
import { eventName } from "./order.ts";
import { adminShell, cell, table } from "./shell.ts";
import { ageText } from "./words.ts";

/** An enum value's name in words (`DEAD_LETTER_STATE_WAITING` → "waiting"). */
const words = (name: string | undefined) => (name ?? "unknown").toLowerCase();

/** The dead-letter list of the back office. */
export const adminDeadLettersPage: Page = async (main, { query, signal }) => {
  if (!adminShell(main, "/admin/dead-letters", "Dead letters")) return;
  const type = query.get("type") ?? "";
  const list = h("div", {}, loading());
  const problem = h("div");
  main.append(
    type
      ? h(
          "p",
          {},
          `Letters of ${eventName(type)} only · `,
          h("a", { href: "#/admin/dead-letters" }, "all letters"),
        )
      : h(
          "p",
          { class: "muted small" },
          "Newest first. Transient letters are redriven on a schedule; malformed ones wait for you.",
        ),
    problem,
    list,
  );
  try {
    const letters: DeadLetter[] = [];
    let pageToken = "";
    do {
      const page = await api.deadLetters.listDeadLetters(
        { eventType: type, pageSize: 100, pageToken },
        { signal },
      );
      letters.push(...page.letters);
      pageToken = page.nextPageToken;
    } while (pageToken && letters.length < 500);
    replace(
      list,
      letters.length === 0
        ? h("p", { class: "muted" }, "No dead letters.")
        : table(
            ["Event", "Kind", "State", "Reason", "Age", "Tries", ""],
            letters.map((letter) => letterRow(letter, problem)),
          ),
    );
  } catch (error) {
    if (!signal.aborted) replace(list, errorBox(error));
  }
};

function letterRow(letter: DeadLetter, problem: HTMLElement): HTMLElement {
  const all = h(
    "button",
    {
      type: "button",
      class: "secondary",
      "aria-label": `Redrive every ${eventName(letter.eventType)}`,
      onclick: async () => {
        all.disabled = true;
        try {
          const done = await api.deadLetters.redriveDeadLetters({ eventType: letter.eventType });
          flash(
            `${eventName(letter.eventType)}: ${done.attempted} tried, ${done.redriven} redriven, ${done.failed} still failing.`,
          );
          navigate(`/admin/dead-letters?type=${encodeURIComponent(letter.eventType)}&at=${Date.now()}`);
        } catch (error) {
          replace(problem, errorBox(error));
          all.disabled = false;
        }
      },
    },
    "Redrive all of this type",
  );
  return h(
    "tr",
    { "data-letter": letter.id, "data-state": words(DeadLetterState[letter.state]) },
    cell(
      h("a", { href: `#/admin/dead-letters/${encodeURIComponent(letter.id)}` }, eventName(letter.eventType)),
    ),
    cell(words(DeadLetterKind[letter.kind])),
    h("td", { "data-testid": "state" }, words(DeadLetterState[letter.state])),
    cell(letter.reason),
    cell(ageText(Number(letter.ageSeconds))),
    cell(String(letter.attempts)),
    cell(letter.state !== DeadLetterState.REDRIVEN && all),
  );
}

/** One dead letter: its event's attributes and data, and a button that redrives it now. */
export const adminDeadLetterPage: Page = async (main, { params, signal }) => {
  const id = params.id ?? "";
  if (!adminShell(main, `/admin/dead-letters/${encodeURIComponent(id)}`, "Dead letter")) return;
  const area = h("div", {}, loading());
  main.append(area);
  const show = async () => {
    try {
      const { letter, attributes, dataJson, data } = await api.deadLetters.getDeadLetter({ id }, { signal });
      if (!letter) return;
      const problem = h("div");
      const redrive = h(
        "button",
        {
          type: "button",
          onclick: async () => {
            redrive.disabled = true;
            try {
              const answer = await api.deadLetters.redriveDeadLetter({ id });
              const state = words(DeadLetterState[answer.letter?.state ?? DeadLetterState.UNSPECIFIED]);
              flash(
                answer.redrivenNow
                  ? `Redriven: the letter is ${state}.`
                  : `Nothing to do: the letter is ${state}.`,
              );
              await show();
            } catch (error) {
              replace(problem, errorBox(error));
              redrive.disabled = false;
            }
          },
        },
        "Redrive now",
      );
      replace(
        area,
        h(
          "section",
          { class: "panel stack", "data-letter": letter.id },
          h(
            "dl",
            { class: "facts" },
            h("dt", {}, "Event"),
            h("dd", { class: "mono" }, letter.eventType),
            h("dt", {}, "Subscriber"),
            h("dd", { class: "mono" }, letter.destination || "none named"),
            h("dt", {}, "Kind"),
            h("dd", {}, words(DeadLetterKind[letter.kind])),
            h("dt", {}, "State"),
            h("dd", { "data-testid": "letter-state" }, words(DeadLetterState[letter.state])),
            h("dt", {}, "Why"),
            h("dd", {}, letter.reason),
            h("dt", {}, "Last redrive"),
            h("dd", {}, letter.lastError || "–"),
            h("dt", {}, "Arrived"),
            h(
              "dd",
              {},
              letter.receivedAt
                ? `${formatDate(timestampDate(letter.receivedAt))} (${ageText(Number(letter.ageSeconds))} ago)`
                : "–",
            ),
          ),
          h("h2", {}, "Attributes"),
          h("pre", { class: "code" }, JSON.stringify(attributes, null, 2)),
          h("h2", {}, "Data"),
          h(
            "pre",
            { class: "code", "data-testid": "letter-data" },
            dataJson || `${data.length} bytes (not a Shop event)`,
          ),
          problem,
          letter.state !== DeadLetterState.REDRIVEN && redrive,
        ),
      );
    } catch (error) {
      if (!signal.aborted) replace(area, errorBox(error));
    }
  };
  await show();
};
