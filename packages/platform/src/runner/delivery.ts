/**
 * How the runner hands one CloudEvent to a subscriber the way Knative's Kafka broker dispatcher does:
 * HTTP POST in binary content mode, retried with the Trigger's backoff on the statuses Knative retries.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { LogRecord } from "@shop/runtime";
import type { Delivery } from "./manifests.ts";

/** A CloudEvent read from a Kafka record in the binary binding: attributes by name, data as bytes. */
export interface RecordEvent {
  attributes: Record<string, string>;
  data: Uint8Array;
}

/**
 * Reads the CloudEvent of a record (`ce_*` headers, `content-type`, value), or says why it is not one.
 */
export function recordToEvent(record: LogRecord): RecordEvent | { invalid: string } {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith("ce_")) attributes[lower.slice(3)] = value;
    else if (lower === "content-type") attributes.datacontenttype = value;
  }
  if (attributes.specversion !== "1.0") {
    return { invalid: `not a CloudEvent 1.0: ce_specversion is ${attributes.specversion ?? "missing"}` };
  }
  const missing = ["id", "source", "type"].filter((name) => !attributes[name]);
  if (missing.length > 0) return { invalid: `not a CloudEvent: missing ${missing.map((m) => `ce_${m}`)}` };
  return { attributes, data: record.value };
}

/** The outcome of the last attempt to deliver an event. */
export interface Attempt {
  delivered: boolean;
  /** The HTTP status, when the subscriber answered at all. */
  status?: number;
  /** The response body (the subscriber's reason, on failure). */
  body: Uint8Array;
  /** Why there was no answer (connection refused, timeout). */
  error?: string;
  /** Response headers, for reading a reply event. */
  headers?: Headers;
}

/** Knative retries these statuses and network failures; any other 4xx goes to the dead letter sink at once. */
export function isRetryable(attempt: Attempt): boolean {
  if (attempt.status === undefined) return true;
  return attempt.status >= 500 || [404, 408, 409, 429].includes(attempt.status);
}

/** The pause before retry number `retry` (1-based): `delay × retry` (linear) or `delay × 2^retry` (exponential). */
export function backoffMs(delivery: Delivery, retry: number): number {
  const delay = delivery.backoffDelayMs ?? 0;
  return delivery.backoffPolicy === "linear" ? delay * retry : delay * 2 ** retry;
}

/**
 * The delivery's OIDC token for its destination (Knative's sender identity), asked for at each
 * attempt (the issuer caches it until near expiry); undefined sends none.
 */
export type DeliveryToken = () => Promise<string | undefined>;

/**
 * A subscriber in this process (a function of the one-process shop): it takes a delivery's headers
 * and body and answers exactly as its `POST /` would, without a socket or an HTTP parser in between
 * (the function's `handler.receive`).
 */
export type InProcessReceiver = (
  headers: Record<string, string>,
  body: Uint8Array,
) => Promise<{ status: number; body: string }>;

/**
 * What a delivery is told and tells: when to stop, each attempt (traces), each retry (metrics), its
 * token, and the subscriber itself when it is in this process.
 */
export interface DeliveryHooks {
  signal: AbortSignal;
  onAttempt?: (attempt: Attempt) => void;
  onRetry?: () => void;
  token?: DeliveryToken | undefined;
  receiver?: InProcessReceiver | undefined;
}

/**
 * POSTs the event to `url` until it is delivered, it fails in a way Knative does not retry, or the
 * Trigger's retries are spent; `onRetry` hears of each attempt after the first (metrics). Rejects
 * only when `signal` aborts (the runner is stopping).
 */
export async function deliverWithRetries(
  url: string,
  event: RecordEvent,
  delivery: Delivery,
  timeoutMs: number,
  hooks: DeliveryHooks,
): Promise<Attempt> {
  const { signal, onAttempt, onRetry, token, receiver } = hooks;
  const retries = delivery.retry ?? 0;
  for (let retry = 0; ; retry++) {
    if (retry > 0) {
      await sleep(backoffMs(delivery, retry), signal);
      onRetry?.();
    }
    const attempt = receiver
      ? await receive(receiver, event, timeoutMs, signal, token)
      : await post(url, event, timeoutMs, signal, token);
    onAttempt?.(attempt);
    if (attempt.delivered || !isRetryable(attempt) || retry >= retries) return attempt;
  }
}

// Keep-alive connections to the subscribers: a delivery is one request on a warm socket. node:http
// rather than fetch, whose web streams and signals cost more CPU than the delivery itself.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });
const urls = new Map<string, URL>();

/** The headers of `event` in binary content mode, with the destination's token when there is one. */
async function deliveryHeaders(event: RecordEvent, token?: DeliveryToken): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  const bearer = await token?.();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  for (const [name, value] of Object.entries(event.attributes)) {
    if (name === "datacontenttype") headers["content-type"] = value;
    else headers[`ce-${name}`] = encodeHeaderValue(value);
  }
  return headers;
}

const encoder = new TextEncoder();

/**
 * One delivery of `event` to a subscriber in this process: the request the POST would carry, the
 * answer it would get, with the same timeout and stop; a receiver that throws is a subscriber that
 * did not answer (retried, as a refused connection is).
 */
export async function receive(
  receiver: InProcessReceiver,
  event: RecordEvent,
  timeoutMs: number,
  signal: AbortSignal,
  token?: DeliveryToken,
): Promise<Attempt> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const headers = await deliveryHeaders(event, token);
    if (signal.aborted) throw signal.reason;
    const answer = await Promise.race([
      receiver(headers, event.data),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${timeoutMs} ms`, { cause: new Error("timeout") })),
          timeoutMs,
        );
        onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
        signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
    const delivered = answer.status >= 200 && answer.status < 300;
    return { delivered, status: answer.status, body: encoder.encode(answer.body) };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const reason = error instanceof Error ? `${error.message}${causeOf(error)}` : String(error);
    return { delivered: false, body: new Uint8Array(0), error: reason };
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/** One HTTP POST of `event` in binary content mode, with the destination's token when there is one. */
export async function post(
  url: string,
  event: RecordEvent,
  timeoutMs: number,
  signal: AbortSignal,
  token?: DeliveryToken,
): Promise<Attempt> {
  const headers = await deliveryHeaders(event, token);
  headers["content-length"] = String(event.data.byteLength);
  let target = urls.get(url);
  if (!target) {
    target = new URL(url);
    urls.set(url, target);
  }
  try {
    if (signal.aborted) throw signal.reason;
    return await new Promise<Attempt>((resolve, reject) => {
      const request =
        target.protocol === "https:"
          ? httpsRequest(target, { method: "POST", headers, agent: httpsAgent })
          : httpRequest(target, { method: "POST", headers, agent });
      const fail = (error: Error) => {
        cleanup();
        request.destroy();
        reject(error);
      };
      const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      const timer = setTimeout(
        () => fail(new Error(`no answer within ${timeoutMs} ms`, { cause: new Error("timeout") })),
        timeoutMs,
      );
      const cleanup = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      request.once("error", fail);
      request.once("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.once("error", fail);
        response.once("end", () => {
          cleanup();
          const status = response.statusCode ?? 0;
          const body = new Uint8Array(Buffer.concat(chunks));
          const delivered = status >= 200 && status < 300;
          // Only a reply event is read from the headers.
          const reply = response.headers["ce-id"] ? { headers: toHeaders(response.headers) } : {};
          resolve({ delivered, status, body, ...reply });
        });
      });
      request.end(event.data);
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const reason = error instanceof Error ? `${error.message}${causeOf(error)}` : String(error);
    return { delivered: false, body: new Uint8Array(0), error: reason };
  }
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const one of value) headers.append(name, one);
  }
  return headers;
}

function causeOf(error: Error): string {
  return error.cause instanceof Error ? `: ${error.cause.message}` : "";
}

/**
 * The CloudEvents HTTP binding percent-encodes space, `"`, `%` and everything outside printable ASCII
 * in header values (Kafka headers carry them raw).
 */
export function encodeHeaderValue(value: string): string {
  let encoded = "";
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code > 0x20 && code < 0x7f && char !== '"' && char !== "%") encoded += char;
    else
      for (const byte of Buffer.from(char, "utf8"))
        encoded += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

/**
 * Reads a reply event from a subscriber's 2xx response (binary mode: `ce-*` headers), which Knative
 * publishes back to the Broker; undefined when the response carries none.
 */
export function replyEvent(attempt: Attempt): RecordEvent | undefined {
  if (!attempt.delivered || !attempt.headers?.get("ce-id")) return undefined;
  const attributes: Record<string, string> = {};
  for (const [name, value] of attempt.headers) {
    if (name.startsWith("ce-")) attributes[name.slice(3)] = decodeURIComponentSafe(value);
  }
  const contentType = attempt.headers.get("content-type");
  if (contentType) attributes.datacontenttype = contentType;
  return { attributes, data: attempt.body };
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
