/**
 * What `shop logs tail` shows of a shipped log line (a pino JSON line, from `shop.logs`): which lines
 * pass its filters, and how each is printed, as the functions print them at a terminal.
 */
import { formatLogLine } from "@shop/runtime";

/** pino's levels, by name. */
export const LOG_LEVELS: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/** Which lines to show: every condition set must hold. */
export interface LogFilter {
  /** Any of these functions (the line's `function`). */
  functions?: string[];
  /** At least this level (pino's number). */
  level?: number;
  /** About this order: an `orderId` or `order_id` field equal to it, or the message naming it. */
  order?: string;
  /** In this trace: its `trace_id` field. */
  trace?: string;
}

/** A log line as read from the topic: its JSON object, or undefined when it is not one. */
export function parseLogLine(line: string): Record<string, unknown> | undefined {
  try {
    const entry = JSON.parse(line) as unknown;
    return entry && typeof entry === "object" && !Array.isArray(entry)
      ? (entry as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A level given on the command line, by name or number; anything else is a precise error. */
export function parseLevel(text: string): number {
  const named = LOG_LEVELS[text.toLowerCase()];
  if (named !== undefined) return named;
  if (/^\d+$/.test(text)) return Number(text);
  throw new Error(
    `--level ${JSON.stringify(text)}: use one of ${Object.keys(LOG_LEVELS).join(", ")} or a number`,
  );
}

/** True when the line passes the filter. */
export function passesLog(entry: Record<string, unknown>, filter: LogFilter): boolean {
  if (filter.functions?.length && !filter.functions.includes(String(entry.function ?? entry.name ?? ""))) {
    return false;
  }
  if (filter.level !== undefined && !(typeof entry.level === "number" && entry.level >= filter.level)) {
    return false;
  }
  if (filter.order !== undefined) {
    const about =
      entry.orderId === filter.order ||
      entry.order_id === filter.order ||
      (typeof entry.msg === "string" && entry.msg.includes(filter.order));
    if (!about) return false;
  }
  // traceId: what the lines of a logger without OpenTelemetry's field names may carry.
  if (filter.trace !== undefined && entry.trace_id !== filter.trace && entry.traceId !== filter.trace) {
    return false;
  }
  return true;
}

/** One line as printed: the JSON as shipped (`json`), else the functions' terminal form. */
export function formatLog(line: string, json: boolean, color = false): string {
  return json ? line.trimEnd() : formatLogLine(line, color);
}
