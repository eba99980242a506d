/**
 * Serves the generated API docs (docs/gen, made by `pnpm generate`) from the shop's port:
 * `/docs/openapi.json`, `/docs/events` (the catalogue as Markdown, or JSON when asked for) and
 * `/docs/events.json`; anything else goes to `next`.
 */
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { repoRoot } from "../paths.ts";

/** Where `buf generate` writes the docs. */
export const docsDir = join(repoRoot, "docs", "gen");

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const FILES: Record<string, [file: string, type: string]> = {
  "/docs/openapi.json": ["openapi.json", "application/json"],
  "/docs/events.json": ["events.json", "application/json"],
  "/docs/events.md": ["events.md", "text/markdown; charset=utf-8"],
  // Plain text, so a browser shows the Markdown instead of downloading it.
  "/docs/events": ["events.md", "text/plain; charset=utf-8"],
};

/** Builds the handler serving the docs of `dir`, passing other requests to `next` (else 404). */
export function createDocsHandler(next?: Handler, dir = docsDir): Handler {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    let entry = FILES[path];
    if (path === "/docs/events" && (req.headers.accept ?? "").startsWith("application/json")) {
      entry = FILES["/docs/events.json"];
    }
    if (!entry || (req.method !== "GET" && req.method !== "HEAD")) {
      if (next) return next(req, res);
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const [file, type] = entry;
    readFile(join(dir, file)).then(
      (body) => {
        res.writeHead(200, {
          "content-type": type,
          "content-length": body.byteLength,
          "access-control-allow-origin": "*",
        });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      () => {
        res
          .writeHead(404, { "content-type": "text/plain; charset=utf-8" })
          .end(`${file} is not generated yet: run \`pnpm generate\`.\n`);
      },
    );
  };
}
