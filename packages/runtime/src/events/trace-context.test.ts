import { create } from "@bufbuild/protobuf";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { HTTP } from "cloudevents";
import { describe, expect, it } from "vitest";
import { parseTraceparent } from "../tracing/traceparent.ts";
import {
  fromHttp,
  fromKafkaRecord,
  type ShopCloudEvent,
  toCloudEvent,
  toHttpBinary,
  toKafkaRecord,
} from "./codec.ts";

const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const tracestate = "shop=o-1,congo=t61rcWkgMzE";
const event = toCloudEvent(OrderPlacedSchema, create(OrderPlacedSchema, { orderId: "o-1" }), {
  source: "/functions/orders",
  key: "o-1",
  traceparent,
  tracestate,
});

/** CloudEvent → Kafka record → CloudEvent → HTTP binary → CloudEvent → HTTP structured → CloudEvent. */
function throughEveryBinding(start: ShopCloudEvent) {
  const record = toKafkaRecord(start);
  const fromKafka = fromKafkaRecord(record);
  const binary = toHttpBinary(fromKafka);
  const fromBinary = fromHttp(binary.headers, binary.body);
  const structured = HTTP.structured(fromBinary);
  const fromStructured = fromHttp(structured.headers, Buffer.from(structured.body as string));
  return { record, binary, structured, fromKafka, fromBinary, fromStructured };
}

describe("the distributed-tracing extension", () => {
  it("travels as ce_traceparent/ce_tracestate on Kafka, ce- headers over HTTP, attributes in structured mode", () => {
    const hops = throughEveryBinding(event);
    expect(hops.record.headers.ce_traceparent).toBe(traceparent);
    expect(hops.record.headers.ce_tracestate).toBe(tracestate);
    expect(hops.binary.headers["ce-traceparent"]).toBe(traceparent);
    expect(hops.binary.headers["ce-tracestate"]).toBe(tracestate);
    const json = JSON.parse(hops.structured.body as string) as Record<string, unknown>;
    expect(json.traceparent).toBe(traceparent);
    expect(json.tracestate).toBe(tracestate);
  });

  it("comes out of the last hop as it went in, a valid remote span context", () => {
    const { fromKafka, fromBinary, fromStructured } = throughEveryBinding(event);
    for (const hop of [fromKafka, fromBinary, fromStructured]) {
      expect(hop.traceparent).toBe(traceparent);
      expect(hop.tracestate).toBe(tracestate);
    }
    const parent = parseTraceparent(String(fromStructured.traceparent), String(fromStructured.tracestate));
    expect(parent).toMatchObject({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" });
    expect(parent?.traceState?.get("shop")).toBe("o-1");
  });

  it("is absent everywhere when the event has none", () => {
    const bare = toCloudEvent(OrderPlacedSchema, create(OrderPlacedSchema, { orderId: "o-2" }), {
      source: "/functions/orders",
      key: "o-2",
    });
    const { record, binary, fromStructured } = throughEveryBinding(bare);
    expect(record.headers.ce_traceparent).toBeUndefined();
    expect(binary.headers["ce-traceparent"]).toBeUndefined();
    expect(fromStructured.traceparent).toBeUndefined();
  });

  it("refuses a traceparent that is not W3C trace context", () => {
    expect(parseTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).toBeUndefined();
    expect(parseTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toBeUndefined();
    expect(parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")).toBeUndefined();
  });
});
