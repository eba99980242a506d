/**
 * Recording sent emails as one group on real Postgres: one statement for all of them, each email
 * with its own attempts and time, and no other email touched.
 */
import { createTestDatabase } from "@shop/runtime/testing";
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { emails } from "../db/schema.ts";
import { type Notifications, startNotifications } from "../test-support.ts";
import { claimDueEmails } from "./claim-due-emails.ts";
import { oweEmail } from "./owe-email.ts";
import { recordSent } from "./record-attempt.ts";

describe("recordSent on Postgres", () => {
  let fn: Notifications;
  beforeAll(async () => {
    const url = await createTestDatabase(inject("databaseUrl"));
    // Nobody listens on port 9: no email of this test is due for the mailer's own rounds anyway.
    fn = await startNotifications(
      { host: "127.0.0.1", port: 9 },
      { config: { database: { kind: "postgres", url } } },
    );
  });
  afterAll(() => fn?.close());

  it("marks each email of the group sent, with its own attempts and time", async () => {
    // Due tomorrow, so the mailer's own rounds (due now) leave them to this test.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const eventIds = ["sent-0", "sent-1", "sent-2", "still-owed"];
    for (const eventId of eventIds) {
      await oweEmail(
        { db: fn.app.db, emit: async () => {}, emitAll: async () => {}, afterCommit: () => {} },
        {
          eventSource: "/functions/identity",
          eventId,
          kind: "password-changed",
          userId: `u-${eventId}`,
          recipient: `${eventId}@example.com`,
          data: {},
          now: tomorrow,
        },
      );
    }
    const at = new Date(tomorrow.getTime() + 1_000);
    const claimed = await claimDueEmails({ db: fn.app.db }, { now: at, limit: 10, leaseMs: 60_000 });
    expect(claimed).toHaveLength(4);
    const sent = claimed
      .filter((email) => email.eventId !== "still-owed")
      .map((email, i) => ({ id: email.id, attempts: i + 1, sentAt: new Date(at.getTime() + i * 1_000) }));
    await recordSent({ db: fn.app.db }, sent);

    const rows = await fn.app.db
      .select()
      .from(emails)
      .where(
        inArray(
          emails.id,
          claimed.map((email) => email.id),
        ),
      );
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const email of sent) {
      expect(byId.get(email.id)).toMatchObject({
        state: "sent",
        attempts: email.attempts,
        sentAt: email.sentAt,
        nextAttemptAt: null,
        lastError: null,
      });
    }
    const owed = claimed.find((email) => email.eventId === "still-owed")!;
    expect(byId.get(owed.id)).toMatchObject({ state: "pending", attempts: 0, sentAt: null });
  });
});
