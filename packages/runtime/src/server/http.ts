/**
 * The one HTTP server of a function: CloudEvents at POST /, the Connect routes (Connect, gRPC,
 * gRPC-Web), /health/liveness, /health/readiness and /metrics.
 */
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { JWKS_HTTP_PATH, JWKS_MAX_AGE_SECONDS } from "../auth/jwks.ts";
import type { EventVerifier } from "../events/auth.ts";
import { fromHttp, MalformedEventError } from "../events/codec.ts";
import type { DispatchOutcome } from "../events/subscriptions.ts";
import { type Logger, withLogContext } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import { readBody } from "./body.ts";
import { answerGet, findGetRoute, type GetRoute } from "./get-routes.ts";
import { answerCors, CLIENT_ADDRESS_HEADER, clientAddress } from "./security.ts";

/** Largest CloudEvent body accepted; larger ones get 413. */
export const MAX_EVENT_BYTES = 1024 * 1024;

export interface RequestHandlerOptions {
  logger: Logger;
  metrics: Metrics;
  dispatch: (event: ReturnType<typeof fromHttp>) => Promise<DispatchOutcome>;
  /** The Connect adapter's handler; it answers 404 itself for unknown paths. */
  connect: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * The unary fast path (see `unary.ts`): true when it took the request (and answers it with the
   * request id header), false to leave it to `connect`.
   */
  unary?: (req: IncomingMessage, res: ServerResponse, requestId: string) => boolean;
  ready: () => Promise<boolean>;
  /** Browser origins allowed to call the Connect routes; none when empty or absent. */
  corsOrigins?: string[];
  /** Proxies in front that append to X-Forwarded-For (see `clientAddress`); 0 when absent. */
  trustedProxyHops?: number;
  /** Checks each delivery's OIDC token before anything else is read; absent: authentication is off. */
  eventVerifier?: EventVerifier;
  /** The public key set served at JWKS_HTTP_PATH (identity); that path is Connect's (404) when absent. */
  jwks?: () => Promise<string>;
  /** The function's plain GET routes (FunctionDefinition.getRoutes), answered before Connect. */
  getRoutes?: GetRoute[];
}

/** What a function answers to one CloudEvent delivery: the status and the body of the HTTP answer. */
export interface EventAnswer {
  status: number;
  body: string;
}

/** A request handler that also knows how many requests are in flight (for graceful shutdown). */
export interface FunctionRequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /**
   * Takes one CloudEvent delivery without HTTP: the headers and body of a `POST /` in binary or
   * structured mode, answered exactly as that request would be (the token check, the codec, the
   * dispatch, the status, the metrics), for a broker in the same process (the local runner's in-process
   * fast path). A body larger than MAX_EVENT_BYTES is answered 413.
   */
  receive(headers: Record<string, string>, body: Uint8Array): Promise<EventAnswer>;
  inFlight(): number;
  /** Resolves once no request is in flight. */
  idle(): Promise<void>;
}

/** Paths the server answers itself; everything else (but `POST /`) is for Connect. */
const ROUTES = new Set(["/health/liveness", "/health/readiness", "/metrics", JWKS_HTTP_PATH]);

/** Builds the request handler of a function. */
export function createRequestHandler(options: RequestHandlerOptions): FunctionRequestHandler {
  const { metrics } = options;
  let inFlight = 0;
  let waiters: (() => void)[] = [];

  // One labelled child per (route, code), so counting a request does not hash its labels again.
  const counted = new Map<string, { inc(): void }>();
  function done(route: string, code: number) {
    const key = `${route} ${code}`;
    let counter = counted.get(key);
    if (!counter) {
      counter = metrics.httpRequests.labels({ route, code: String(code) });
      counted.set(key, counter);
    }
    counter.inc();
    inFlight--;
    if (inFlight === 0) {
      for (const wake of waiters) wake();
      waiters = [];
    }
  }

  const handler = ((req, res) => {
    inFlight++;
    const requestId = headerValue(req, "x-request-id") ?? randomUUID();
    const path = (req.url ?? "/").split("?")[0];
    const getRoute = findGetRoute(options.getRoutes, req.method, path ?? "/");
    const rpc = !(path === "/" && req.method === "POST") && !ROUTES.has(path ?? "") && !getRoute;
    // The unary fast path writes it with its other headers: a header set before writeHead sends node
    // down its slower merging path.
    if (!rpc || !options.unary) res.setHeader("x-request-id", requestId);
    withLogContext({ requestId }, () => {
      if (path === "/" && req.method === "POST") {
        void receiveEvent(req, res, options).finally(() => done("event", res.statusCode));
      } else if (path === "/health/liveness") {
        reply(res, 200, "ok");
        done("health", 200);
      } else if (path === "/health/readiness") {
        void options
          .ready()
          .catch(() => false)
          .then((ok) => reply(res, ok ? 200 : 503, ok ? "ready" : "not ready"))
          .finally(() => done("health", res.statusCode));
      } else if (getRoute) {
        void answerGet(getRoute, path ?? "/", req.method ?? "GET", req.headers, res, options.logger).finally(
          () => done("get", res.statusCode),
        );
      } else if (path === JWKS_HTTP_PATH && options.jwks) {
        void answerJwks(res, options.jwks, options.logger).finally(() => done("jwks", res.statusCode));
      } else if (path === "/metrics") {
        void metrics.registry
          .metrics()
          .then(
            (text) => reply(res, 200, text, metrics.registry.contentType),
            (error: unknown) => {
              options.logger.error({ err: error }, "could not collect the metrics");
              reply(res, 500, "could not collect the metrics");
            },
          )
          .finally(() => done("metrics", res.statusCode));
      } else {
        res.once("close", () => done("rpc", res.statusCode));
        if (req.method === "OPTIONS") res.setHeader("x-request-id", requestId);
        if (answerCors(req, res, options.corsOrigins ?? [])) return;
        req.headers[CLIENT_ADDRESS_HEADER] = clientAddress(req, options.trustedProxyHops);
        if (options.unary?.(req, res, requestId)) return;
        if (!res.hasHeader("x-request-id")) res.setHeader("x-request-id", requestId);
        options.connect(req, res);
      }
    });
  }) as FunctionRequestHandler;
  handler.receive = (headers, body) => {
    inFlight++;
    const requestId = headers["x-request-id"] ?? randomUUID();
    return withLogContext({ requestId }, async () => {
      let status = 500;
      try {
        const answer =
          body.byteLength > MAX_EVENT_BYTES
            ? tooLarge()
            : await answerEvent(headers, async () => body, options);
        status = answer.status;
        return answer;
      } finally {
        done("event", status);
      }
    });
  };
  handler.inFlight = () => inFlight;
  handler.idle = () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)));
  return handler;
}

/** Answers a `POST /` over HTTP: reads the body only once the token is accepted. */
async function receiveEvent(req: IncomingMessage, res: ServerResponse, options: RequestHandlerOptions) {
  let read = false;
  const answer = await answerEvent(
    req.headers,
    () => {
      read = true;
      return readBody(req, MAX_EVENT_BYTES);
    },
    options,
  );
  // A refused sender's body is drained unread, so the connection stays usable.
  if (!read) req.resume();
  if (answer.status === 401) res.setHeader("www-authenticate", 'Bearer error="invalid_token"');
  reply(res, answer.status, answer.body);
}

function tooLarge(): EventAnswer {
  return { status: 413, body: `event larger than ${MAX_EVENT_BYTES} bytes` };
}

/**
 * One CloudEvent delivery, whatever carried it: the token first (a sender without one is answered
 * before its body is read or parsed), then the codec and the dispatch.
 */
async function answerEvent(
  headers: IncomingHttpHeaders,
  body: () => Promise<Uint8Array>,
  options: RequestHandlerOptions,
): Promise<EventAnswer> {
  const { logger, metrics } = options;
  const started = performance.now();
  const refused = await options.eventVerifier?.check(headers.authorization);
  if (refused) {
    logger.warn({ reason: refused }, "refused an unauthenticated event delivery");
    metrics.events.inc({ type: "unauthenticated", outcome: "rejected" });
    return { status: 401, body: refused };
  }
  let bytes: Uint8Array;
  try {
    bytes = await body();
  } catch {
    return tooLarge();
  }
  let event: ReturnType<typeof fromHttp>;
  try {
    event = fromHttp(headers, bytes);
  } catch (error) {
    logger.warn({ err: error }, "rejected a malformed CloudEvent");
    metrics.events.inc({ type: "malformed", outcome: "rejected" });
    return { status: 400, body: (error as Error).message };
  }
  return withLogContext({ eventId: event.id, eventType: event.type }, async () => {
    try {
      const outcome = await options.dispatch(event);
      metrics.events.inc({ type: event.type, outcome });
      metrics.eventSeconds.observe({ type: event.type }, (performance.now() - started) / 1000);
      if (outcome !== "ignored") logger.info({ outcome }, "event %s", outcome);
      return { status: outcome === "ignored" ? 202 : 200, body: outcome };
    } catch (error) {
      if (error instanceof MalformedEventError) {
        logger.warn({ err: error }, "rejected a malformed CloudEvent");
        metrics.events.inc({ type: event.type, outcome: "rejected" });
        return { status: 400, body: error.message };
      }
      logger.error({ err: error }, "event handler failed; the broker will redeliver");
      metrics.events.inc({ type: event.type, outcome: "failed" });
      return { status: 500, body: "handler failed" };
    }
  });
}

/** The public keys, cacheable by anyone for JWKS_MAX_AGE_SECONDS; 503 (not cached) while unreadable. */
async function answerJwks(res: ServerResponse, jwks: () => Promise<string>, logger: Logger) {
  try {
    const body = await jwks();
    res.writeHead(200, {
      "content-type": "application/jwk-set+json",
      "cache-control": `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
    });
    res.end(body);
  } catch (error) {
    logger.warn({ err: error }, "cannot serve the public keys");
    res.setHeader("cache-control", "no-store");
    reply(res, 503, "public keys unavailable");
  }
}

/**
 * What a function answers while it starts (its secrets not loaded yet): alive, not ready, and 503 with
 * Retry-After to anything else.
 */
export function startingHandler(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? "/").split("?")[0];
  req.resume(); // a body is not read, but drained, so the connection stays usable
  if (path === "/health/liveness") {
    reply(res, 200, "ok");
    return;
  }
  res.setHeader("retry-after", "5");
  reply(res, 503, path === "/health/readiness" ? "not ready: starting" : "starting, try again shortly");
}

function reply(res: ServerResponse, code: number, body: string, contentType = "text/plain; charset=utf-8") {
  if (res.headersSent) return;
  res.writeHead(code, { "content-type": contentType });
  res.end(body);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
