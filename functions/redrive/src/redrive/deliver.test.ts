import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deliveryTokensFor } from "@shop/runtime";
import { describe, expect, it } from "vitest";
import { audienceOf, createDeliver } from "./deliver.ts";

describe("a redrive's delivery token", () => {
  it("is for the subscriber's audience, read from its address", () => {
    expect(audienceOf("http://orders.shop.svc.cluster.local")).toBe("shop/orders");
    expect(audienceOf("http://inventory.shop.svc/")).toBe("shop/inventory");
    expect(audienceOf("http://127.0.0.1:8080/functions/payments/")).toBe("shop/payments");
    expect(audienceOf("https://hooks.example/in")).toBeUndefined();
    expect(audienceOf("not a url")).toBeUndefined();
  });

  it("goes with the POST, from the folder of projected tokens (SHOP_SENDER_IDENTITY_DIR)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tokens-"));
    await mkdir(join(dir, "shop"));
    await writeFile(join(dir, "shop", "orders"), "token-for-orders\n");
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      res.writeHead(200).end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const deliver = createDeliver(5_000, deliveryTokensFor({ SHOP_SENDER_IDENTITY_DIR: dir }));
      const letter = {
        attributes: { id: "e1", source: "/s", type: "t", specversion: "1.0" },
        data: new Uint8Array(),
      };
      expect((await deliver({ ...letter, destination: `${base}/functions/orders/` })).status).toBe(200);
      expect((await deliver({ ...letter, destination: `${base}/functions/payments/` })).status).toBe(200);
      // orders has a token; payments has none in the folder, so none is sent (and the subscriber says 401).
      expect(seen).toEqual(["Bearer token-for-orders", undefined]);
      expect(await deliveryTokensFor({ SHOP_SENDER_IDENTITY_DIR: dir })("../../etc/passwd")).toBeUndefined();
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
