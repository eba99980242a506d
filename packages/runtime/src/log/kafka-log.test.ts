import { logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { EXPECTED_WHILE_STARTING, forward } from "./kafka-log.ts";

function recorder() {
  const lines: [level: string, msg: string, obj: object][] = [];
  const at = (level: string) => (obj: object, msg: string) => lines.push([level, msg, obj]);
  return { lines, logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

const response = (error: string) => ({
  namespace: "Connection",
  level: logLevel.ERROR,
  label: "ERROR",
  log: {
    timestamp: "2026-12-01T11:17:36.721Z",
    logger: "kafkajs",
    message: "Response CreateTopics(key: 19, version: 3)",
    error,
    correlationId: 2,
  },
});

describe("kafkajs's logs, bridged", () => {
  it("log what a cluster being set up answers (topics being created, no coordinator yet) at debug", () => {
    const { lines, logger } = recorder();
    for (const error of [
      "Topic creation errors",
      "The group coordinator is not available",
      "The coordinator is loading and hence can't process requests for this group",
      "There is no leader for this topic-partition as we are in the middle of a leadership election",
    ])
      forward(logger, response(error));
    expect(lines.map(([level]) => level)).toEqual(["debug", "debug", "debug", "debug"]);
    expect(lines[0]![2]).toEqual({
      component: "kafkajs",
      namespace: "Connection",
      error: "Topic creation errors",
      correlationId: 2,
    });
    expect(EXPECTED_WHILE_STARTING).toContain("The group coordinator is not available");
  });

  it("keep other error answers, which kafkajs retries, as warnings, and its own errors as errors", () => {
    const { lines, logger } = recorder();
    forward(logger, response("The broker received an out of order sequence number"));
    forward(logger, {
      namespace: "Consumer",
      level: logLevel.ERROR,
      label: "ERROR",
      log: { timestamp: "", message: "Crash: KafkaJSNumberOfRetriesExceeded" },
    });
    forward(logger, {
      namespace: "Cluster",
      level: logLevel.WARN,
      label: "WARN",
      log: { timestamp: "", message: "something odd" },
    });
    expect(lines.map(([level, msg]) => [level, msg])).toEqual([
      ["warn", "Response CreateTopics(key: 19, version: 3)"],
      ["error", "Crash: KafkaJSNumberOfRetriesExceeded"],
      ["warn", "something odd"],
    ]);
  });

  it("drop the expected conditions quietly for a logger without debug", () => {
    const { lines, logger } = recorder();
    const { debug: _, ...noDebug } = logger;
    forward(noDebug, response("Topic creation errors"));
    expect(lines).toEqual([]);
  });
});
