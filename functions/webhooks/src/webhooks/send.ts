/**
 * One attempt of a delivery: the event as a binary-mode CloudEvent over HTTP POST (`ce-*` headers, the
 * body its protobuf bytes or their JSON form), signed per Standard Webhooks. The URL is checked again
 * first (DNS may answer otherwise than at registration) and the request connects to the address just
 * checked, never resolving the host again.
 */
import { request as httpRequest, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { fromBinary, toJsonString } from "@bufbuild/protobuf";
import { registry } from "@shop/schemas";
import type { PayloadFormat } from "../db/schema.ts";
import { signatureHeaders } from "./signing.ts";
import { checkTarget, type ResolvedAddress, type TargetPolicy } from "./target.ts";

/** What an endpoint made of an attempt. */
export interface Attempt {
  /** The HTTP status, when the endpoint answered. */
  status?: number;
  /** Why the attempt failed (the answer's start, a timeout, a refusal); empty on success. */
  detail: string;
  /** Set when the attempt cannot succeed however often it is tried (no JSON form of the type). */
  permanent?: boolean;
}

/** What is sent: the delivery id, the event, where and how. */
export interface Sendable {
  id: string;
  url: string;
  format: PayloadFormat;
  attributes: Record<string, string>;
  data: Uint8Array;
  secret: string;
}

/** Sends one attempt; never throws, every failure is an {@link Attempt}. */
export type Send = (delivery: Sendable) => Promise<Attempt>;

// Longest answer kept: enough to read why, short enough for a log line and a table row.
const DETAIL_MAX = 512;

/** The body and CloudEvent headers of an event in `format`, or why there is none. */
export function payloadOf(
  format: PayloadFormat,
  attributes: Record<string, string>,
  data: Uint8Array,
): { body: Uint8Array; headers: Record<string, string> } | { error: string } {
  let body = data;
  let contentType = attributes.datacontenttype ?? "application/protobuf";
  if (format === "json") {
    const schema = registry.getMessage(attributes.type ?? "");
    if (!schema) return { error: `no JSON form is known for events of type ${attributes.type}` };
    try {
      body = new TextEncoder().encode(toJsonString(schema, fromBinary(schema, data), { registry }));
    } catch (error) {
      return { error: `the event's data is not a ${attributes.type}: ${(error as Error).message}` };
    }
    contentType = "application/json";
  }
  const headers: Record<string, string> = { "content-type": contentType };
  for (const [name, value] of Object.entries(attributes)) {
    if (name !== "datacontenttype") headers[`ce-${name}`] = percentEncode(value);
  }
  return { body, headers };
}

// The HTTP binding percent-encodes space, '"', '%' and everything outside printable ASCII.
function percentEncode(value: string): string {
  return value.replace(/[^\x21-\x7e]|["%]/gu, (char) =>
    encodeURIComponent(char).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  );
}

/** A {@link Send} over node:http(s) that gives an endpoint `timeoutMs` to answer. */
export function createSend(
  policy: TargetPolicy,
  timeoutMs: number,
  now: () => Date = () => new Date(),
): Send {
  return async (delivery) => {
    const payload = payloadOf(delivery.format, delivery.attributes, delivery.data);
    if ("error" in payload) return { detail: payload.error, permanent: true };
    let target: Awaited<ReturnType<typeof checkTarget>>;
    try {
      target = await checkTarget(delivery.url, policy);
    } catch (error) {
      return { detail: `not sent: ${(error as Error).message}` };
    }
    const headers = {
      ...payload.headers,
      ...signatureHeaders(delivery.secret, delivery.id, now(), payload.body),
      "user-agent": "shop-webhooks/1",
    };
    return post(target.url, target.address, headers, payload.body, timeoutMs);
  };
}

function post(
  url: URL,
  address: ResolvedAddress,
  headers: Record<string, string>,
  body: Uint8Array,
  timeoutMs: number,
): Promise<Attempt> {
  // The address checked, whatever DNS would say now (DNS rebinding); TLS still checks the host name.
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [address]);
    else callback(null, address.address, address.family);
  };
  const options: RequestOptions = {
    method: "POST",
    headers: { ...headers, "content-length": String(body.byteLength) },
    lookup,
    signal: AbortSignal.timeout(timeoutMs),
  };
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<Attempt>((resolve) => {
    const req = request(url, options, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size < DETAIL_MAX) chunks.push(chunk);
        size += chunk.length;
      });
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8").slice(0, DETAIL_MAX);
        resolve({
          status,
          detail: status >= 200 && status < 300 ? "" : `answered ${status}${text ? `: ${text}` : ""}`,
        });
      });
      res.on("error", (error) => resolve({ status, detail: error.message }));
    });
    req.on("error", (error) =>
      resolve({
        detail:
          error.name === "AbortError" || error.name === "TimeoutError"
            ? `no answer within ${timeoutMs} ms`
            : error.message,
      }),
    );
    req.end(body);
  });
}
