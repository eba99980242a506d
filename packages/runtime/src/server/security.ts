/**
 * HTTP hardening of every function's server: CORS for configured origins only, and the caller's
 * address as the server saw it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { cors } from "@connectrpc/connect";

/**
 * The request header carrying the caller's address to the Connect handlers (`clientAddressOf`). The
 * server always overwrites it, so a caller cannot choose what it says.
 */
export const CLIENT_ADDRESS_HEADER = "x-shop-client-address";

/**
 * The caller's address: the socket's peer, or, behind `trustedProxyHops` proxies that each append to
 * X-Forwarded-For (Knative: the ingress and the queue-proxy, so 2), the address the outermost trusted
 * proxy saw. Entries a caller wrote into X-Forwarded-For itself sit further left and are ignored.
 */
export function clientAddress(req: IncomingMessage, trustedProxyHops = 0): string {
  // Every request passes here: no proxy to trust (or nothing forwarded) needs no parsing.
  if (trustedProxyHops === 0 || req.headers["x-forwarded-for"] === undefined) {
    return req.socket.remoteAddress ?? "unknown";
  }
  const forwarded = [req.headers["x-forwarded-for"]]
    .flat()
    .flatMap((value) => (value ?? "").split(","))
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, req.socket.remoteAddress ?? "unknown"];
  return chain[Math.max(0, chain.length - 1 - trustedProxyHops)] ?? "unknown";
}

/**
 * Answers CORS for the Connect routes: a preflight from an allowed origin gets 204 with Connect's
 * methods and headers (`cors` of @connectrpc/connect), one from another origin 403; an actual request
 * from an allowed origin gets the allow and expose headers. Returns true when it answered the request.
 */
export function answerCors(req: IncomingMessage, res: ServerResponse, allowedOrigins: string[]): boolean {
  const origin = req.headers.origin;
  const allowed = origin !== undefined && allowedOrigins.includes(origin);
  if (allowed) {
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("vary", "Origin");
    res.setHeader("access-control-expose-headers", cors.exposedHeaders.join(", "));
  }
  if (req.method !== "OPTIONS" || !req.headers["access-control-request-method"]) return false;
  if (!allowed) {
    res.writeHead(403, { "content-type": "text/plain; charset=utf-8", vary: "Origin" });
    res.end("origin not allowed");
    return true;
  }
  res.writeHead(204, {
    "access-control-allow-methods": cors.allowedMethods.join(", "),
    "access-control-allow-headers": [...cors.allowedHeaders, "Authorization"].join(", "),
    "access-control-max-age": "7200",
  });
  res.end();
  return true;
}

/** The caller's address inside a Connect handler (set by the function's server). */
export function clientAddressOf(header: Headers): string {
  return header.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
}
