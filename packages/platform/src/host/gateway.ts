/**
 * One port for the whole shop on one machine: Connect services by their path (`/shop.<name>.v1.*`
 * goes to function `<name>`, as the cluster's HTTPRoutes do) and each function's CloudEvents endpoint
 * at `/functions/<name>/` (where the local runner delivers in embedded mode).
 */
import { type IncomingMessage, request, type ServerResponse } from "node:http";

/** A function reached in-process (its request handler) or over HTTP (its base URL). */
export type Target = ((req: IncomingMessage, res: ServerResponse) => void) | string;

/** Builds the gateway's request handler. `fallback` serves anything else (the storefront). */
export function createGateway(
  targets: Record<string, Target>,
  fallback?: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? "/";
    const service = /^\/shop\.([a-z]+)\.v1\./.exec(url);
    const direct = /^\/functions\/([a-z]+)(\/.*)?$/.exec(url);
    const name = service?.[1] ?? direct?.[1];
    const target = name ? targets[name] : undefined;
    if (!target) {
      if (fallback) return fallback(req, res);
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (direct) req.url = direct[2] ?? "/";
    if (typeof target !== "string") return target(req, res);
    proxy(target, req, res);
  };
}

function proxy(base: string, req: IncomingMessage, res: ServerResponse) {
  const upstream = request(
    new URL(req.url ?? "/", base),
    { method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
    res.end("function unavailable");
  });
  req.pipe(upstream);
}
