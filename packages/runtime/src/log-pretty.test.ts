import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { formatLogLine, prettyDestination, prettyLogsWanted } from "./log-pretty.ts";
import { createLogger, withLogContext } from "./logger.ts";

function collect() {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  return { out, lines };
}

describe("readable log lines", () => {
  it("are pretty only at a terminal, unless LOG_FORMAT says", () => {
    expect(prettyLogsWanted({}, { isTTY: true })).toBe(true);
    expect(prettyLogsWanted({}, { isTTY: false })).toBe(false);
    expect(prettyLogsWanted({}, {})).toBe(false);
    expect(prettyLogsWanted({ LOG_FORMAT: "json" }, { isTTY: true })).toBe(false);
    expect(prettyLogsWanted({ LOG_FORMAT: "pretty" }, { isTTY: false })).toBe(true);
  });

  it("show time, level, function, message, then the ids of the work and the other fields on one line", () => {
    const time = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();
    const line = JSON.stringify({
      level: 40,
      time,
      function: "catalog",
      name: "catalog",
      eventId: "e-1",
      requestId: "r-1",
      msg: "stock recorded",
      productId: "demo-blue-mug",
      note: "two words",
      count: 3,
    });
    expect(formatLogLine(line)).toBe(
      '03:04:05.067 WARN  catalog    stock recorded request=r-1 event=e-1 productId=demo-blue-mug note="two words" count=3',
    );
    expect(formatLogLine("not json")).toBe("not json");
  });

  it("show an error by its type, message and where it was thrown, still on one line", () => {
    const line = formatLogLine(
      JSON.stringify({
        level: 50,
        time: 0,
        function: "orders",
        msg: "failed",
        err: {
          type: "TypeError",
          message: "x is undefined",
          stack: "TypeError: x is undefined\n    at f (a.ts:1:2)",
        },
      }),
    );
    expect(line).toContain('ERROR orders     failed err="TypeError: x is undefined (at f (a.ts:1:2))"');
    expect(line).not.toContain("\n");
  });

  it("colour only where the terminal has colours", () => {
    const plain = collect();
    pino({ base: { function: "identity" } }, prettyDestination(plain.out)).info("hello %s", "you");
    expect(plain.lines).toHaveLength(1);
    expect(plain.lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}identity {3}hello you$/);
    const colored = collect();
    Object.assign(colored.out, { hasColors: () => true });
    pino({ base: { function: "identity" } }, prettyDestination(colored.out)).warn("careful");
    expect(colored.lines[0]).toContain("\x1b[33mWARN \x1b[0m");
  });

  it("keep the redaction and the log context of the JSON lines", () => {
    const { out, lines } = collect();
    const logger = createLogger("identity", "info", out);
    withLogContext({ requestId: "r-9" }, () => logger.info({ password: "hunter2" }, "login"));
    const pretty = formatLogLine(lines[0]!);
    expect(pretty).toContain("login request=r-9");
    expect(pretty).toContain("password=[redacted]");
    expect(pretty).not.toContain("hunter2");
  });
});
