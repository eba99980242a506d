import { Code, ConnectError } from "@connectrpc/connect";
import type { RunningFunction } from "@shop/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, analyticsClient, CUSTOMER, startAnalytics } from "../test-support.ts";

async function refusal(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = ConnectError.from(error);
    return { code: e.code, message: e.rawMessage };
  }
  throw new Error("the call was not refused");
}

describe("AnalyticsService", () => {
  let fn: RunningFunction;
  let admin: Awaited<ReturnType<typeof analyticsClient>>;
  let customer: Awaited<ReturnType<typeof analyticsClient>>;
  let anonymous: Awaited<ReturnType<typeof analyticsClient>>;
  beforeAll(async () => {
    fn = await startAnalytics();
    admin = await analyticsClient(fn, ADMIN);
    customer = await analyticsClient(fn, CUSTOMER);
    anonymous = await analyticsClient(fn);
  });
  afterAll(() => fn.close());

  const range = { fromDay: "2026-12-01", toDay: "2026-12-07" };

  it("gives an admin every day of the range, empty ones included", async () => {
    const report = await admin.getSalesReport(range);
    expect(report.days.map((d) => d.day)).toEqual([
      "2026-12-01",
      "2026-12-02",
      "2026-12-03",
      "2026-12-04",
      "2026-12-05",
      "2026-12-06",
      "2026-12-07",
    ]);
    expect(report.conversion).toBe(0);
  });

  it("refuses customers (PermissionDenied) and anonymous callers (Unauthenticated)", async () => {
    expect((await refusal(customer.getSalesReport(range))).code).toBe(Code.PermissionDenied);
    expect((await refusal(customer.replayAnalytics({}))).code).toBe(Code.PermissionDenied);
    expect((await refusal(anonymous.getSalesReport(range))).code).toBe(Code.Unauthenticated);
    expect((await refusal(anonymous.replayAnalytics({}))).code).toBe(Code.Unauthenticated);
  });

  it.each([
    [{ fromDay: "2026-12-08", toDay: "2026-12-01" }, "from_day (2026-12-08) is after to_day (2026-12-01)."],
    [{ fromDay: "", toDay: "2026-12-01" }, 'from_day must be a day as YYYY-MM-DD, like 2026-12-01, not "".'],
    [
      { fromDay: "2026-12-01", toDay: "12/07/2026" },
      'to_day must be a day as YYYY-MM-DD, like 2026-12-01, not "12/07/2026".',
    ],
    [
      { fromDay: "2025-01-01", toDay: "2026-12-01" },
      "A report covers at most 366 days; 2025-01-01..2026-12-01 is 700.",
    ],
    [{ ...range, top: 101 }, "top must be 1..100 (or 0 for 10), not 101."],
    [{ ...range, top: -1 }, "top must be 1..100 (or 0 for 10), not -1."],
  ])("refuses %o with InvalidArgument: %s", async (request, message) => {
    expect(await refusal(admin.getSalesReport(request))).toEqual({ code: Code.InvalidArgument, message });
  });

  it("refuses a replay without Kafka (embedded mode) with FailedPrecondition, saying why", async () => {
    expect(await refusal(admin.replayAnalytics({}))).toEqual({
      code: Code.FailedPrecondition,
      message:
        "A replay reads shop.events from Kafka, and this analytics runs without Kafka (embedded mode).",
    });
  });
});
