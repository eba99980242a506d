/**
 * What the embedded benchmark reads from inside the embedded shop's process, on a loopback port of
 * its own: `GET /memory` (process.memoryUsage() and what the in-memory parts hold; `?gc=1`: after a
 * full garbage collection, when the process runs with --expose-gc) and `GET /sql`
 * (PGlite's commit and row counters, which only this process can query).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Shop } from "@shop/platform";

/** `GET /memory`: bytes of the process, and the sizes of the in-memory parts that could grow. */
export interface MemoryStats {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Records the in-memory event log holds, over every topic (undefined when it cannot tell). */
  logRecords: number | undefined;
  traces: { traces: number; spans: number } | undefined;
  mails: number | undefined;
}

/** `GET /sql`: PGlite's counters since it started (pg_stat_database of its one database). */
export interface SqlStats {
  commits: number;
  /** Rows inserted, updated and deleted. */
  rowsWritten: number;
  databaseBytes: number;
  /** Dead rows not vacuumed yet, over every table (pg_stat_user_tables n_dead_tup). */
  deadRows: number;
}

/** Serves the stats of `shop` (an embedded one) on 127.0.0.1. */
export async function serveEmbeddedStats(shop: Shop) {
  const memory = (collect: boolean): MemoryStats => {
    // The bench starts this process with --expose-gc: after the load it asks for the live heap.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (collect) gc?.();
    return {
      ...process.memoryUsage(),
      logRecords: shop.log.held?.(),
      traces: shop.traces?.size(),
      mails: shop.mail?.messages().length,
    };
  };
  const sqlStats = async (): Promise<SqlStats> => {
    const pglite = shop.pglite;
    if (!pglite) throw new Error("the shop has no PGlite");
    // A single-user backend flushes its statistics lazily; this makes the next statement's end do it.
    await pglite.query("select pg_stat_force_next_flush()");
    const { rows } = await pglite.query<{ commits: string; written: string; bytes: string; dead: string }>(
      `select xact_commit::text as commits, (tup_inserted + tup_updated + tup_deleted)::text as written,
              pg_database_size(current_database())::text as bytes,
              (select coalesce(sum(n_dead_tup), 0) from pg_stat_user_tables)::text as dead
       from pg_stat_database where datname = current_database()`,
    );
    const row = rows[0]!;
    return {
      commits: Number(row.commits),
      rowsWritten: Number(row.written),
      databaseBytes: Number(row.bytes),
      deadRows: Number(row.dead),
    };
  };
  const server = createServer((req, res) => {
    const answer =
      req.url === "/memory" || req.url === "/memory?gc=1"
        ? Promise.resolve(memory(req.url.endsWith("gc=1")))
        : req.url === "/sql"
          ? sqlStats()
          : undefined;
    if (!answer) return void res.writeHead(404).end();
    answer.then(
      (body) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body)),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
