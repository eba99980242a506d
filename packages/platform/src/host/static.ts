/**
 * Serves a built single-page app (the storefront's `web/dist`) from a folder: GET and HEAD only,
 * never outside the folder, with content types, caching fit for Vite's hashed assets, ETags, and
 * security headers on every answer.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
};

/**
 * The headers of every answer. Scripts, styles and API calls come from this origin only; product
 * pictures may come from any https host (a catalog's images usually live on a CDN); no page may
 * frame the shop.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": [
    "default-src 'self'",
    "img-src 'self' data: https:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

/** Options of {@link createStaticHandler}. */
export interface StaticOptions {
  /** Served for `/` and for paths without a file extension that name no file (client-side routes). */
  index?: string;
  /** Files under this path prefix have content hashes in their names and are cached for a year. */
  immutablePrefix?: string;
  /**
   * Path prefix → seconds: files under it (pictures) may be reused that long without asking, then
   * are asked for again with their ETag. Anything else is `no-cache` (asked for every time).
   */
  maxAge?: Record<string, number>;
}

/** Builds a request handler serving the files under `root`. */
export function createStaticHandler(
  root: string,
  options: StaticOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const base = resolve(root);
  const index = options.index ?? "index.html";
  const immutable = options.immutablePrefix ?? "/assets/";
  const maxAge = Object.entries(options.maxAge ?? {});
  const caching = (pathname: string) => {
    if (pathname.startsWith(immutable)) return "public, max-age=31536000, immutable";
    const seconds = maxAge.find(([prefix]) => pathname.startsWith(prefix))?.[1];
    return seconds === undefined ? "no-cache" : `public, max-age=${seconds}`;
  };
  return (req, res) => {
    void serve(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, "The file could not be read.");
      else res.destroy();
    });
  };

  async function serve(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return send(res, 405, "Only GET and HEAD are served here.");
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://local").pathname);
    } catch {
      return send(res, 400, "The path is not valid.");
    }
    if (pathname.includes("\0")) return send(res, 400, "The path is not valid.");
    let file = resolve(base, `.${pathname}`);
    if (file !== base && !file.startsWith(base + sep)) return send(res, 404, "Not found.");
    let info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) {
      file = join(file, index);
      info = await stat(file).catch(() => undefined);
    } else if (!info && extname(pathname) === "") {
      file = join(base, index);
      info = await stat(file).catch(() => undefined);
    }
    if (!info?.isFile()) return send(res, 404, "Not found.");

    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const headers: Record<string, string | number> = {
      ...SECURITY_HEADERS,
      "content-type": CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
      "cache-control": caching(pathname),
      etag,
      "last-modified": info.mtime.toUTCString(),
    };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, "content-length": info.size });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    await new Promise<void>((done, fail) => {
      createReadStream(file).on("error", fail).on("end", done).pipe(res);
    });
  }
}

function send(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" }).end(message);
}
