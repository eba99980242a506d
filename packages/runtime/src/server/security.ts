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
 * The caller's address: the socket's peer, or, behind `trustedProxyHops` proxies that each append the
 * address they saw (X-Forwarded-For, or RFC 7239 `Forwarded: for=` when there is no X-Forwarded-For),
 * the address the outermost trusted proxy saw. The chain is read right to left, the peer being the
 * innermost hop: entries a caller wrote into the header itself sit further left and are never chosen.
 * A chain shorter than the hops (a request that skipped a proxy) yields its leftmost entry.
 */
export function clientAddress(req: IncomingMessage, trustedProxyHops = 0): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  // Every request passes here: no proxy to trust needs no parsing.
  if (trustedProxyHops === 0) return peer;
  const forwarded = forwardedChain(req);
  if (forwarded.length === 0) return peer;
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedProxyHops)] ?? "unknown";
}

/** The addresses proxies appended, oldest first: X-Forwarded-For, else the `for=` of Forwarded. */
function forwardedChain(req: IncomingMessage): string[] {
  const xff = req.headers["x-forwarded-for"];
  if (xff !== undefined) return splitList([xff].flat()).map((entry) => entry.trim());
  const header = req.headers.forwarded;
  if (header === undefined) return [];
  return splitList([header]).map((element) => forwardedFor(element));
}

function splitList(values: string[]): string[] {
  return values.flatMap((value) => value.split(",")).filter((entry) => entry.trim() !== "");
}

/** The node of `for=` in one Forwarded element (`for="[2001:db8::1]:443";proto=https` → 2001:db8::1). */
function forwardedFor(element: string): string {
  const pair = element.split(";").find((part) => part.trim().toLowerCase().startsWith("for="));
  const node = (pair?.trim().slice(4) ?? "unknown").replace(/^"|"$/g, "");
  const v6 = /^\[([^\]]+)\]/.exec(node);
  if (v6?.[1]) return v6[1];
  // RFC 7239 brackets IPv6, so only an IPv4 node or a name has one colon, before its port.
  return /^[^:]+:\d+$/.test(node) ? node.slice(0, node.lastIndexOf(":")) : node;
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
