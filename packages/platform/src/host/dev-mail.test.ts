/**
 * The dev mail catcher of the embedded shop: what notifications sends in development is caught on a
 * loopback SMTP port and listed at /dev/mail/api; without a catcher (outside development) it is 404.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { waitFor } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shopClients } from "../clients.ts";
import { createDevMailRoute } from "./dev-mail.ts";
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
  messages: { seq: number; to: string[]; subject: string; text: string; html: string }[];
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
    const welcome = listed.messages.find((m) => m.to.includes(email));
    expect(welcome?.subject).toMatch(/^Welcome to Shop/);
    // Its HTML on its own, under a policy that lets its inline styles apply and nothing else run.
    const framed = await fetch(`${shop.url}/dev/mail/${welcome?.seq}.html`);
    expect(framed.status).toBe(200);
    expect(framed.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox allow-popups allow-popups-to-escape-sandbox",
    );
    expect(await framed.text()).toContain(welcome?.html.slice(0, 40));
    const page = await fetch(`${shop.url}/dev/mail`, { redirect: "manual" });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/#/dev/mail");
  });

  it("is not there without a catcher: 404 with a sentence", async () => {
    // The route as a shop outside development serves it: no catcher handed over.
    const server = createServer(createDevMailRoute(undefined));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of ["/dev/mail/api", "/dev/mail", "/dev/mail/1.html"]) {
        const answer = await fetch(`http://127.0.0.1:${port}${path}`, { redirect: "manual" });
        expect(answer.status, path).toBe(404);
        expect(await answer.text(), path).toBe("There is no mail catcher: it runs in development only.");
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
