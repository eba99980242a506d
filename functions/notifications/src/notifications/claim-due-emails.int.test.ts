/**
 * Taking due emails on real Postgres, as replicas do at once: each claim is one statement (no
 * transaction around it), and SKIP LOCKED shares the emails out, none taken twice.
 */
import { createTestDatabase } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Notifications, startNotifications } from "../test-support.ts";
import { claimDueEmails } from "./claim-due-emails.ts";
import { oweEmail } from "./owe-email.ts";

describe("claimDueEmails on Postgres, four claims side by side", () => {
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

  it("gives each due email to one claim only, and leases it", async () => {
    // Due tomorrow, so the mailer's own rounds (due now) leave them to this test.
    const tomorrow = new Date(Date.now() + 86_400_000);
    for (let i = 0; i < 40; i++) {
      await oweEmail(
        { db: fn.app.db, emit: async () => {}, emitAll: async () => {}, afterCommit: () => {} },
        {
          eventSource: "/functions/identity",
          eventId: `claim-${i}`,
          kind: "password-changed",
          userId: `u-${i}`,
          recipient: `u-${i}@example.com`,
          data: {},
          now: tomorrow,
        },
      );
    }
    const at = new Date(tomorrow.getTime() + 1_000);
    const claims = await Promise.all(
      [1, 2, 3, 4].map(() => claimDueEmails({ db: fn.app.db }, { now: at, limit: 15, leaseMs: 60_000 })),
    );
    const ids = claims.flatMap((claim) => claim.map((email) => email.eventId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `claim-${i}`).sort());
    expect(claims.every((claim) => claim.length <= 15)).toBe(true);
    // Leased: until the lease is over, nobody takes them again.
    expect(await claimDueEmails({ db: fn.app.db }, { now: at, limit: 15, leaseMs: 60_000 })).toEqual([]);
  });
});
