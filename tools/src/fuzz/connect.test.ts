/**
 * Bad-input fuzzing of every Connect endpoint: generated malformed requests (bodies that do not decode
 * as JSON or protobuf, unknown and mistyped fields, wrong content types, methods, protocol versions,
 * timeouts, compression, oversized bodies, broken GET queries and stream envelopes), as anonymous,
 * customer, admin and forged callers. Every answer carries a precise Connect code (never internal or
 * unknown) and no 5xx other than 501 Unimplemented; no function crashes and no table changes.
 */

import { type DescMethod, type DescService, fromJson } from "@bufbuild/protobuf";
import { DEV_ADMIN, loginAs, type Shop, shopClients } from "@shop/platform";
import { CatalogService } from "@shop/schemas/catalog/v1/catalog";
import { IdentityService } from "@shop/schemas/identity/v1/identity";
import { InventoryService } from "@shop/schemas/inventory/v1/inventory";
import { OrderService } from "@shop/schemas/orders/v1/orders";
import { PromotionService } from "@shop/schemas/promotions/v1/promotions";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeClient, type RawRequest, type RawResponse, send, settled, startFuzzShop } from "./harness.ts";
import { invalidProtobuf } from "./protobuf.ts";

/** Stands for a body larger than the 1 MiB read limit. */
const OVERSIZED = new TextEncoder().encode("<oversized>");
const oversizedBody = new Uint8Array(1024 * 1024 + 16).fill(0x20);
const RUNS = Number(process.env.FUZZ_RPCS ?? 4_000);
const BATCH = 20;
const seed = () => (process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {});
const SERVICES: DescService[] = [
  CatalogService,
  IdentityService,
  InventoryService,
  OrderService,
  PromotionService,
];
const METHODS: DescMethod[] = SERVICES.flatMap((s) => s.methods);
/** Internal errors connect-es itself gives for bad requests (see `verdict`). */
const LIBRARY_INTERNALS = ["parse binary:", "decompression failed"];
/** Codes that say "the server broke" rather than "your request is wrong". */
const VAGUE = new Set(["internal", "unknown", "data_loss", "unavailable"]);

let shop: Shop;
let before: Record<string, string>;
const tokens: Record<string, string | undefined> = {
  anonymous: undefined,
  forged: "eyJhbGciOiJFZERTQSJ9.e30.AAAA",
};

beforeAll(async () => {
  shop = await startFuzzShop();
  tokens.admin = (await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password)).tokens.accessToken;
  const email = `fuzz-${Date.now()}@example.com`;
  await shopClients(shop.url).identity.register({ email, password: "correct horse battery" });
  tokens.customer = (await loginAs(shop.url, email, "correct horse battery")).tokens.accessToken;
  before = await settled(shop);
});

afterAll(async () => {
  closeClient();
  await shop?.close();
});

const path = (m: DescMethod) => `/${m.parent.typeName}/${m.name}`;

function decodesAsJson(m: DescMethod, text: string): boolean {
  try {
    // As the server reads it: connect-es ignores unknown JSON fields.
    fromJson(m.input, JSON.parse(text), { ignoreUnknownFields: true });
    return true;
  } catch {
    return false;
  }
}

/** JSON text that is not a valid `m` request: broken syntax, mistyped known keys, not an object. */
function invalidJson(m: DescMethod): fc.Arbitrary<string> {
  const names = m.input.fields.map((f) => f.jsonName);
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom("abc", -1.5, 1e40, true, [], {}, null),
  );
  const object = fc.dictionary(
    names.length
      ? fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 }))
      : fc.string({ maxLength: 8 }),
    value,
    { maxKeys: 4 },
  );
  const text = fc.oneof(
    object.map((o) => JSON.stringify(o)),
    object.map((o) => JSON.stringify(o).slice(0, -1)),
    fc.string({ maxLength: 40 }),
    fc.constantFrom("", "null", "[]", "1", '"x"', "{", "{]"),
  );
  return text.filter((t) => !decodesAsJson(m, t));
}

interface Case {
  request: RawRequest;
  defect: string;
}

const streaming = (m: DescMethod) => m.methodKind === "server_streaming";

function envelope(flags: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, payload.length);
  out.set(payload, 5);
  return out;
}

/** Malformed requests for `m`. */
function casesFor(m: DescMethod): fc.Arbitrary<Case> {
  const unaryType = (enc: "json" | "proto") =>
    streaming(m) ? `application/connect+${enc}` : `application/${enc}`;
  const wrap = (body: Uint8Array) => (streaming(m) ? envelope(0, body) : body);
  const post = (contentType: string | undefined, body: Uint8Array, extra: Record<string, string> = {}) => ({
    method: "POST",
    path: path(m),
    headers: {
      ...(contentType ? { "content-type": contentType } : {}),
      "connect-protocol-version": "1",
      ...extra,
    },
    body,
  });
  const text = (s: string) => new TextEncoder().encode(s);
  const options: fc.Arbitrary<Case>[] = [
    invalidJson(m).map((t) => ({ request: post(unaryType("json"), wrap(text(t))), defect: "invalid json" })),
    invalidProtobuf(m.input).map((b) => ({
      request: post(unaryType("proto"), wrap(b)),
      defect: "invalid protobuf",
    })),
    fc
      .constantFrom(
        undefined,
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "application/jsonx",
        "multipart/form-data",
      )
      .map((ct) => ({ request: post(ct, text("{}")), defect: `content type ${ct}` })),
    // (A wrong connect-protocol-version alone is no defect: connect-node does not require the header.)
    fc.constantFrom("abc", "-1", "99999999999", "1.5").map((v) => ({
      request: post(unaryType("json"), wrap(text("{")), { "connect-timeout-ms": v }),
      defect: "timeout",
    })),
    fc.constantFrom("br", "zstd", "x-nope").map((enc) => ({
      request: post(
        unaryType("json"),
        wrap(text("{}")),
        streaming(m) ? { "connect-content-encoding": enc } : { "content-encoding": enc },
      ),
      defect: "unknown compression",
    })),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => ({
      request: post(
        unaryType("json"),
        streaming(m) ? envelope(1, b) : b,
        streaming(m) ? { "connect-content-encoding": "gzip" } : { "content-encoding": "gzip" },
      ),
      defect: "gzip that is not gzip",
    })),
    fc.constantFrom("PUT", "DELETE", "PATCH").map((method) => ({
      request: { ...post(unaryType("json"), wrap(text("{}"))), method },
      defect: "method",
    })),
    fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((n) => /^[A-Za-z0-9]+$/.test(n) && !m.parent.methods.some((x) => x.name === n))
      .map((n) => ({
        request: { ...post("application/json", text("{}")), path: `/${m.parent.typeName}/${n}` },
        defect: "unknown procedure",
      })),
    // The body is made at send time, so a failing case prints short.

    invalidJson(m).map((t) => ({
      request: {
        method: "GET",
        path: `${path(m)}?connect=v1&encoding=json&message=${encodeURIComponent(t)}`,
        headers: {},
      },
      defect: "GET with an invalid message",
    })),
    fc
      .constantFrom(
        "encoding=xml&message=%7B%7D",
        "encoding=json&message=%7B",
        "encoding=json&compression=x-nope&message=%7B%7D",
      )
      .map((q) => ({
        request: { method: "GET", path: `${path(m)}?${q}`, headers: {} },
        defect: "GET query",
      })),
  ];
  if (streaming(m)) {
    options.push(
      fc
        .uint8Array({ maxLength: 4 })
        .map((b) => ({ request: post("application/connect+json", b), defect: "truncated envelope" })),
    );
    options.push(
      fc.constant({
        request: post("application/connect+json", envelope(0x02, text("{}"))),
        defect: "end-stream flag from a client",
      }),
    );
  }
  // Oversized bodies are slow to send: a few suffice.
  const oversized = fc.constant({ request: post(unaryType("json"), OVERSIZED), defect: "oversized" });
  const any = fc.oneof(...options.map((arbitrary) => ({ arbitrary, weight: 20 })), {
    arbitrary: oversized,
    weight: 1,
  });
  return fc.tuple(any, fc.constantFrom(...Object.keys(tokens))).map(([c, who]) => {
    const token = tokens[who];
    const headers = token ? { ...c.request.headers, authorization: `Bearer ${token}` } : c.request.headers;
    return { request: { ...c.request, headers }, defect: `${c.defect} (${who})` };
  });
}

/** The Connect error code of an answer, or why it is not a precise one. */
function verdict(res: RawResponse): { ok: boolean; code: string } {
  const type = String(res.headers["content-type"] ?? "");
  const streamed = res.status === 200 && type.startsWith("application/connect+");
  let error: { code?: string; message?: string } | undefined;
  try {
    if (streamed) {
      // A stream's error travels in its end-stream message.
      for (let offset = 0; offset + 5 <= res.body.length; ) {
        const length = res.body.readUInt32BE(offset + 1);
        if (res.body[offset]! & 0x02) {
          error = JSON.parse(res.body.subarray(offset + 5, offset + 5 + length).toString("utf8")).error;
        }
        offset += 5 + length;
      }
    } else if (type.startsWith("application/json")) {
      error = JSON.parse(res.body.toString("utf8")) as typeof error;
    }
  } catch {
    return { ok: false, code: `${res.status}/unparseable` };
  }
  const code = error?.code ?? "-";
  const status = streamed ? "200 stream" : String(res.status);
  // connect-es 2.2 answers two client mistakes with Internal where connect-go says InvalidArgument:
  // a body that is not valid protobuf ("parse binary: …", protocol/serialization.js) and a body that
  // does not decompress ("decompression failed"). The runtime's unary fast path says InvalidArgument;
  // what still reaches connect-es (streaming calls) is counted apart and reported, not hidden.
  const library = LIBRARY_INTERNALS.find((known) => code === "internal" && error?.message?.startsWith(known));
  if (library) return { ok: true, code: `${status}/internal (connect-es: ${library})` };
  const answered = streamed
    ? code !== "-"
    : (res.status >= 400 && res.status < 500) || (res.status === 501 && code === "unimplemented");
  return { ok: answered && !VAGUE.has(code), code: `${status}/${code}` };
}

describe("malformed Connect requests", () => {
  it(`${RUNS} malformed RPCs: every answer a precise Connect code, nothing written`, async () => {
    const outcomes: Record<string, number> = {};
    const batch = fc.array(fc.oneof(...METHODS.map(casesFor)), { minLength: BATCH, maxLength: BATCH });
    await fc.assert(
      fc.asyncProperty(batch, async (cases) => {
        await Promise.all(
          cases.map(async ({ request, defect }) => {
            const res = await send(
              shop.url,
              request.body === OVERSIZED ? { ...request, body: oversizedBody } : request,
            ).catch((error: NodeJS.ErrnoException) => {
              // Refusing an oversized body may reset the connection before the answer is read.
              if (request.body === OVERSIZED && ["ECONNRESET", "EPIPE"].includes(error.code ?? ""))
                return undefined;
              throw error;
            });
            if (!res) {
              outcomes["oversized → connection reset"] = (outcomes["oversized → connection reset"] ?? 0) + 1;
              return;
            }
            const { ok, code } = verdict(res);
            const kind = `${defect.replace(/ \(.*\)$/, "")} → ${code}`;
            outcomes[kind] = (outcomes[kind] ?? 0) + 1;
            if (!ok)
              throw new Error(
                `${request.method} ${request.path.slice(0, 120)} ${defect}: answered ${code} ${res.body.toString("utf8").slice(0, 200)}`,
              );
          }),
        );
      }),
      { numRuns: Math.ceil(RUNS / BATCH), ...seed() },
    );
    for (const name of Object.keys(shop.functions)) {
      const res = await send(shop.url, {
        method: "GET",
        path: `/functions/${name}/health/liveness`,
        headers: {},
      });
      expect(res.status).toBe(200);
    }
    expect(await settled(shop)).toEqual(before);
    console.info(`Connect fuzz: ${RUNS} requests, outcomes by defect and answer:`, outcomes);
  }, 180_000);
});
