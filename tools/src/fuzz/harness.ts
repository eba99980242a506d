/**
 * What the fuzz tests share: an embedded shop (PGlite + in-memory log, every function behind one
 * gateway), a raw HTTP client that sends exactly the bytes it is given, and a fingerprint of every
 * function's tables to prove that bad input wrote nothing.
 */

import { Agent, request } from "node:http";
import { type Shop, startShop } from "@shop/platform";
import { waitFor } from "@shop/runtime/testing";
import { sql } from "drizzle-orm";

/** A request as it goes on the wire. */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** A response as it came off the wire. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** Sends `req` to `baseUrl` as it is (no header normalisation beyond what HTTP/1.1 requires). */
export function send(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      new URL(req.path, baseUrl),
      // A server refusing a large body closes that connection; keep it out of the keep-alive pool.
      (req.body?.length ?? 0) > 64 * 1024
        ? { method: req.method, headers: { ...req.headers, connection: "close" }, agent: false }
        : { method: req.method, headers: req.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(req.body ? Buffer.from(req.body) : undefined);
  });
}

/** Starts the embedded shop (quietly) and waits until its start-up events have settled. */
export async function startFuzzShop(): Promise<Shop> {
  const shop = await startShop({ logLevel: "silent" });
  await settled(shop);
  return shop;
}

/** Closes the keep-alive sockets of {@link send}. */
export function closeClient(): void {
  agent.destroy();
}

/**
 * A fingerprint of every table of every function (md5 of its rows), so a test can prove that
 * nothing was inserted, updated or deleted. Embedded mode: all functions share one PGlite.
 */
export async function fingerprint(shop: Pick<Shop, "functions">): Promise<Record<string, string>> {
  const db = Object.values(shop.functions)[0]!.app.db;
  const schemas = Object.keys(shop.functions);
  const tables = (await db.execute(
    sql`select table_schema, table_name from information_schema.tables
        where table_schema in ${sql.raw(`(${schemas.map((s) => `'${s}'`).join(",")})`)}
          and table_type = 'BASE TABLE' order by 1, 2`,
  )) as unknown as { rows: { table_schema: string; table_name: string }[] };
  const result: Record<string, string> = {};
  for (const { table_schema, table_name } of tables.rows) {
    const name = `"${table_schema}"."${table_name}"`;
    const { rows } = (await db.execute(
      sql.raw(
        `select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${name} t`,
      ),
    )) as unknown as { rows: { n: number; h: string }[] };
    result[`${table_schema}.${table_name}`] = `${rows[0]!.n}:${rows[0]!.h}`;
  }
  return result;
}

/** Waits until every outbox is published and two fingerprints in a row agree. */
export async function settled(shop: Shop): Promise<Record<string, string>> {
  let previous = "";
  return waitFor(
    async () => {
      for (const fn of Object.values(shop.functions)) await fn.relay.sweep();
      const now = await fingerprint(shop);
      const text = JSON.stringify(now);
      const stable = text === previous;
      previous = text;
      return stable ? now : undefined;
    },
    { message: "the shop to settle", intervalMs: 250, timeoutMs: 30_000 },
  );
}
