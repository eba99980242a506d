import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEndpoint } from "../test-support.ts";
import { createSend, payloadOf, type Sendable } from "./send.ts";
import { newSecret, sign } from "./signing.ts";
import type { Resolver } from "./target.ts";

const data = toBinary(OrderPlacedSchema, create(OrderPlacedSchema, { orderId: "o-1", customerId: "c-1" }));
const attributes = {
  specversion: "1.0",
  id: "e-1",
  type: "shop.orders.v1.OrderPlaced",
  source: "/functions/orders",
  subject: "o-1",
  datacontenttype: "application/protobuf",
  dataschema: "buf:shop.orders.v1.OrderPlaced",
  partitionkey: "o-1",
};

describe("sending an attempt", () => {
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  beforeAll(async () => {
    endpoint = await startEndpoint();
  });
  afterAll(() => endpoint.close());

  // partner.test has no DNS record anywhere: only this resolver's answer can make a request reach it.
  let answer = "127.0.0.1";
  const resolve: Resolver = async () => [{ address: answer, family: 4 }];
  const port = () => new URL(endpoint.url).port;
  const delivery = (more: Partial<Sendable> = {}): Sendable => ({
    id: "d-1",
    url: `http://partner.test:${port()}/hooks`,
    format: "protobuf",
    attributes,
    data,
    secret: newSecret(),
    ...more,
  });

  it("connects to the address it checked, with the CloudEvent headers and a signature of the body", async () => {
    const send = createSend({ resolve, allowHosts: [`partner.test:${port()}`] }, 2_000);
    const sent = delivery();
    expect(await send(sent)).toEqual({ status: 204, detail: "" });
    const hit = endpoint.hits.at(-1)!;
    expect(hit.headers).toMatchObject({
      host: `partner.test:${port()}`,
      "ce-id": "e-1",
      "ce-type": "shop.orders.v1.OrderPlaced",
      "content-type": "application/protobuf",
      "webhook-id": "d-1",
    });
    expect(fromBinary(OrderPlacedSchema, hit.body).orderId).toBe("o-1");
    const timestamp = Number(hit.headers["webhook-timestamp"]);
    expect(hit.headers["webhook-signature"]).toBe(sign(sent.secret, "d-1", timestamp, hit.body));
  });

  it("refuses to connect when the host resolves to a forbidden address at delivery time (DNS rebinding)", async () => {
    const send = createSend({ resolve, allowHosts: [] }, 2_000);
    const before = endpoint.hits.length;
    answer = "10.0.0.7";
    const attempt = await send(delivery({ url: "https://partner.test/hooks" }));
    answer = "127.0.0.1";
    expect(attempt).toEqual({
      detail:
        "not sent: The endpoint https://partner.test is refused: partner.test resolves to 10.0.0.7, a private address, which webhooks may not reach.",
    });
    expect(endpoint.hits.length).toBe(before);
  });

  it("sends the JSON form for a JSON endpoint, and refuses for good a type it has no schema of", () => {
    const json = payloadOf("json", attributes, data);
    expect("body" in json && JSON.parse(new TextDecoder().decode(json.body))).toEqual({
      orderId: "o-1",
      customerId: "c-1",
    });
    expect("headers" in json && json.headers["content-type"]).toBe("application/json");
    expect(payloadOf("json", { ...attributes, type: "shop.unknown.v1.Happened" }, data)).toEqual({
      error: "no JSON form is known for events of type shop.unknown.v1.Happened",
    });
  });
});
