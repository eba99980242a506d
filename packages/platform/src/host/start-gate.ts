/**
 * The shop's door while it starts. The port listens at once, but until the shop is ready (its demo
 * data complete) a request waits and is answered once it is, so the first answer anyone gets is a
 * whole one (never an empty catalog). Passing meanwhile: what the start itself sends (under a
 * one-time path, see {@link StartGate.startUrl}), the broker's deliveries to `/functions/<name>/`
 * (seeding emits events), and `/health/*`, which the gate answers: `/health/readiness` is 503 with
 * `Retry-After` until the shop is ready, 200 after; `/health/liveness` is always 200.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;
type Handler = (req: Request, res: Response) => void;

/** The door of a starting shop. */
export interface StartGate {
  /** `handler` behind the gate. */
  wrap(handler: Handler): Handler;
  /** A base URL of the shop (`url` is its public one) whose requests pass while it starts. */
  startUrl(url: string): string;
  /** The shop is ready: the requests waiting are served, and every later one at once. */
  open(): void;
  /** The start failed: the requests waiting are answered 503. */
  fail(): void;
}

const HEALTH = /^\/health\/(liveness|readiness)\/?(\?.*)?$/;

/** Creates a closed gate. */
export function createStartGate(): StartGate {
  const prefix = `/.start/${randomBytes(16).toString("hex")}`;
  let state: "starting" | "open" | "failed" = "starting";
  const waiting: (() => void)[] = [];

  function answer(res: Response, status: number, body: string, headers: Record<string, string> = {}) {
    (res as ServerResponse)
      .writeHead(status, {
        "content-type": "text/plain; charset=utf-8",
        "cache-control": "no-store",
        ...headers,
      })
      .end(body);
  }

  return {
    wrap(handler) {
      return (req, res) => {
        const url = req.url ?? "/";
        const health = HEALTH.exec(url);
        if (health) {
          if (health[1] === "liveness" || state === "open") return answer(res, 200, "ok\n");
          if (state === "failed") return answer(res, 503, "the shop could not start\n");
          return answer(res, 503, "starting: the demo data is being seeded\n", { "retry-after": "1" });
        }
        if (state === "open") return handler(req, res);
        if (state === "starting" && (url === prefix || url.startsWith(`${prefix}/`))) {
          req.url = url.slice(prefix.length) || "/";
          return handler(req, res);
        }
        if (url.startsWith("/functions/")) return handler(req, res);
        if (state === "failed") return answer(res, 503, "The shop could not start: see its console.\n");
        waiting.push(() =>
          state === "open"
            ? handler(req, res)
            : answer(res, 503, "The shop could not start: see its console.\n"),
        );
      };
    },
    startUrl(url) {
      return `${url}${prefix}`;
    },
    open() {
      if (state !== "starting") return;
      state = "open";
      for (const serve of waiting.splice(0)) serve();
    },
    fail() {
      if (state !== "starting") return;
      state = "failed";
      for (const serve of waiting.splice(0)) serve();
    },
  };
}
