/**
 * Handing a dead letter's original event back to its subscriber: one HTTP POST in the CloudEvents
 * binary content mode, as Knative's broker delivers it, straight to the URL of the subscriber that
 * failed (so no other subscriber sees it again).
 */

/** What a subscriber made of a redrive. */
export interface Attempt {
  /** The HTTP status, when the subscriber answered. */
  status?: number;
  /** Its answer (the response body), or why there was none (timeout, connection refused). */
  detail: string;
}

/** The original event of a dead letter, and where it goes. */
export interface Redrivable {
  destination: string;
  attributes: Record<string, string>;
  data: Uint8Array;
}

/** POSTs a dead letter's event to its subscriber; never throws, every failure is an {@link Attempt}. */
export type Deliver = (letter: Redrivable) => Promise<Attempt>;

// Longest answer kept: enough to read why, short enough for a log line and a table row.
const DETAIL_MAX = 1024;

/**
 * The audience of a subscriber's delivery tokens, from its address: `shop/<function>` for a Knative
 * Service (`http://<function>.<namespace>.svc.cluster.local`) or the local gateway's
 * `/functions/<function>/`; undefined for any other address (it gets no token, as from the broker).
 */
export function audienceOf(destination: string): string | undefined {
  const url = URL.parse(destination);
  if (!url) return undefined;
  const local = /^\/functions\/([a-z]+)\/?$/.exec(url.pathname)?.[1];
  const service = /^([a-z]+)\.[a-z-]+\.svc(?:\.cluster\.local)?$/.exec(url.hostname)?.[1];
  const name = local ?? service;
  return name ? `shop/${name}` : undefined;
}

/**
 * A {@link Deliver} over fetch that gives a subscriber `timeoutMs` to answer, with a token for the
 * subscriber's audience (`tokens`), as the broker sends one.
 */
export function createDeliver(
  timeoutMs: number,
  tokens: (audience: string) => Promise<string | undefined> = async () => undefined,
): Deliver {
  return async ({ destination, attributes, data }) => {
    try {
      const audience = audienceOf(destination);
      const token = audience ? await tokens(audience) : undefined;
      const response = await fetch(destination, {
        method: "POST",
        headers: { ...binaryHeaders(attributes), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: data,
        // A redirect is an answer, not a place to send the event to.
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      return { status: response.status, detail: text.slice(0, DETAIL_MAX) };
    } catch (error) {
      const cause = (error as Error).cause;
      const detail =
        (error as Error).name === "TimeoutError"
          ? `no answer within ${timeoutMs} ms`
          : `${(error as Error).message}${cause instanceof Error ? `: ${cause.message}` : ""}`;
      return { detail };
    }
  };
}

/** The HTTP headers of an event in the binary content mode: `ce-<attribute>`, and `content-type`. */
export function binaryHeaders(attributes: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "datacontenttype") headers["content-type"] = value;
    else headers[`ce-${name}`] = percentEncode(value);
  }
  return headers;
}

// The HTTP binding percent-encodes space, '"', '%' and everything outside printable ASCII.
function percentEncode(value: string): string {
  return value.replace(/[^\x21-\x7e]|["%]/gu, (char) =>
    encodeURIComponent(char).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  );
}
