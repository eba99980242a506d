/**
 * Zipkin's trace query (`GET /api/v2/traces`): its parameters, read as Zipkin reads them, and the test
 * of one trace against them, as Zipkin's QueryRequest does it: every constraint must be met by some
 * span of the trace, and a `serviceName` restricts the others to that service's spans.
 */
import type { ZipkinTrace } from "./zipkin.ts";

/** A parsed query. Durations in microseconds, times in epoch milliseconds, as Zipkin's API has them. */
export interface TraceQuery {
  serviceName?: string;
  spanName?: string;
  /** `key=value` (a tag) or `key` (an annotation or a tag's key), each to be met. */
  annotationQuery: Map<string, string>;
  minDuration?: number;
  maxDuration?: number;
  endTs: number;
  lookback: number;
  limit: number;
}

/** Zipkin server's default lookback: one day. */
export const DEFAULT_LOOKBACK_MS = 86_400_000;

/** A query parameter Zipkin would refuse; the message says which and why. */
export class BadQueryError extends Error {}

/** Reads the query parameters of `/api/v2/traces`; throws {@link BadQueryError} for a bad one. */
export function parseTraceQuery(params: URLSearchParams, now = Date.now()): TraceQuery {
  const query: TraceQuery = {
    annotationQuery: parseAnnotationQuery(params.get("annotationQuery") ?? ""),
    endTs: positive(params, "endTs") ?? now,
    lookback: positive(params, "lookback") ?? DEFAULT_LOOKBACK_MS,
    limit: positive(params, "limit") ?? 10,
  };
  // Zipkin keeps service and span names in lower case, and so matches them.
  const serviceName = params.get("serviceName")?.toLowerCase();
  if (serviceName && serviceName !== "all") query.serviceName = serviceName;
  const spanName = params.get("spanName")?.toLowerCase();
  if (spanName && spanName !== "all") query.spanName = spanName;
  const minDuration = positive(params, "minDuration");
  if (minDuration !== undefined) query.minDuration = minDuration;
  const maxDuration = positive(params, "maxDuration");
  if (maxDuration !== undefined) {
    if (minDuration === undefined) throw new BadQueryError("maxDuration is only valid with minDuration");
    if (maxDuration < minDuration) throw new BadQueryError("maxDuration should be >= minDuration");
    query.maxDuration = maxDuration;
  }
  return query;
}

function positive(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new BadQueryError(`${name} should be a whole number greater than 0, not "${raw}"`);
  }
  return value;
}

/** `error and http.method=GET` → { error: "", http.method: "GET" }. */
export function parseAnnotationQuery(text: string): Map<string, string> {
  const terms = new Map<string, string>();
  for (const term of text.split(" and ")) {
    const trimmed = term.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf("=");
    if (eq === -1) terms.set(trimmed, "");
    else if (eq > 0 && eq < trimmed.length - 1) terms.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
    else throw new BadQueryError(`annotationQuery: "${trimmed}" is neither key nor key=value`);
  }
  return terms;
}

/** When the trace began, in epoch microseconds: its root's timestamp, else its earliest one. */
export function traceStart(trace: ZipkinTrace): number {
  const root = trace.find((span) => !span.parentId && span.timestamp);
  if (root) return root.timestamp;
  return Math.min(...trace.map((span) => span.timestamp || Number.POSITIVE_INFINITY));
}

/** Whether `trace` answers `query`. */
export function matchesQuery(trace: ZipkinTrace, query: TraceQuery): boolean {
  const start = traceStart(trace);
  if (!Number.isFinite(start)) return false;
  if (start < (query.endTs - query.lookback) * 1000 || start > query.endTs * 1000) return false;
  let service = query.serviceName;
  let spanName = query.spanName;
  let duration = query.minDuration === undefined;
  const remaining = new Map(query.annotationQuery);
  for (const span of trace) {
    if (query.serviceName && span.localEndpoint.serviceName !== query.serviceName) continue;
    service = undefined;
    for (const annotation of span.annotations ?? []) {
      if (remaining.get(annotation.value) === "") remaining.delete(annotation.value);
    }
    for (const [key, value] of Object.entries(span.tags)) {
      const wanted = remaining.get(key);
      if (wanted !== undefined && (wanted === "" || wanted === value)) remaining.delete(key);
    }
    if (spanName === span.name) spanName = undefined;
    if (query.minDuration !== undefined && span.duration >= query.minDuration) {
      if (query.maxDuration === undefined || span.duration <= query.maxDuration) duration = true;
    }
  }
  return !service && !spanName && duration && remaining.size === 0;
}
