/**
 * The storefront as `shop start` serves it: `web/dist`, built by Vite when it is missing or older
 * than its sources, so a fresh clone's first start serves it without a separate build step.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { repoRoot } from "../paths.ts";
import { createStaticHandler, SECURITY_HEADERS } from "./static.ts";

/** The storefront's package folder. */
export const webDir = join(repoRoot, "web");
/** Where Vite writes the built storefront. */
export const webDist = join(webDir, "dist");

// What the built storefront is made of: its sources and the generated clients it bundles.
const SOURCES = ["src", "public", "index.html", "vite.config.ts", "package.json"].map((p) => join(webDir, p));
const GENERATED = join(repoRoot, "schemas", "gen");

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/** Whether `web/dist` is missing or older than anything it is built from. */
export async function storefrontStale(): Promise<boolean> {
  const built = await stat(join(webDist, "index.html")).catch(() => undefined);
  if (!built) return true;
  const sources = await Promise.all([...SOURCES, GENERATED].map(newestMtime));
  return Math.max(...sources) > built.mtimeMs;
}

/** Builds the storefront with Vite (about two seconds); rejects with Vite's output if it fails. */
export function buildStorefront(): Promise<void> {
  const vite = join(webDir, "node_modules", "vite", "bin", "vite.js");
  if (!existsSync(vite)) {
    return Promise.reject(new Error("Vite is not installed in web/: run `pnpm install` first."));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, "build", "--logLevel", "warn"], {
      cwd: webDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${output}`)),
    );
  });
}

/** Builds the storefront if it is stale; resolves once `web/dist` is current. */
export async function ensureStorefront(): Promise<void> {
  if (await storefrontStale()) await buildStorefront();
}

/**
 * The gateway fallback serving the storefront. The build (when needed) starts at once and runs
 * while the functions start; requests wait for it. A failed build is reported once on stderr and
 * answered with 503.
 */
export function storefront(): (req: IncomingMessage, res: ServerResponse) => void {
  // The demo catalog's pictures (web/public/demo/) change only with the storefront's sources.
  const serve = createStaticHandler(webDist, { maxAge: { "/demo/": 86_400 } });
  const ready = ensureStorefront().then(
    () => undefined,
    (error: unknown) => {
      console.error(`The storefront could not be built: ${(error as Error).message}`);
      return error as Error;
    },
  );
  return (req, res) => {
    void ready.then((failure) => {
      if (!failure) return serve(req, res);
      res
        .writeHead(503, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" })
        .end("The storefront could not be built: see the shop's console.");
    });
  };
}
