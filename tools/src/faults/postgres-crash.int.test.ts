/**
 * The Postgres crash the fault suites strike (infra/local's `restart({ mode: "immediate" })`) must be
 * the crash of a production Postgres: every commit acknowledged before it is still there after
 * recovery. A test Postgres with asynchronous commit lost some, and their events had already been
 * published, so the books could not balance however correct the shop was.
 */
import { waitFor } from "@shop/runtime/testing";
import postgres from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
// @ts-expect-error: plain ESM JavaScript without type declarations, so it runs before any install.
import { startPostgres } from "../../../infra/local/index.mjs";

let server: { url: string; stop(): Promise<void>; restart(options: { mode: "immediate" }): Promise<void> };

beforeAll(async () => {
  server = await startPostgres({ log: () => {} });
});

afterAll(async () => {
  await server?.stop();
});

it("keeps every acknowledged commit through a crash and restart", async () => {
  const sql = postgres(server.url, { max: 8, onnotice: () => {}, fetch_types: false });
  try {
    await sql`create table acknowledged (id bigserial primary key, writer int not null)`;
    const acknowledged = new Set<string>();
    let crashed = false;
    const writer = async (n: number) => {
      while (!crashed) {
        try {
          const [row] = await sql<
            { id: string }[]
          >`insert into acknowledged (writer) values (${n}) returning id`;
          acknowledged.add(row!.id);
        } catch {
          // The crash cut the connection: this commit's outcome is unknown, so it is not counted.
          return;
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, n) => writer(n));
    // Crash while the writers commit, once a good number of commits have been acknowledged.
    await waitFor(() => acknowledged.size >= 500, { message: "500 acknowledged commits", timeoutMs: 30_000 });
    await server.restart({ mode: "immediate" });
    crashed = true;
    await Promise.all(writers);
    const present = new Set((await sql<{ id: string }[]>`select id from acknowledged`).map((r) => r.id));
    const lost = [...acknowledged].filter((id) => !present.has(id));
    expect(lost).toEqual([]);
  } finally {
    await sql.end({ timeout: 5 });
  }
}, 60_000);
