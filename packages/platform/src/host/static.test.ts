import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaticHandler } from "./static.ts";

let root: string;
let server: Server;
let base: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "static-"));
  await mkdir(join(root, "assets"));
  await writeFile(join(root, "index.html"), "<!doctype html><title>Shop</title>");
  await writeFile(join(root, "assets", "app-1a2b.js"), "console.log(1)");
  await writeFile(join(root, "favicon.svg"), "<svg/>");
  await mkdir(join(root, "demo", "products"), { recursive: true });
  await writeFile(join(root, "demo", "products", "mug.svg"), "<svg/>");
  await writeFile(join(root, "..", "secret.txt"), "do not serve");
  server = createServer(createStaticHandler(root, { maxAge: { "/demo/": 86_400 } }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
  await rm(join(root, "..", "secret.txt"), { force: true });
});

describe("the static file handler", () => {
  it("serves index.html at / with the security headers and no caching", async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("content-security-policy")).toMatch(
      /default-src 'self'.*frame-ancestors 'none'/,
    );
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(await response.text()).toContain("<title>Shop</title>");
  });

  it("serves hashed assets with their content type, cached for a year", async () => {
    const response = await fetch(`${base}/assets/app-1a2b.js`);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await fetch(`${base}/favicon.svg`)).headers.get("content-type")).toBe("image/svg+xml");
  });

  it("serves pictures under a maxAge prefix cached for that long, with their ETag", async () => {
    const response = await fetch(`${base}/demo/products/mug.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/svg+xml");
    expect(response.headers.get("cache-control")).toBe("public, max-age=86400");
    expect(response.headers.get("etag")).toMatch(/^W\/"/);
    expect((await fetch(`${base}/favicon.svg`)).headers.get("cache-control")).toBe("no-cache");
  });

  it("answers a repeated request with 304 when the file is unchanged", async () => {
    const first = await fetch(`${base}/favicon.svg`);
    const again = await fetch(`${base}/favicon.svg`, {
      headers: { "if-none-match": first.headers.get("etag")! },
    });
    expect(again.status).toBe(304);
  });

  it("serves index.html for client routes, and 404 for missing files", async () => {
    expect(await (await fetch(`${base}/orders`)).text()).toContain("<title>Shop</title>");
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it("never serves a file outside its folder", async () => {
    for (const path of ["/%2e%2e/secret.txt", "/..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt"]) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain("do not serve");
    }
  });

  it("refuses methods other than GET and HEAD", async () => {
    const response = await fetch(`${base}/`, { method: "POST", body: "x" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect((await fetch(`${base}/`, { method: "HEAD" })).status).toBe(200);
  });
});
