/**
 * What the back office's browser test makes besides clicks: a real PNG picture to upload, and a dead
 * letter on the shop's dead-letter topic as the broker leaves one (the original CloudEvent with
 * Knative's error extensions), for redrive to take in and the back office to show.
 */
import { randomUUID } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";
import { create } from "@bufbuild/protobuf";
import type { Shop } from "@shop/platform";
import { toCloudEvent, toKafkaRecord } from "@shop/runtime";
import { ProductChangedSchema } from "@shop/schemas/catalog/v1/events";

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A `size`×`size` PNG of one colour (RGB), built by hand so the test needs no image library. */
export function solidPng(size: number, [r, g, b]: [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, no interlace
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(Array.from({ length: size }, () => [r, g, b]).flat()),
  ]);
  const pixels = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * Leaves a dead letter as the broker does when a subscriber refuses an event with 400: a
 * ProductChanged of a product nobody sells, addressed to orders. The event itself is sound, so a
 * redrive by hand is taken. Returns the event's id.
 */
export async function leaveDeadLetter(shop: Shop, dlqTopic = "shop.events.dlq"): Promise<string> {
  const productId = `dead-letter-${randomUUID().slice(0, 8)}`;
  const event = toCloudEvent(
    ProductChangedSchema,
    create(ProductChangedSchema, { productId, name: "Nobody's product", category: "test", version: 1n }),
    { source: "/functions/catalog", key: productId },
  );
  const record = toKafkaRecord(event);
  await shop.log.publish(dlqTopic, [
    {
      ...record,
      headers: {
        ...record.headers,
        ce_knativeerrorcode: "400",
        ce_knativeerrordata: Buffer.from("the product is not known yet").toString("base64"),
        ce_knativeerrordest: `${shop.url}/functions/orders/`,
      },
    },
  ]);
  return event.id;
}
