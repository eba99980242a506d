/**
 * `GET /ops/metrics`: the Prometheus metrics of every function in one exposition, for admins (the
 * storefront's operations page). Embedded, the functions' registries are read in this process; in local
 * real mode each function process is asked for its /metrics. A function that does not answer is left
 * out and said so by `shop_ops_function_up{function} 0`, so the page can tell "down" from "quiet".
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RunningFunction, TokenVerifier } from "@shop/runtime";
import { admitAdmin } from "./admin-access.ts";
import { mergeExpositions } from "./merge-metrics.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The metrics of one function, as Prometheus text; rejects when the function cannot be read. */
export type MetricsSource = () => Promise<string>;

/** How long a function process has to answer /metrics before it counts as down for this request. */
const SCRAPE_TIMEOUT_MS = 2_000;

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** The sources of in-process functions: their registries. */
export function registrySources(functions: Record<string, RunningFunction>): Record<string, MetricsSource> {
  return Object.fromEntries(
    Object.entries(functions).map(([name, fn]) => [name, () => fn.metrics.registry.metrics()]),
  );
}

/** The sources of function processes: GET <url>/metrics. */
export function httpSources(urls: Record<string, string>): Record<string, MetricsSource> {
  return Object.fromEntries(
    Object.entries(urls).map(([name, url]) => [
      name,
      async () => {
        const answer = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
        if (!answer.ok) throw new Error(`${name} answered /metrics with ${answer.status}`);
        return answer.text();
      },
    ]),
  );
}

/** Every source's text merged, plus whether each function answered. */
export async function collectMetrics(sources: Record<string, MetricsSource>): Promise<string> {
  const names = Object.keys(sources);
  const read = await Promise.allSettled(names.map((name) => sources[name]!()));
  const up = [
    "# HELP shop_ops_function_up Whether the function answered /ops/metrics' request for its metrics",
    "# TYPE shop_ops_function_up gauge",
    ...names.map(
      (name, i) => `shop_ops_function_up{function="${name}"} ${read[i]!.status === "fulfilled" ? 1 : 0}`,
    ),
  ].join("\n");
  const texts = read.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  return mergeExpositions([...texts, up]);
}

/** Builds the handler of `GET /ops/metrics`, passing other requests to `next`. */
export function createOpsMetrics(
  sources: Record<string, MetricsSource>,
  verifier: TokenVerifier,
  next?: Handler,
): Handler {
  return (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/ops/metrics") {
      if (next) return next(req, res);
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("use GET");
      return;
    }
    void (async () => {
      if (!(await admitAdmin(verifier, req, res))) return;
      const text = await collectMetrics(sources);
      res.writeHead(200, { "content-type": CONTENT_TYPE, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : text);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("the metrics could not be collected");
    });
  };
}

/**
 * Answers 404 for any other `/ops/…` path instead of passing it to `next`: the storefront's fallback
 * would answer its index.html with 200, which a client of an operations API would take for an answer.
 */
export function opsNotFound(next?: Handler): Handler {
  return (req, res) => {
    if (!(req.url ?? "/").startsWith("/ops/") && next) return next(req, res);
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("This shop does not serve that.");
  };
}
