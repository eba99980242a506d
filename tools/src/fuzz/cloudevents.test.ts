/**
 * Bad-input fuzzing of the CloudEvents endpoint of every function: 10,000 generated malformed events
 * (missing or bad attributes, wrong content types, wrong sources, protobuf bytes that do not decode,
 * broken structured JSON, oversized bodies), POSTed to `/` as the broker would. Every answer is a 4xx
 * (a 202 only for a type the function does not consume, which DESIGN says is ignored), no function
 * crashes, and not one row of any function's tables changes.
 */

import { create, type DescMessage, toBinary } from "@bufbuild/protobuf";
import type { Shop } from "@shop/platform";
import { defaultEventAudience, expectedSource, MAX_EVENT_BYTES, PING_TYPE } from "@shop/runtime";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, type RawRequest, send, settled, startFuzzShop } from "./harness.ts";
import { invalidProtobuf } from "./protobuf.ts";

const RUNS = Number(process.env.FUZZ_EVENTS ?? 10_000);
const BATCH = 20;
/** FUZZ_SEED replays a failing run (fast-check prints the seed). */
const seed = () => (process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {});

let shop: Shop;
const authorizations: Record<string, string> = {};
let before: Record<string, string>;

beforeAll(async () => {
  shop = await startFuzzShop();
  // Deliveries as the broker sends them, authenticated: the fuzzing is of what comes after the token.
  for (const name of Object.keys(shop.functions)) {
    authorizations[name] = `Bearer ${await shop.issuer.token(defaultEventAudience(name))}`;
  }
  // Once the start-up seed has settled: published and marked, every delivery of it handled.
  before = await settled(shop);
});

afterAll(async () => {
  closeClient();
  await shop?.close();
});

/** The attributes of a well-formed event, before a defect is applied. */
interface Draft {
  fn: string;
  attributes: Record<string, string>;
  contentType: string | undefined;
  data: Uint8Array;
  structured: boolean;
  /** Extra bytes appended to make the body larger than the limit. */
  oversize: boolean;
  /** Raw structured body, replacing the generated one (broken JSON). */
  rawBody?: string;
}

/** What the answer must be: a 4xx, or (for a type the function does not consume) a 4xx or a 202. */
type Expect = "reject" | "reject-or-ignore";

const printable = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 40,
});

function consumed(fn: string): DescMessage[] {
  return (shop.functions[fn]!.definition.subscriptions ?? []).map((s) => s.schema);
}

/** A well-formed event of type `schema` for `fn` (`schema` undefined: a function consuming nothing). */
function draftArb(fn: string, schema: DescMessage | undefined): fc.Arbitrary<Draft> {
  const type = schema?.typeName ?? "shop.catalog.v1.ProductChanged";
  return fc
    .record({
      id: printable,
      subject: printable,
      structured: fc.boolean(),
      // Extensions the function must tolerate: they never make a bad event good.
      extensions: fc.dictionary(fc.stringMatching(/^x[a-z0-9]{1,10}$/), printable, { maxKeys: 3 }),
    })
    .map(({ id, subject, structured, extensions }) => ({
      fn,
      attributes: { specversion: "1.0", id, source: expectedSource(type), type, subject, ...extensions },
      contentType: "application/protobuf",
      data: schema ? toBinary(schema, create(schema)) : new Uint8Array(),
      structured,
      oversize: false,
    }));
}

/** One fatal defect applied to a draft, with what the answer must be. */
type Case = { draft: Draft; expect: Expect; defect: string };

/** Malformed events for `fn`, each a well-formed event of `schema` with one fatal defect. */
function casesFor(fn: string, schema: DescMessage | undefined): fc.Arbitrary<Case> {
  return draftArb(fn, schema).chain(withDefect);
}

function withDefect(draft: Draft): fc.Arbitrary<Case> {
  const schemas = consumed(draft.fn);
  const schema = schemas.find((s) => s.typeName === draft.attributes.type);
  const set = (change: Partial<Draft>, expect: Expect, defect: string) => ({
    draft: { ...draft, ...change },
    expect,
    defect,
  });
  const attrs = (change: Record<string, string | undefined>) => {
    const next = { ...draft.attributes, ...change };
    for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k];
    return next as Record<string, string>;
  };
  const options: fc.Arbitrary<{ draft: Draft; expect: Expect; defect: string }>[] = [
    fc
      .constantFrom("id", "source", "type", "specversion")
      .map((name) => set({ attributes: attrs({ [name]: undefined }) }, "reject", `no ${name}`)),
    printable
      .filter((v) => v !== "1.0" && v !== "0.3")
      .map((v) => set({ attributes: attrs({ specversion: v }) }, "reject", "bad specversion")),
    fc
      .constantFrom(
        undefined,
        "application/json",
        "text/plain",
        "application/octet-stream",
        "application/x-protobuf",
        "application/protobuf; proto=x",
        "application/xml",
      )
      .map((contentType) =>
        set({ contentType }, schema ? "reject" : "reject-or-ignore", `content type ${contentType}`),
      ),
    printable
      .filter((s) => s !== draft.attributes.source)
      .map((source) =>
        set({ attributes: attrs({ source }) }, schema ? "reject" : "reject-or-ignore", "wrong source"),
      ),
    printable
      .filter((t) => t !== PING_TYPE && !schemas.some((s) => s.typeName === t))
      .map((type) => set({ attributes: attrs({ type }) }, "reject-or-ignore", "unconsumed type")),
    fc
      .constantFrom("{", "[]", "null", '{"specversion":"1.0"', '"x"', "{}", '{"data":1}', "\u0000\u0001")
      .map((rawBody) => set({ structured: true, rawBody }, "reject", "broken structured body")),
  ];
  if (schema) {
    options.push(
      invalidProtobuf(schema).map((data) => set({ data }, "reject", "protobuf that does not decode")),
    );
    options.push(
      fc.constantFrom("x", "hello", '{"a":1}').map((text) =>
        set(
          {
            structured: true,
            rawBody: JSON.stringify({
              ...draft.attributes,
              datacontenttype: "application/protobuf",
              data: text,
            }),
          },
          "reject",
          "structured data not bytes",
        ),
      ),
    );
  }
  // Oversized bodies are slow to send: a few suffice.
  const oversized = fc.constant(set({ oversize: true }, "reject", "oversized"));
  return fc.oneof(...options.map((arbitrary) => ({ arbitrary, weight: 20 })), {
    arbitrary: oversized,
    weight: 1,
  });
}

const padding = new Uint8Array(MAX_EVENT_BYTES + 1);
const paddingText = "x".repeat(MAX_EVENT_BYTES + 1);

function toRequest(draft: Draft): RawRequest {
  const path = `/functions/${draft.fn}/`;
  if (draft.structured) {
    const body =
      draft.rawBody ??
      JSON.stringify({
        ...draft.attributes,
        ...(draft.contentType ? { datacontenttype: draft.contentType } : {}),
        data_base64: Buffer.from(draft.data).toString("base64"),
        ...(draft.oversize ? { pad: paddingText } : {}),
      });
    return {
      method: "POST",
      path,
      headers: {
        "content-type": "application/cloudevents+json",
        authorization: authorizations[draft.fn] ?? "",
      },
      body: new TextEncoder().encode(body),
    };
  }
  const headers: Record<string, string> = { authorization: authorizations[draft.fn] ?? "" };
  for (const [name, value] of Object.entries(draft.attributes)) headers[`ce-${name}`] = value;
  if (draft.contentType) headers["content-type"] = draft.contentType;
  return { method: "POST", path, headers, body: draft.oversize ? padding : draft.data };
}

describe("malformed CloudEvents", () => {
  it(`${RUNS} malformed events: every answer a 4xx (or 202 for an unconsumed type), nothing written`, async () => {
    const names = Object.keys(shop.functions);
    const outcomes: Record<string, number> = {};
    const arbitrary = fc.oneof(
      ...names.flatMap((fn) => {
        const schemas = consumed(fn);
        return schemas.length ? schemas.map((schema) => casesFor(fn, schema)) : [casesFor(fn, undefined)];
      }),
    );
    // Sent BATCH at a time, concurrently, as a broker with several partitions would.
    const batch = fc.array(arbitrary, { minLength: BATCH, maxLength: BATCH });
    await fc.assert(
      fc.asyncProperty(batch, async (cases) => {
        await Promise.all(
          cases.map(async ({ draft, expect: expected, defect }) => {
            const res = await send(shop.url, toRequest(draft));
            const key = `${defect} → ${res.status}`;
            outcomes[key] = (outcomes[key] ?? 0) + 1;
            const ok =
              (res.status >= 400 && res.status < 500) ||
              (expected === "reject-or-ignore" && res.status === 202);
            if (!ok)
              throw new Error(`${defect}: answered ${res.status} ${res.body.toString("utf8").slice(0, 200)}`);
          }),
        );
      }),
      { numRuns: Math.ceil(RUNS / BATCH), ...seed() },
    );
    // Still alive, and nothing changed in any table of any function.
    for (const name of names) {
      const res = await send(shop.url, {
        method: "GET",
        path: `/functions/${name}/health/liveness`,
        headers: {},
      });
      expect(res.status).toBe(200);
    }
    expect(await settled(shop)).toEqual(before);
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(RUNS);
    console.info(`CloudEvents fuzz: ${RUNS} events, outcomes by defect and status:`, outcomes);
  }, 180_000);
});
