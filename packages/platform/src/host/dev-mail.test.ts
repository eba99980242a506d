/**
 * The dev mail catcher of the embedded shop: what notifications sends in development is caught on a
 * loopback SMTP port and listed at /dev/mail/api; without a catcher (outside development) it is 404.
 */
import { randomUUID } from "node:crypto";
import { waitFor } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shopClients } from "../clients.ts";
import { type Shop, startShop } from "./start-shop.ts";

let shop: Shop;

beforeAll(async () => {
  shop = await startShop({ logLevel: "silent", mailCatcher: true });
}, 120_000);
afterAll(async () => {
  await shop?.close();
});

interface Listed {
  smtp: string;
  messages: { to: string[]; subject: string; text: string }[];
}

describe("the dev mail catcher", () => {
  it("lists the welcome email of a new account at /dev/mail/api, and /dev/mail leads to its page", async () => {
    const email = `mail-${randomUUID().slice(0, 8)}@example.com`;
    await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
    const listed = await waitFor(
      async () => {
        const answer = await fetch(`${shop.url}/dev/mail/api`);
        const body = (await answer.json()) as Listed;
        return body.messages.some((m) => m.to.includes(email)) && body;
      },
      { message: `the welcome email to ${email}` },
    );
    expect(listed.smtp).toBe(`${shop.mail?.host}:${shop.mail?.port}`);
    expect(listed.messages.find((m) => m.to.includes(email))?.subject).toMatch(/^Welcome to Shop/);
    const page = await fetch(`${shop.url}/dev/mail`, { redirect: "manual" });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/#/dev/mail");
  });

  // A second embedded shop starts here, which takes a while on a loaded machine.
  it("is not there without a catcher: 404 with a sentence", { timeout: 120_000 }, async () => {
    const plain = await startShop({ logLevel: "silent", mailCatcher: false });
    try {
      const answer = await fetch(`${plain.url}/dev/mail/api`);
      expect(answer.status).toBe(404);
      expect(await answer.text()).toBe("There is no mail catcher: it runs in development only.");
    } finally {
      await plain.close();
    }
  });
});
