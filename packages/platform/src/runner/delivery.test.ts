import { describe, expect, it } from "vitest";
import { backoffMs, deliverWithRetries, encodeHeaderValue, isRetryable, recordToEvent } from "./delivery.ts";

const body = new Uint8Array(0);

describe("recordToEvent", () => {
  const record = {
    topic: "t",
    partition: 0,
    offset: "0",
    key: "k",
    value: new Uint8Array([1, 2]),
    headers: {
      ce_specversion: "1.0",
      ce_id: "1",
      ce_source: "/functions/orders",
      ce_type: "shop.orders.v1.OrderPlaced",
      ce_partitionkey: "k",
      "content-type": "application/protobuf",
      other: "ignored",
    },
  };

  it("reads ce_ headers, content-type and the value", () => {
    expect(recordToEvent(record)).toEqual({
      attributes: {
        specversion: "1.0",
        id: "1",
        source: "/functions/orders",
        type: "shop.orders.v1.OrderPlaced",
        partitionkey: "k",
        datacontenttype: "application/protobuf",
      },
      data: record.value,
    });
  });

  it("says what is missing from a record that is not a CloudEvent", () => {
    const { ce_id: _, ...noId } = record.headers;
    expect(recordToEvent({ ...record, headers: noId })).toEqual({
      invalid: "not a CloudEvent: missing ce_id",
    });
    expect(recordToEvent({ ...record, headers: {} })).toEqual({
      invalid: "not a CloudEvent 1.0: ce_specversion is missing",
    });
  });
});

describe("isRetryable", () => {
  it.each([
    [500, true],
    [503, true],
    [404, true],
    [408, true],
    [409, true],
    [429, true],
    [400, false],
    [401, false],
    [403, false],
    [422, false],
  ])("status %i: %s", (status, expected) => {
    expect(isRetryable({ delivered: false, status, body })).toBe(expected);
  });

  it("retries network failures", () => {
    expect(isRetryable({ delivered: false, body, error: "ECONNREFUSED" })).toBe(true);
  });
});

describe("backoffMs", () => {
  it("grows linearly or exponentially from the delay", () => {
    const linear = [1, 2, 3].map((n) => backoffMs({ backoffPolicy: "linear", backoffDelayMs: 200 }, n));
    const exponential = [1, 2, 3].map((n) =>
      backoffMs({ backoffPolicy: "exponential", backoffDelayMs: 200 }, n),
    );
    expect(linear).toEqual([200, 400, 600]);
    expect(exponential).toEqual([400, 800, 1600]);
  });
});

describe("encodeHeaderValue", () => {
  it("percent-encodes what HTTP headers cannot carry, as the CloudEvents HTTP binding says", () => {
    expect(encodeHeaderValue("/functions/orders")).toBe("/functions/orders");
    expect(encodeHeaderValue('a b"c%d')).toBe("a%20b%22c%25d");
    expect(encodeHeaderValue("zürich €")).toBe("z%C3%BCrich%20%E2%82%AC");
  });
});

describe("deliverWithRetries to a subscriber in this process", () => {
  const event = {
    attributes: {
      specversion: "1.0",
      id: "e-1",
      source: "/functions/orders",
      type: "shop.orders.v1.OrderPlaced",
      datacontenttype: "application/protobuf",
      partitionkey: "order 1",
    },
    data: new Uint8Array([1, 2, 3]),
  };
  const delivery = { retry: 2, backoffDelayMs: 1, backoffPolicy: "linear" as const };

  it("hands it the headers and body the POST would carry, with the token, and reads the answer", async () => {
    const seen: { headers: Record<string, string>; body: Uint8Array }[] = [];
    const attempt = await deliverWithRetries("http://unused/", event, delivery, 1_000, {
      signal: new AbortController().signal,
      token: async () => "t0ken",
      receiver: async (headers, body) => {
        seen.push({ headers, body });
        return { status: 200, body: "handled" };
      },
    });
    expect(attempt).toMatchObject({ delivered: true, status: 200 });
    expect(new TextDecoder().decode(attempt.body)).toBe("handled");
    expect(seen).toEqual([
      {
        headers: {
          authorization: "Bearer t0ken",
          "ce-specversion": "1.0",
          "ce-id": "e-1",
          "ce-source": "/functions/orders",
          "ce-type": "shop.orders.v1.OrderPlaced",
          "content-type": "application/protobuf",
          "ce-partitionkey": "order%201",
        },
        body: event.data,
      },
    ]);
  });

  it("retries a 5xx and a receiver that throws, and gives up on a 400 at once", async () => {
    const answers: (() => Promise<{ status: number; body: string }>)[] = [
      async () => ({ status: 500, body: "handler failed" }),
      async () => {
        throw new Error("gone");
      },
      async () => ({ status: 200, body: "handled" }),
    ];
    let retries = 0;
    const retried = await deliverWithRetries("http://unused/", event, delivery, 1_000, {
      signal: new AbortController().signal,
      onRetry: () => retries++,
      receiver: () => answers.shift()!(),
    });
    expect(retried).toMatchObject({ delivered: true, status: 200 });
    expect(retries).toBe(2);

    let calls = 0;
    const refused = await deliverWithRetries("http://unused/", event, delivery, 1_000, {
      signal: new AbortController().signal,
      receiver: async () => {
        calls++;
        return { status: 400, body: "not a CloudEvent" };
      },
    });
    expect(refused).toMatchObject({ delivered: false, status: 400 });
    expect(calls).toBe(1);
  });

  it("stops waiting after the timeout, as for an HTTP subscriber that does not answer", async () => {
    const attempt = await deliverWithRetries("http://unused/", event, { retry: 0 }, 20, {
      signal: new AbortController().signal,
      receiver: () => new Promise(() => {}),
    });
    expect(attempt).toMatchObject({ delivered: false, error: "no answer within 20 ms: timeout" });
  });
});
