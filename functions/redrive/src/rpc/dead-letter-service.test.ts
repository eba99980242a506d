import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { toCloudEvent } from "@shop/runtime";
import { publishedEvents, testClient } from "@shop/runtime/testing";
import { type AdminActionRecorded, AdminActionRecordedSchema } from "@shop/schemas/audit/v1/events";
import { StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import { DeadLetterKind, DeadLetterService, DeadLetterState } from "@shop/schemas/redrive/v1/redrive";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimLetters } from "../redrive/index.ts";
import {
  type Clock,
  deadLettered,
  orderPriced,
  type Redrive,
  type Subscriber,
  startRedrive,
  startSubscriber,
  storedLetters,
  testClock,
  wrappedRecord,
} from "../test-support.ts";

const SECOND = 1000;
const admin = { userId: "root", role: "admin" } as const;
const customer = { userId: "erin", role: "customer" } as const;
const clock: Clock = testClock();
let fn: Redrive;
let subscriber: Subscriber;

beforeAll(async () => {
  fn = await startRedrive(clock);
}, 60_000);
afterAll(() => fn.close());
beforeEach(async () => {
  subscriber = await startSubscriber();
});
afterEach(() => subscriber.close());

const client = (principal: typeof admin | typeof customer = admin) =>
  testClient(fn, DeadLetterService, { principal });

async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(error)}`);
  return { code: error.code, message: error.rawMessage };
}

/** A dead letter of OrderPriced for `orderId`, failed at the subscriber with `code`; its stored id. */
async function deadLetter(orderId: string, code = 500, destination = subscriber.url) {
  const event = orderPriced(orderId);
  await fn.receive(deadLettered(event, { code, reason: `handler answered ${code}`, destination }));
  const letter = (await storedLetters(fn)).find((l) => l.eventId === event.id);
  return { event, id: letter?.id ?? "" };
}

describe("DeadLetterService", { timeout: 30_000 }, () => {
  it("lists letters newest first with reason and age, filtered by type, kind, state and reason, a page at a time", async () => {
    const transient = await deadLetter("o-list-1", 503);
    clock.advance(5 * SECOND);
    const malformed = await deadLetter("o-list-2", 400);
    const { letters } = await (await client()).listDeadLetters({
      eventType: "shop.promotions.v1.OrderPriced",
    });
    const mine = letters.filter((l) => [transient.id, malformed.id].includes(l.id));
    expect(mine.map((l) => l.id)).toEqual([malformed.id, transient.id]);
    expect(mine[1]).toMatchObject({
      eventId: transient.event.id,
      eventType: "shop.promotions.v1.OrderPriced",
      kind: DeadLetterKind.TRANSIENT,
      state: DeadLetterState.WAITING,
      errorCode: 503,
      destination: subscriber.url,
      ageSeconds: 5n,
    });
    expect(mine[1]?.reason).toContain("503");
    expect(mine[0]).toMatchObject({ kind: DeadLetterKind.MALFORMED, state: DeadLetterState.DEAD });

    const c = await client();
    const dead = await c.listDeadLetters({ state: DeadLetterState.DEAD });
    expect(dead.letters.map((l) => l.id)).toContain(malformed.id);
    expect(dead.letters.map((l) => l.id)).not.toContain(transient.id);
    const byKind = await c.listDeadLetters({ kind: DeadLetterKind.TRANSIENT });
    expect(byKind.letters.map((l) => l.id)).toContain(transient.id);
    expect(byKind.letters.map((l) => l.id)).not.toContain(malformed.id);
    expect((await c.listDeadLetters({ reasonContains: "ANSWERED 400" })).letters.map((l) => l.id)).toEqual([
      malformed.id,
    ]);
    expect((await c.listDeadLetters({ eventType: "shop.orders.v1.OrderPlaced" })).letters).toEqual([]);

    const first = await c.listDeadLetters({ pageSize: 1 });
    const second = await c.listDeadLetters({ pageSize: 1, pageToken: first.nextPageToken });
    expect(first.letters).toHaveLength(1);
    expect(second.letters[0]?.id).not.toBe(first.letters[0]?.id);
  });

  it("shows a letter's attributes and its data as JSON", async () => {
    const { event, id } = await deadLetter("o-get", 500);
    const answer = await (await client()).getDeadLetter({ id });
    expect(answer.letter?.id).toBe(id);
    expect(answer.attributes).toMatchObject({
      id: event.id,
      source: "/functions/promotions",
      type: "shop.promotions.v1.OrderPriced",
      partitionkey: "o-get",
    });
    expect(Object.keys(answer.attributes).filter((a) => a.startsWith("knativeerror"))).toEqual([]);
    expect(JSON.parse(answer.dataJson)).toMatchObject({ orderId: "o-get" });
    expect(Buffer.from(answer.data).equals(Buffer.from(event.data!))).toBe(true);
  });

  it("leaves data_json empty for a record that was no CloudEvent", async () => {
    await fn.receive(wrappedRecord(7, subscriber.url, "no CloudEvent"));
    const letter = (await storedLetters(fn)).find((l) => l.eventId === "partition:0/offset:7")!;
    const answer = await (await client()).getDeadLetter({ id: letter.id });
    expect(answer.dataJson).toBe("");
    expect(await refusal((await client()).redriveDeadLetter({ id: letter.id }))).toEqual({
      code: Code.FailedPrecondition,
      message: `Dead letter ${letter.id} cannot be redriven: it was no CloudEvent, so no subscriber can take it.`,
    });
  });

  it("redrives one letter now, once: the same request again changes nothing", async () => {
    const { event, id } = await deadLetter("o-one", 400);
    const c = await client();
    const first = await c.redriveDeadLetter({ id });
    expect(first).toMatchObject({
      redrivenNow: true,
      letter: { state: DeadLetterState.REDRIVEN, attempts: 1 },
    });
    const again = await c.redriveDeadLetter({ id });
    expect(again).toMatchObject({ redrivenNow: false, letter: { state: DeadLetterState.REDRIVEN } });
    expect(subscriber.deliveries.map((d) => d.headers["ce-id"])).toEqual([event.id]);
    // Nor does the tick redrive it again.
    clock.advance(60 * SECOND);
    await fn.tick();
    expect(subscriber.deliveries).toHaveLength(1);
    // The admin's redrive is in the audit log, once, with what it came to.
    const audited = (await publishedEvents(fn)).filter(
      (e) => e.event.type === AdminActionRecordedSchema.typeName && e.event.partitionkey === id,
    );
    expect(audited.map((e) => e.message)).toEqual([
      expect.objectContaining({ actorId: "root", action: "redrive.RedriveDeadLetter", target: id }),
    ]);
    expect(JSON.parse((audited[0]!.message as AdminActionRecorded).after)).toMatchObject({
      state: "redriven",
      status: 200,
    });
  });

  it("leaves a letter under way to the redrive that has it: no second POST", async () => {
    const { id } = await deadLetter("o-under-way", 500);
    // Another replica's tick (or another admin) has just taken it and is POSTing it.
    const [taken] = await fn.app.transaction((tx) =>
      claimLetters(tx, { ids: [id], now: clock.now(), leaseMs: 60_000 }),
    );
    expect(taken?.id).toBe(id);
    const answer = await (await client()).redriveDeadLetter({ id });
    expect(answer).toMatchObject({
      redrivenNow: false,
      letter: { state: DeadLetterState.WAITING, attempts: 0 },
    });
    expect(subscriber.deliveries).toHaveLength(0);
    // Nor does the tick take it while the lease lasts.
    clock.advance(30 * SECOND);
    await fn.tick();
    expect(subscriber.deliveries).toHaveLength(0);
  });

  it("records a failed redrive as the tick does: a refusal keeps it dead with the answer", async () => {
    subscriber.answer = () => ({ status: 422, body: "order unknown" });
    const { id } = await deadLetter("o-refused", 400);
    const { letter, redrivenNow } = await (await client()).redriveDeadLetter({ id });
    expect(redrivenNow).toBe(true);
    expect(letter).toMatchObject({ state: DeadLetterState.DEAD, errorCode: 422, attempts: 1 });
    expect(letter?.lastError).toContain("order unknown");
  });

  it("redrives every letter of a type not redriven yet, each once", async () => {
    // A type no other test dead-letters, so that only these letters are of it.
    const stockReserved = (orderId: string) =>
      toCloudEvent(StockReservedSchema, create(StockReservedSchema, { orderId }), {
        source: "/functions/inventory",
        key: orderId,
      });
    const events = [stockReserved("o-all-1"), stockReserved("o-all-2")];
    await fn.receive(deadLettered(events[0]!, { code: 503, reason: "busy", destination: subscriber.url }));
    await fn.receive(deadLettered(events[1]!, { code: 400, reason: "bad", destination: subscriber.url }));
    const c = await client();
    const type = StockReservedSchema.typeName;
    expect(await c.redriveDeadLetters({ eventType: type })).toEqual(
      expect.objectContaining({ attempted: 2, redriven: 2, failed: 0 }),
    );
    expect(subscriber.deliveries.map((d) => d.headers["ce-id"]).sort()).toEqual(
      events.map((e) => e.id).sort(),
    );
    expect(await c.redriveDeadLetters({ eventType: type })).toEqual(
      expect.objectContaining({ attempted: 0, redriven: 0, failed: 0 }),
    );
    const { letters } = await c.listDeadLetters({ eventType: type });
    expect(letters.map((l) => l.state)).toEqual([DeadLetterState.REDRIVEN, DeadLetterState.REDRIVEN]);
    expect(subscriber.deliveries).toHaveLength(2);
  });

  it("refuses bad input with a sentence", async () => {
    const c = await client();
    expect(await refusal(c.getDeadLetter({ id: "" }))).toEqual({
      code: Code.InvalidArgument,
      message: "Say which dead letter: its id is missing.",
    });
    expect(await refusal(c.getDeadLetter({ id: "not-a-letter" }))).toEqual({
      code: Code.NotFound,
      message: "There is no dead letter not-a-letter.",
    });
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await refusal(c.redriveDeadLetter({ id: unknown }))).toEqual({
      code: Code.NotFound,
      message: `There is no dead letter ${unknown}.`,
    });
    expect(await refusal(c.redriveDeadLetters({ eventType: "" }))).toEqual({
      code: Code.InvalidArgument,
      message: "Say which event type to redrive, such as shop.orders.v1.OrderPlaced.",
    });
    expect(await refusal(c.listDeadLetters({ pageSize: -1 }))).toEqual({
      code: Code.InvalidArgument,
      message: "The page size cannot be negative.",
    });
    expect(await refusal(c.listDeadLetters({ pageToken: "nonsense" }))).toEqual({
      code: Code.InvalidArgument,
      message: "The page token is not valid; start again from the first page.",
    });
    expect(await refusal(c.listDeadLetters({ reasonContains: "x".repeat(201) }))).toEqual({
      code: Code.InvalidArgument,
      message: "The reason to search for has at most 200 characters.",
    });
  });

  it("is for admins only: a customer is refused, a caller without a token asked to log in", async () => {
    const { id } = await deadLetter("o-auth", 500);
    const c = await client(customer);
    const denied = { code: Code.PermissionDenied, message: "Only an administrator may do this." };
    expect(await refusal(c.listDeadLetters({}))).toEqual(denied);
    expect(await refusal(c.getDeadLetter({ id }))).toEqual(denied);
    expect(await refusal(c.redriveDeadLetter({ id }))).toEqual(denied);
    expect(await refusal(c.redriveDeadLetters({ eventType: "shop.promotions.v1.OrderPriced" }))).toEqual(
      denied,
    );
    const anonymous = await testClient(fn, DeadLetterService);
    expect(await refusal(anonymous.listDeadLetters({}))).toMatchObject({ code: Code.Unauthenticated });
    expect(subscriber.deliveries).toHaveLength(0);
  });
});
