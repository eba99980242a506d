/**
 * Zipkin's read API (`/api/v2/…`) answered from a {@link SpanStore}: `traces`, `trace/{traceId}` and
 * `services`, with Zipkin's statuses for a bad query (400) and an unknown trace (404).
 */
import type { SpanStore } from "./span-store.ts";
import { BadQueryError, parseTraceQuery } from "./trace-query.ts";

/** An answer: JSON for 200, a sentence otherwise. */
export type StoreAnswer = { status: 200; body: unknown } | { status: 400 | 404; message: string };

const TRACE_ID = /^([0-9a-f]{16}|[0-9a-f]{32})$/;

/** Answers `/api/v2/<route>?<params>` from `store`. */
export function answerFromStore(store: SpanStore, route: string, params: URLSearchParams): StoreAnswer {
  if (route === "services") return { status: 200, body: store.services() };
  if (route === "traces") {
    try {
      return { status: 200, body: store.traces(parseTraceQuery(params)) };
    } catch (error) {
      if (error instanceof BadQueryError) return { status: 400, message: error.message };
      throw error;
    }
  }
  const id = /^trace\/([^/]+)$/.exec(route)?.[1]?.toLowerCase();
  if (id === undefined) return { status: 404, message: `no such trace API path: /api/v2/${route}` };
  if (!TRACE_ID.test(id)) {
    return { status: 400, message: `traceId should be 16 or 32 lower-hex characters, not "${id}"` };
  }
  const trace = store.trace(id);
  return trace
    ? { status: 200, body: trace }
    : { status: 404, message: `trace ${id} not found (or no longer kept)` };
}
