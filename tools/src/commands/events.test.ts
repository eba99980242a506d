/**
 * `shop events tail` against the embedded shop: events published to the in-memory log reach the CLI
 * through `/admin/events`, decoded and filtered by type and order.
 */

import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { createAdminEvents } from "@shop/platform";
import { createMemoryLog, type LogRecord, toCloudEvent, toKafkaRecord } from "@shop/runtime";
import { waitFor } from "@shop/runtime/testing";
import { OrderCancelledSchema, OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatEvent, passes, viewRecord } from "./event-view.ts";
import { tailEmbedded } from "./events.ts";

const log = createMemoryLog();
let server: Server;
let url: string;

const placed = (orderId: string) =>
  toKafkaRecord(
    toCloudEvent(
      OrderPlacedSchema,
      create(OrderPlacedSchema, { orderId, customerId: "c-1", couponCode: "X" }),
      {
        source: "/functions/orders",
        key: orderId,
      },
    ),
  );

beforeAll(async () => {
  await log.ensureTopics(["shop.events"]);
  server = createServer(createAdminEvents(log, "shop.events"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await log.close();
});

describe("shop events tail (embedded)", () => {
  it("streams the log from the beginning, decoded", async () => {
    await log.publish("shop.events", [placed("o-1")]);
    const seen: LogRecord[] = [];
    const stop = new AbortController();
    const tail = tailEmbedded(url, true, (r) => seen.push(r), stop.signal);
    await waitFor(() => seen.length >= 1, { message: "the first event" });
    await log.publish("shop.events", [
      toKafkaRecord(
        toCloudEvent(
          OrderCancelledSchema,
          create(OrderCancelledSchema, { orderId: "o-2", reason: "No stock." }),
          {
            source: "/functions/orders",
            key: "o-2",
          },
        ),
      ),
    ]);
    await waitFor(() => seen.length >= 2, { message: "the event published while tailing" });
    stop.abort();
    await tail;

    const [first, second] = seen.map(viewRecord);
    expect(first).toMatchObject({
      type: "shop.orders.v1.OrderPlaced",
      source: "/functions/orders",
      key: "o-1",
      message: { orderId: "o-1", customerId: "c-1", couponCode: "X" },
    });
    expect(passes(first!, { types: ["shop.orders.v1.*"], order: "o-1" })).toBe(true);
    expect(passes(second!, { order: "o-1" })).toBe(false);
    expect(passes(second!, { types: ["shop.orders.v1.OrderPlaced"] })).toBe(false);
    const text = formatEvent(second!);
    expect(text).toContain("shop.orders.v1.OrderCancelled  /functions/orders  key=o-2");
    expect(text).toContain('"reason": "No stock."');
  });

  it("refuses a request that does not come from this machine by name", async () => {
    // fetch may not set Host; node:http may, as a DNS-rebinding page's request would carry it.
    const status = await new Promise<number | undefined>((resolve, reject) =>
      request(`${url}/admin/events`, { headers: { host: "evil.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on("error", reject)
        .end(),
    );
    expect(status).toBe(403);
  });
});
