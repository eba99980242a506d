/**
 * `GET /metrics` on the shop's port: the runner's metrics (consumer lag and redeliveries per Trigger),
 * as the broker's own metrics endpoint is in the cluster. Each function's are at
 * `/functions/<name>/metrics`, through the gateway.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Serves `registry()` at GET /metrics (503 until there is one), passing other requests to `next`. */
export function createRunnerMetricsRoute(registry: () => Registry | undefined, next?: Handler): Handler {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics" || req.method !== "GET") {
      if (next) return next(req, res);
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const served = registry();
    if (!served) {
      res.writeHead(503, { "content-type": "text/plain", "retry-after": "1" }).end("the runner is starting");
      return;
    }
    served.metrics().then(
      (text) => res.writeHead(200, { "content-type": served.contentType }).end(text),
      (error: unknown) =>
        res.writeHead(500, { "content-type": "text/plain" }).end(`could not collect: ${String(error)}`),
    );
  };
}
