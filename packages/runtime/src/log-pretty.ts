/**
 * Log lines for a person at a terminal: pino's JSON lines turned into one readable line each,
 *
 *   11:17:37.121 WARN  catalog   kafka producer could not connect yet  request=3f2a… err="…"
 *
 * time, level, function, message, then the ids of the work in hand and the other fields. Used only
 * when stdout is a terminal (or LOG_FORMAT=pretty); anywhere else, in the cluster above all, the
 * lines stay JSON for machines (LOG_FORMAT=json forces that at a terminal too). No dependency: a
 * few dozen lines instead of pino-pretty and its dependencies in every function's bundle.
 */
import type { Writable } from "node:stream";

/** Whether logs written to `stdout` should be pretty: LOG_FORMAT says, else whether it is a terminal. */
export function prettyLogsWanted(
  env: NodeJS.ProcessEnv = process.env,
  stdout: { isTTY?: boolean } = process.stdout,
) {
  if (env.LOG_FORMAT === "json") return false;
  if (env.LOG_FORMAT === "pretty") return true;
  return stdout.isTTY === true;
}

const LEVELS: Record<number, [label: string, color: string]> = {
  10: ["TRACE", "90"],
  20: ["DEBUG", "90"],
  30: ["INFO ", "32"],
  40: ["WARN ", "33"],
  50: ["ERROR", "31"],
  60: ["FATAL", "41;97"],
};

// What the line shows in its own places, or not at all.
const SHOWN = new Set(["level", "time", "msg", "function", "name", "pid", "hostname", "v"]);
// The ids of the work in hand (logger.ts's LogContext), first after the message, by short names.
const IDS: [key: string, label: string][] = [
  ["requestId", "request"],
  ["eventId", "event"],
  ["eventType", "type"],
  ["traceId", "trace"],
];

/** Turns one pino JSON line into a readable line (no trailing newline); a line that is not JSON stays as it is. */
export function formatLogLine(line: string, colors = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const paint = (code: string, text: string) => (colors ? `\x1b[${code}m${text}\x1b[0m` : text);
  const [label, color] = LEVELS[entry.level as number] ?? [String(entry.level).padEnd(5), "0"];
  const time = typeof entry.time === "number" ? clock(new Date(entry.time)) : "";
  const name = String(entry.function ?? entry.name ?? "");
  const parts = [
    paint("2", time),
    paint(color, label),
    paint("36", name.padEnd(10)),
    String(entry.msg ?? ""),
  ];
  const fields: string[] = [];
  for (const [key, short] of IDS) {
    if (entry[key] !== undefined) fields.push(`${short}=${value(entry[key])}`);
  }
  for (const [key, field] of Object.entries(entry)) {
    if (SHOWN.has(key) || IDS.some(([id]) => id === key) || field === undefined) continue;
    fields.push(`${key}=${key === "err" ? errorText(field) : value(field)}`);
  }
  if (fields.length > 0) parts.push(paint("2", fields.join(" ")));
  return parts.filter(Boolean).join(" ");
}

/** A destination for pino writing readable lines to `out` (colours when it is a terminal that has them). */
export function prettyDestination(out: Writable & { hasColors?: () => boolean } = process.stdout) {
  const colors = out.hasColors?.() ?? false;
  return {
    write(chunk: string) {
      for (const line of chunk.split("\n")) if (line) out.write(`${formatLogLine(line, colors)}\n`);
      return true;
    },
  };
}

function clock(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const ms = String(date.getMilliseconds()).padStart(3, "0");
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${ms}`;
}

function value(field: unknown): string {
  if (typeof field === "string") return /^[^\s"=]+$/.test(field) ? field : JSON.stringify(field);
  return JSON.stringify(field) ?? String(field);
}

/** An error as pino serialises it: its type and message, and where it was thrown. */
function errorText(field: unknown): string {
  if (!field || typeof field !== "object") return value(field);
  const { type, message, stack } = field as { type?: string; message?: string; stack?: string };
  const at = stack
    ?.split("\n")
    .find((line) => line.trimStart().startsWith("at "))
    ?.trim();
  return JSON.stringify(`${type ?? "Error"}: ${message ?? ""}${at ? ` (${at})` : ""}`);
}
