import { create } from "@bufbuild/protobuf";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { CloudEvent, HTTP } from "cloudevents";
import { describe, expect, it } from "vitest";
import {
  decodeEvent,
  fromHttp,
  fromKafkaRecord,
  MalformedEventError,
  PROTOBUF,
  type ShopCloudEvent,
  toCloudEvent,
  toHttpBinary,
  toKafkaRecord,
} from "./codec.ts";

const placed = create(OrderPlacedSchema, {
  orderId: "o-1",
  customerId: "c-1",
  couponCode: "SAVE10",
  subtotal: { amountMinor: 12_345n, currency: "EUR" },
  lines: [{ productId: "p-1", quantity: 2, unitPrice: { amountMinor: 5_000n, currency: "EUR" } }],
});
const event = toCloudEvent(OrderPlacedSchema, placed, { source: "/functions/orders", key: "o-1" });

describe("event codec", () => {
  it("names the event after the message and keys it by the aggregate", () => {
    expect(event.type).toBe("shop.orders.v1.OrderPlaced");
    expect(event.subject).toBe("o-1");
    expect(event.partitionkey).toBe("o-1");
    expect(event.datacontenttype).toBe(PROTOBUF);
  });

  it("round-trips through HTTP binary mode", () => {
    const { headers, body } = toHttpBinary(event);
    expect(headers["ce-type"]).toBe("shop.orders.v1.OrderPlaced");
    const decoded = decodeEvent(fromHttp(headers, body));
    expect(decoded?.message).toEqual(placed);
    expect(decoded?.event.id).toBe(event.id);
  });

  it("round-trips through HTTP structured mode (data_base64)", () => {
    const { headers, body } = HTTP.structured(event);
    const decoded = decodeEvent(fromHttp(headers, Buffer.from(body as string)));
    expect(decoded?.message).toEqual(placed);
  });

  it("reads back from HTTP, in either mode, the event sent: every attribute, the data as plain bytes", () => {
    const traced = toCloudEvent(OrderPlacedSchema, placed, {
      source: "/functions/orders",
      key: "o-1",
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    });
    const binary = toHttpBinary(traced);
    const structured = HTTP.structured(traced);
    for (const received of [
      fromHttp(binary.headers, Buffer.from(binary.body)),
      fromHttp(structured.headers, Buffer.from(structured.body as string)),
    ]) {
      expect(received.toJSON()).toEqual(traced.toJSON());
      expect(Object.getPrototypeOf(received.data)).toBe(Uint8Array.prototype);
      expect(received.data_base64).toBe(Buffer.from(traced.data ?? []).toString("base64"));
    }
  });

  it("round-trips through the Kafka binary binding with the partition key as record key", () => {
    const record = toKafkaRecord(event);
    expect(record.key).toBe("o-1");
    expect(record.headers.ce_type).toBe("shop.orders.v1.OrderPlaced");
    expect(record.headers["content-type"]).toBe(PROTOBUF);
    const decoded = decodeEvent(fromKafkaRecord(record));
    expect(decoded?.message).toEqual(placed);
    expect(decoded?.event.partitionkey).toBe("o-1");
  });

  it("leaves an unknown type to the caller", () => {
    const unknown = event.cloneWith({ type: "com.example.Unknown" }) as ShopCloudEvent;
    expect(decodeEvent(unknown)).toBeUndefined();
  });

  it("rejects bytes that are not the message its type names", () => {
    const bad = event.cloneWith({ data: new Uint8Array([0xff, 0xff, 0xff]) }) as ShopCloudEvent;
    expect(() => decodeEvent(bad)).toThrow(MalformedEventError);
  });

  it("rejects data that is not protobuf", () => {
    const json = new CloudEvent({ ...event.toJSON(), data: { a: 1 }, datacontenttype: "application/json" });
    expect(() => decodeEvent(json as unknown as ShopCloudEvent)).toThrow(/datacontenttype/);
  });

  it("rejects an HTTP request that is no CloudEvent", () => {
    expect(() => fromHttp({ "content-type": PROTOBUF }, new Uint8Array([1]))).toThrow(MalformedEventError);
    expect(() => fromHttp({ "ce-specversion": "1.0", "ce-type": "x" }, new Uint8Array())).toThrow(
      MalformedEventError,
    );
    const structured = JSON.stringify({ specversion: "!", id: "1", source: "/s", type: "t" });
    expect(() =>
      fromHttp({ "content-type": "application/cloudevents+json" }, new TextEncoder().encode(structured)),
    ).toThrow(/specversion/);
    const anonymous = JSON.stringify({ specversion: "1.0", source: "/s", type: "t" });
    expect(() =>
      fromHttp({ "content-type": "application/cloudevents+json" }, new TextEncoder().encode(anonymous)),
    ).toThrow(/no id/);
    expect(() =>
      fromHttp({ "ce-specversion": "1.0", "ce-source": "/s", "ce-type": "t" }, new Uint8Array()),
    ).toThrow(MalformedEventError);
  });
});
