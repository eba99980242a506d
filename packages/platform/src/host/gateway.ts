/**
 * One port for the whole shop on one machine: Connect services by their path (`/shop.<name>.v1.*`
 * goes to function `<name>`, as the cluster's HTTPRoutes do) and each function's CloudEvents endpoint
 * at `/functions/<name>/` (where the local runner delivers in embedded mode); identity's public keys at
 * `/.well-known/jwks.json`; catalog's product images at `/images/`.
 *
 * The gateway serves what `listenDual` accepts, HTTP/1.1 and h2c, and keeps the protocol on the way to
 * a function: an in-process function gets the request as it came (its handler serves both, as it does
 * on its own port); a function process (local real mode) is reached over HTTP/1.1 for an HTTP/1.1
 * request and over one HTTP/2 session per function (its port speaks h2c too) for an HTTP/2 one, frame
 * for frame: the answer's headers, its body as it streams, and its trailers (gRPC's `grpc-status` and
 * `grpc-message`), a trailers-only answer staying trailers-only.
 */
import { type IncomingMessage, request, type ServerResponse } from "node:http";
import {
  type ClientHttp2Session,
  connect,
  constants,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http2";

/** A function reached in-process (its request handler) or over HTTP (its base URL). */
export type Target = ((req: IncomingMessage, res: ServerResponse) => void) | string;

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/** The gateway's request handler, for node:http or `listenDual`. */
export interface Gateway {
  (req: Request, res: Response): void;
  /** Closes the HTTP/2 sessions to the function processes. */
  close(): void;
}

/** Builds the gateway's request handler. `fallback` serves anything else (the storefront). */
export function createGateway(
  targets: Record<string, Target>,
  fallback?: (req: IncomingMessage, res: ServerResponse) => void,
): Gateway {
  const sessions = new Map<string, ClientHttp2Session>();
  const gateway = ((req: Request, res: Response) => {
    const url = req.url ?? "/";
    const service = /^\/shop\.([a-z]+)\.v1\./.exec(url);
    const direct = /^\/functions\/([a-z]+)(\/.*)?$/.exec(url);
    // identity publishes the public keys of its tokens at the well-known path, as in the cluster.
    const keys = url.split("?")[0] === "/.well-known/jwks.json" ? "identity" : undefined;
    // catalog serves uploaded product images at /images/<sha256>, as the cluster's HTTPRoute does.
    const images = url.startsWith("/images/") ? "catalog" : undefined;
    const name = service?.[1] ?? direct?.[1] ?? keys ?? images;
    const target = name ? targets[name] : undefined;
    // Handlers written for node:http serve HTTP/2 through node's compatibility API as well.
    const [req1, res1] = [req as IncomingMessage, res as ServerResponse];
    if (!target) {
      if (fallback) return fallback(req1, res1);
      res1.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (direct) req.url = direct[2] ?? "/";
    if (typeof target !== "string") return target(req1, res1);
    if (req.httpVersionMajor === 2)
      proxy2(session(sessions, target), req as Http2ServerRequest, res as Http2ServerResponse);
    else proxy1(target, req1, res1);
  }) as Gateway;
  gateway.close = () => {
    for (const s of sessions.values()) s.close();
    sessions.clear();
  };
  return gateway;
}

function proxy1(base: string, req: IncomingMessage, res: ServerResponse) {
  const upstream = request(
    new URL(req.url ?? "/", base),
    { method: req.method, headers: withForwardedFor(req.headers, req.socket.remoteAddress) },
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

/** The HTTP/2 session to `base`, opened on first use and again after it closed. */
function session(sessions: Map<string, ClientHttp2Session>, base: string): ClientHttp2Session {
  const open = sessions.get(base);
  if (open && !open.closed && !open.destroyed) return open;
  const opened = connect(base);
  const forget = () => {
    if (sessions.get(base) === opened) sessions.delete(base);
  };
  // A failed connection fails its streams (answered 502 below); the session is opened anew next time.
  opened.on("error", forget);
  opened.on("goaway", forget);
  opened.on("close", forget);
  // Idle sessions must not keep the process alive; streams in flight keep their own sockets busy.
  opened.unref();
  sessions.set(base, opened);
  return opened;
}

/**
 * The headers with the client's address appended to X-Forwarded-For, as Envoy Gateway does in the
 * cluster: a function process sees the gateway as its peer, and counts this one hop
 * (`SHOP_TRUSTED_PROXY_HOPS=1`, set by `startFunctionProcesses`) to find the client.
 */
function withForwardedFor(headers: IncomingHttpHeaders, client: string | undefined): IncomingHttpHeaders {
  const before = [headers["x-forwarded-for"]].flat().filter(Boolean).join(", ");
  const address = client ?? "unknown";
  return { ...headers, "x-forwarded-for": before ? `${before}, ${address}` : address };
}

// Connection-specific headers, which HTTP/2 forbids, and what node sets itself.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "http2-settings",
  "host",
]);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(":") || HOP_BY_HOP.has(name) || value === undefined) continue;
    kept[name] = value;
  }
  return kept;
}

const {
  HTTP2_HEADER_STATUS,
  NGHTTP2_CANCEL,
  NGHTTP2_FLAG_END_STREAM,
  NGHTTP2_INTERNAL_ERROR,
  NGHTTP2_NO_ERROR,
} = constants;

function proxy2(upstreamSession: ClientHttp2Session, req: Http2ServerRequest, res: Http2ServerResponse) {
  const down = res.stream;
  const upstream = upstreamSession.request({
    ...endToEnd(withForwardedFor(req.headers, req.socket.remoteAddress)),
    ":method": req.method,
    ":path": req.url,
    ":authority": req.authority,
    ":scheme": "http",
  });
  upstream.on("response", (headers, flags) => {
    if (down.destroyed) return;
    const answer = { ...endToEnd(headers), [HTTP2_HEADER_STATUS]: headers[HTTP2_HEADER_STATUS] };
    // gRPC answers an early error with headers alone (trailers-only): so does the gateway.
    if (flags & NGHTTP2_FLAG_END_STREAM) return down.respond(answer, { endStream: true });
    // Node's compatibility response sends its trailers (`res.addTrailers`) once the body is out; with
    // none, it ends the stream with an empty DATA frame.
    down.respond(answer, { waitForTrailers: true });
    upstream.pipe(down);
  });
  upstream.on("trailers", (headers) => res.addTrailers(endToEnd(headers)));
  upstream.on("error", () => {
    if (down.destroyed) return;
    if (down.headersSent) return down.close(NGHTTP2_INTERNAL_ERROR);
    // A gRPC client reads the status from the headers; anyone else reads the HTTP status.
    if (String(req.headers["content-type"] ?? "").startsWith("application/grpc")) {
      const unavailable = { "grpc-status": "14", "grpc-message": "function unavailable" };
      down.respond(
        { [HTTP2_HEADER_STATUS]: 200, "content-type": "application/grpc", ...unavailable },
        { endStream: true },
      );
    } else {
      down.respond({ [HTTP2_HEADER_STATUS]: 502, "content-type": "text/plain" });
      down.end("function unavailable");
    }
  });
  // A function that resets its stream resets the client's; a client that goes away cancels the call.
  upstream.on("close", () => {
    if (!down.destroyed && upstream.rstCode && upstream.rstCode !== NGHTTP2_NO_ERROR)
      down.close(upstream.rstCode);
  });
  const cancel = () => {
    if (!upstream.closed && !upstream.readableEnded) upstream.close(NGHTTP2_CANCEL);
  };
  down.on("close", cancel);
  down.on("error", cancel);
  req.pipe(upstream);
}
