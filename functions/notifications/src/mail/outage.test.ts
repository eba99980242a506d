import { waitFor } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  type Notifications,
  startNotifications,
  storedEmails,
  userRegistered,
} from "../test-support.ts";
import { type MailCatcher, startMailCatcher } from "./catcher.ts";

let fn: Notifications;
let catcher: MailCatcher | undefined;
let port: number;

beforeAll(async () => {
  port = await freePort();
  // Nothing listens on the SMTP port yet: the mail server is down.
  fn = await startNotifications({ host: "127.0.0.1", port });
});
afterAll(async () => {
  await fn.close();
  await catcher?.close();
});

describe("an SMTP server that is down", () => {
  it("keeps the email pending, and the tick's sweep sends it once the server is back", async () => {
    await fn.receive(await userRegistered("u-outage", "ada@example.com", "tok-outage"));
    const [pending] = await waitFor(async () => {
      const rows = await storedEmails(fn, "u-outage");
      return (rows[0]?.attempts ?? 0) >= 1 && rows;
    });
    expect(pending).toMatchObject({ state: "pending", sentAt: null });
    expect(pending?.lastError).toMatch(/ECONNREFUSED/);

    catcher = await startMailCatcher({ port });
    const started = catcher;
    await waitFor(
      async () => {
        await fn.tick();
        return started.messages().length > 0;
      },
      { message: "the email to be sent once the server is back" },
    );
    expect(started.messages().map((m) => m.text.includes("#/verify?token=tok-outage"))).toEqual([true]);
    expect((await storedEmails(fn, "u-outage"))[0]).toMatchObject({ state: "sent" });
  });
});
