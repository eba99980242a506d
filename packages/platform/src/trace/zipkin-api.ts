/**
 * `/ops/zipkin/api/v2/*`: Zipkin's read API on the shop's port, for administrators (the storefront's
 * admin pages, `shop trace`). Embedded mode answers from the in-memory {@link SpanStore}; local real
 * mode with a Zipkin forwards the request to it, so both read the same shapes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TokenVerifier } from "@shop/runtime";
import { admitAdmin } from "../host/admin-access.ts";
import type { SpanStore } from "./span-store.ts";
import { answerFromStore } from "./store-api.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Where the read API lives on the shop's port: Zipkin's `/api/v2/…` under it. */
export const ZIPKIN_API_PATH = "/ops/zipkin/api/v2/";

/** Options of {@link createZipkinApi}: a store, or a Zipkin to forward to, or neither. */
export interface ZipkinApiOptions {
  verifier: TokenVerifier;
  /** Embedded mode: the traces of this process. */
  store?: SpanStore;
  /** Real mode: Zipkin's base URL (`http://127.0.0.1:9411`), asked instead of a store. */
  zipkinUrl?: string;
  /** Serves every other path. */
  next?: Handler;
}

/** Builds the handler of {@link ZIPKIN_API_PATH}, passing other requests to `next`. */
export function createZipkinApi(options: ZipkinApiOptions): Handler {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith(ZIPKIN_API_PATH)) {
      if (options.next) return options.next(req, res);
      return text(res, 404, "not found");
    }
    void answer(options, url, req, res).catch((error: unknown) => {
      if (!res.headersSent) text(res, 500, `the trace API failed: ${(error as Error).message}`);
      else res.destroy();
    });
  };
}

async function answer(options: ZipkinApiOptions, url: URL, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== "GET" && req.method !== "HEAD") return text(res, 405, "the trace API is read-only: GET");
  if (!(await admitAdmin(options.verifier, req, res))) return;
  const route = url.pathname.slice(ZIPKIN_API_PATH.length);
  if (options.zipkinUrl) return forward(options.zipkinUrl, route, url.search, res);
  if (!options.store) {
    return text(
      res,
      404,
      "this shop keeps no traces: its functions export them elsewhere (OTEL_* variables)",
    );
  }
  const answered = answerFromStore(options.store, route, url.searchParams);
  if (answered.status === 200) return json(res, answered.body);
  return text(res, answered.status, answered.message);
}

/** Asks Zipkin itself; its answer (status, JSON or error text) goes back as it came. */
async function forward(zipkinUrl: string, route: string, search: string, res: ServerResponse) {
  const target = `${zipkinUrl.replace(/\/$/, "")}/api/v2/${route}${search}`;
  let upstream: Response;
  try {
    upstream = await fetch(target, { headers: { accept: "application/json" } });
  } catch (error) {
    return text(res, 502, `Zipkin at ${zipkinUrl} did not answer: ${(error as Error).message}`);
  }
  const body = Buffer.from(await upstream.arrayBuffer());
  res.writeHead(upstream.status, {
    "content-type": upstream.headers.get("content-type") ?? "application/json",
    "cache-control": "no-store",
  });
  res.end(body);
}

/** Writes `value` as JSON (nothing for HEAD). */
function json(res: ServerResponse, value: unknown) {
  const body = JSON.stringify(value);
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

/** Writes a plain-text answer, as Zipkin answers errors. */
function text(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(`${message}\n`);
}
