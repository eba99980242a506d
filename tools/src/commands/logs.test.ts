import { afterEach, describe, expect, it, vi } from "vitest";
import { formatLog, type LogFilter, parseLevel, parseLogLine, passesLog } from "./log-view.ts";
import { logsCommand } from "./logs.ts";

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    level: 30,
    time: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    function: "orders",
    msg: "hi",
    ...fields,
  });
const lines = {
  placed: line({ msg: "placed an order", orderId: "o-1", trace_id: "t-1", span_id: "s-1" }),
  priced: line({ function: "promotions", level: 20, msg: "priced", order_id: "o-1", trace_id: "t-1" }),
  named: line({
    function: "payments",
    level: 40,
    msg: "could not charge order o-1, retrying",
    trace_id: "t-2",
  }),
  other: line({ function: "payments", level: 50, msg: "charge failed", orderId: "o-22", trace_id: "t-3" }),
  plain: line({ function: "catalog", msg: "started" }),
};
const picked = (filter: LogFilter) =>
  Object.entries(lines)
    .filter(([, text]) => passesLog(parseLogLine(text)!, filter))
    .map(([name]) => name);

describe("shop logs tail's filters", () => {
  it("pass everything without conditions", () => {
    expect(picked({})).toEqual(Object.keys(lines));
  });

  it("pick lines by function, any of several", () => {
    expect(picked({ functions: ["payments"] })).toEqual(["named", "other"]);
    expect(picked({ functions: ["orders", "catalog"] })).toEqual(["placed", "plain"]);
  });

  it("pick lines at a level or above", () => {
    expect(picked({ level: parseLevel("warn") })).toEqual(["named", "other"]);
    expect(picked({ level: parseLevel("debug") })).toEqual(Object.keys(lines));
    expect(picked({ level: parseLevel("50") })).toEqual(["other"]);
  });

  it("pick lines about an order: orderId, order_id or the message, never a longer id", () => {
    expect(picked({ order: "o-1" })).toEqual(["placed", "priced", "named"]);
    expect(picked({ order: "o-22" })).toEqual(["other"]);
  });

  it("pick lines of a trace, and combine conditions", () => {
    expect(picked({ trace: "t-1" })).toEqual(["placed", "priced"]);
    expect(picked({ trace: "t-1", level: 30 })).toEqual(["placed"]);
    expect(picked({ order: "o-1", functions: ["payments"] })).toEqual(["named"]);
  });

  it("refuses a level that is none, precisely", () => {
    expect(() => parseLevel("loud")).toThrow(
      '--level "loud": use one of trace, debug, info, warn, error, fatal',
    );
    expect(parseLevel("ERROR")).toBe(50);
  });

  it("reads only JSON objects as lines", () => {
    expect(parseLogLine("not json")).toBeUndefined();
    expect(parseLogLine("[1]")).toBeUndefined();
    expect(parseLogLine(lines.plain)).toMatchObject({ function: "catalog" });
  });
});

describe("shop logs tail's output", () => {
  it("prints a line as the functions do at a terminal: level, function, message, fields", () => {
    const text = formatLog(lines.placed, false);
    expect(text).toMatch(/^\d\d:\d\d:05\.006 INFO {2}orders {5}placed an order /);
    expect(text).toContain("orderId=o-1");
    expect(text).toContain("trace_id=t-1");
    expect(text).not.toContain("\x1b[");
    expect(formatLog(lines.placed, false, true)).toContain("\x1b[");
  });

  it("prints the line as shipped with --json", () => {
    expect(formatLog(`${lines.other}\n`, true)).toBe(lines.other);
  });
});

describe("shop logs with wrong arguments", () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it.each([
    [["tail", "--brokers", "127.0.0.1:1", "--level", "loud"], '--level "loud"'],
    [["tail", "--brokers", "127.0.0.1:1", "--colour"], "Unknown option '--colour'"],
    [["follow"], "usage: shop logs tail"],
  ])("%j says why and exits 2 without reading Kafka", async (args, why) => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((text: string) => void errors.push(text));
    await logsCommand(args, { write: () => expect.unreachable("nothing is printed") });
    expect(process.exitCode).toBe(2);
    expect(errors.join("\n")).toContain(why);
  });
});
