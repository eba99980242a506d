/**
 * Issue 15, item 2: after full purchases on real Kafka and Postgres, no payment token is anywhere a
 * party other than payments can read: not in any record of shop.events or its dead-letter topic, not
 * in any row of any table of any function (outboxes included), not in any log line. Tokens travel
 * sealed for payments (Vault Transit); payments still charges with the right one.
 */
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { DEV_ADMIN, loginAs, placeOrderWhenKnown, type Shop, shopClients, startShop } from "@shop/platform";
import { createTestDatabase, testTopic, waitFor } from "@shop/runtime/testing";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readTopic } from "../faults/topics.ts";
import { revealsToken } from "./reveals-token.ts";

const TOKENS = ["tok_visa", "tok_declined", "tok_unavailable", "tok_timeout"];
const lines: string[] = [];
let shop: Shop;
let brokers: string[];
const topic = testTopic("shop");
const dlqTopic = testTopic("dlq");

beforeAll(async () => {
  brokers = [inject("kafkaBrokers")];
  const logDestination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      callback();
    },
  });
  shop = await startShop({
    databaseUrl: await createTestDatabase(inject("databaseUrl")),
    kafkaBrokers: brokers,
    topic,
    dlqTopic,
    // Every line any level writes, the runner's and every function's.
    logLevel: "trace",
    logDestination,
  });
});
afterAll(() => shop?.close());

/** Rows of every table of every function's schema, as JSON text (bytea as hex). */
async function everyRow(): Promise<{ table: string; text: string }[]> {
  const rows: { table: string; text: string }[] = [];
  for (const [name, fn] of Object.entries(shop.functions)) {
    const tables = (await fn.app.db.execute(
      sql`select table_name from information_schema.tables where table_schema = ${name}`,
    )) as unknown as { table_name: string }[];
    for (const { table_name } of tables) {
      const found = (await fn.app.db.execute(
        sql`select row_to_json(t)::text as text from ${sql.identifier(name)}.${sql.identifier(table_name)} t`,
      )) as unknown as { text: string }[];
      for (const { text } of found) rows.push({ table: `${name}.${table_name}`, text });
    }
  }
  return rows;
}

async function unpublished(): Promise<number> {
  let count = 0;
  for (const [name, fn] of Object.entries(shop.functions)) {
    const [row] = (await fn.app.db.execute(
      sql`select count(*)::int as n from ${sql.identifier(name)}.outbox where published_at is null`,
    )) as unknown as { n: number }[];
    count += row?.n ?? 0;
  }
  return count;
}

describe("no payment token on the bus, in the outboxes, tables or logs", () => {
  it("after purchases that confirm, decline, retry and time out, no party but payments can read a token", async () => {
    const admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
    const { product } = await admin.catalog.upsertProduct({
      product: {
        name: "Sealed Mug",
        description: "A mug",
        price: { amountMinor: 900n, currency: "EUR" },
        category: "kitchen",
        imageUrl: "",
        active: true,
      },
    });
    await admin.inventory.setStock({ productId: product?.id ?? "", available: 50 });
    const email = `buyer-${randomUUID().slice(0, 8)}@example.com`;
    await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
    const { clients } = await loginAs(shop.url, email, "correct horse battery");

    const { CONFIRMED, CANCELLED } = OrderStatus;
    const expected = {
      tok_visa: CONFIRMED,
      tok_declined: CANCELLED,
      tok_unavailable: CONFIRMED,
      tok_timeout: CONFIRMED,
    };
    const placed = new Map<string, OrderStatus>();
    for (const token of TOKENS) {
      const order = await placeOrderWhenKnown(clients, {
        lines: [{ productId: product?.id ?? "", quantity: 1 }],
        paymentToken: token,
        idempotencyKey: randomUUID(),
      });
      placed.set(order.id, expected[token as keyof typeof expected]);
    }
    // The saga still charges with the right tokens: only tok_declined is refused.
    for (const [id, status] of placed) {
      await waitFor(async () => (await clients.orders.getOrder({ id })).order?.status === status, {
        message: `order ${id} to be ${OrderStatus[status]}`,
        timeoutMs: 60_000,
      });
    }
    await waitFor(async () => (await unpublished()) === 0, { message: "every outbox row published" });

    const rows = await everyRow();
    const outboxRows = rows.filter((row) => row.table.endsWith(".outbox"));
    const events = await waitFor(
      async () => {
        const read = await readTopic(brokers, topic);
        return read.length >= outboxRows.length ? read : undefined;
      },
      { message: `the ${outboxRows.length} published events on ${topic}` },
    );
    const deadLetters = await readTopic(brokers, dlqTopic);
    const records = [...events, ...deadLetters].map((record) => ({
      where: `${record.headers.ce_type} at ${record.partition}/${record.offset}`,
      text: [record.value?.toString("latin1") ?? "", JSON.stringify(record.headers), record.key ?? ""].join(
        "\n",
      ),
    }));

    // The checks can fail: the sealed tokens are there, and they are what a search would find otherwise.
    expect(events.some((record) => record.value?.toString("latin1").includes("vault:v1:"))).toBe(true);
    expect(outboxRows.length).toBeGreaterThanOrEqual(4 * 3);
    expect(lines.length).toBeGreaterThan(0);
    for (const token of TOKENS) {
      for (const { where, text } of records)
        expect(revealsToken(text, token), `${token} in ${where}`).toBe(false);
      for (const { table, text } of rows)
        expect(revealsToken(text, token), `${token} in ${table}`).toBe(false);
      for (const line of lines) expect(revealsToken(line, token), `${token} in a log line`).toBe(false);
    }
  });
});
