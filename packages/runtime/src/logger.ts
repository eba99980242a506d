/**
 * Structured logs (pino). Every line carries the function name and, inside a request or an event,
 * its request id and event id, taken from an AsyncLocalStorage context, and with tracing on the
 * active span's `trace_id` and `span_id`. JSON lines, except at a
 * terminal, where each is one readable line (log-pretty.ts; LOG_FORMAT=json|pretty decides instead).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { trace } from "@opentelemetry/api";
import { type Logger, pino } from "pino";
import { prettyDestination, prettyLogsWanted } from "./log-pretty.ts";

export type { Logger } from "pino";

/** What identifies the work in hand; set by the server around each request and event. */
export interface LogContext {
  requestId?: string;
  eventId?: string;
  eventType?: string;
  /** The span of the request or event, once it has one (see {@link keepSpanForLogs}). */
  trace_id?: string;
  span_id?: string;
}

const context = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `values` added to every log line written while it runs. */
export function withLogContext<T>(values: LogContext, fn: () => T): T {
  return context.run({ ...context.getStore(), ...values }, fn);
}

/**
 * Makes the rest of the work in hand log `span`'s ids, also after the span has ended: the server
 * logs an event's outcome (a failed handler, say) once its CONSUMER span is over.
 */
export function keepSpanForLogs(ids: { traceId: string; spanId: string }): void {
  const store = context.getStore();
  if (!store) return;
  store.trace_id = ids.traceId;
  store.span_id = ids.spanId;
}

/** The log context of the work in hand. */
export function currentLogContext(): LogContext {
  return context.getStore() ?? {};
}

// Secrets, tokens and passwords never reach a log line, wherever they appear in a logged object.
const redact = [
  "password",
  "*.password",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "secret",
  "*.secret",
];

/**
 * Creates the logger of a function: JSON lines on stdout, readable ones when stdout is a terminal.
 * `destination` (tests that read the lines) always gets JSON.
 */
export function createLogger(name: string, level = "info", destination?: NodeJS.WritableStream): Logger {
  const options = {
    name,
    level,
    base: { function: name },
    redact: { paths: redact, censor: "[redacted]" },
    mixin: () => {
      const span = trace.getActiveSpan();
      if (!span) return { ...context.getStore() };
      const { traceId, spanId } = span.spanContext();
      return { ...context.getStore(), trace_id: traceId, span_id: spanId };
    },
  };
  if (destination) return pino(options, destination);
  return prettyLogsWanted() ? pino(options, prettyDestination()) : pino(options);
}
