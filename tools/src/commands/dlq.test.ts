import type { LogRecord } from "@shop/runtime";
import { describe, expect, it } from "vitest";
import { viewDeadLetter } from "./dead-letters.ts";
import { formatTable } from "./dlq.ts";
import { ageOf, type LetterState, stateKey } from "./dlq-state.ts";

const now = new Date("2026-12-01T12:00:00Z");
const to = "http://127.0.0.1:8080/functions/inventory/";

/** A dead-letter record as the broker writes it: the event's headers and Knative's error headers. */
function letter(
  id: string,
  code: string | undefined,
  reason: string,
  more: Record<string, string> = {},
): LogRecord {
  return {
    topic: "shop.events.dlq",
    partition: 0,
    offset: id.replace(/\D/g, "") || "0",
    key: "o-1",
    value: new Uint8Array(),
    headers: {
      ce_specversion: "1.0",
      ce_id: id,
      ce_source: "/functions/promotions",
      ce_type: "shop.promotions.v1.OrderPriced",
      ce_time: "2026-12-01T11:58:00Z",
      "content-type": "application/protobuf",
      ...(code ? { ce_knativeerrorcode: code } : {}),
      ce_knativeerrordata: Buffer.from(reason).toString("base64"),
      ce_knativeerrordest: to,
      ...more,
    },
  };
}

describe("shop dlq list", () => {
  it("tells transient letters from malformed ones, with their state where redrive's is unknown", () => {
    const transient = viewDeadLetter(letter("e-1", "500", "handler failed"), false, undefined, now);
    expect(transient).toMatchObject({
      kind: "transient",
      state: "waiting for redrive",
      explanation: "the subscriber answered 500: handler failed",
      age: "2m",
    });
    expect(
      viewDeadLetter(letter("e-2", undefined, "connect ECONNREFUSED"), false, undefined, now),
    ).toMatchObject({
      kind: "transient",
      explanation: "the subscriber did not answer: connect ECONNREFUSED",
    });
    expect(viewDeadLetter(letter("e-3", "400", "bad data"), false, undefined, now)).toMatchObject({
      kind: "malformed",
      state: "dead",
      explanation: "the subscriber refused it with 400: bad data",
    });
    const notEvent = letter("x", "", "not a CloudEvent 1.0: ce_specversion is missing");
    delete notEvent.headers.ce_specversion;
    delete notEvent.headers.ce_id;
    expect(viewDeadLetter(notEvent, false, undefined, now)).toMatchObject({
      kind: "malformed",
      state: "dead",
    });
  });

  it("shows redrive's state, tries and next time where it can read them, and the age since it got the letter", () => {
    const states = new Map<string, LetterState>([
      [
        stateKey("e-1", to),
        {
          state: "waiting",
          attempts: 2,
          receivedAt: new Date("2026-12-01T11:00:00Z"),
          nextAttemptAt: new Date("2026-12-01T12:01:00Z"),
          lastError: "redrive 2: the subscriber answered 503: busy",
        },
      ],
      [stateKey("e-2", to), { state: "redriven", attempts: 1, receivedAt: new Date("2026-12-01T11:59:30Z") }],
      [
        stateKey("e-3", to),
        { state: "exhausted", attempts: 12, receivedAt: new Date("2026-11-30T12:00:00Z") },
      ],
    ]);
    const rows = ["e-1", "e-2", "e-3"].map((id) =>
      viewDeadLetter(letter(id, "500", "handler failed"), false, states, now),
    );
    expect(rows.map((r) => [r.state, r.age])).toEqual([
      ["waiting for redrive", "60m"],
      ["redriven", "30s"],
      ["exhausted", "24h"],
    ]);
    const table = formatTable(rows).split("\n");
    expect(table[0]).toMatch(/^ID\s+TYPE\s+DESTINATION\s+CODE\s+AT\s+KIND\s+STATE\s+AGE\s+REASON$/);
    expect(table[1]).toContain("transient  waiting for redrive (2 tried, next 12:01:00Z)  60m");
    expect(table[1]).toContain(
      "the subscriber answered 500: handler failed; redrive 2: the subscriber answered 503: busy",
    );
    expect(table[3]).toMatch(/exhausted \(12 tried\)\s+24h/);
    // Redriven by hand, whatever redrive says.
    expect(viewDeadLetter(letter("e-1", "500", "x"), true, states, now).state).toBe(
      "redriven (shop dlq redrive)",
    );
  });

  it("says ages as people do", () => {
    const ago = (s: number) => ageOf(new Date(now.getTime() - s * 1000), now);
    expect([ago(5), ago(119), ago(600), ago(7200), ago(3 * 86400)]).toEqual([
      "5s",
      "119s",
      "10m",
      "2h",
      "3d",
    ]);
    expect(ageOf(undefined, now)).toBe("-");
  });
});
