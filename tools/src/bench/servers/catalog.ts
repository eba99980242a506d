/**
 * Servers for the Connect benchmark, one per process, each printing `{"port": …}` on stdout when it
 * listens and exiting cleanly on SIGTERM (so `--cpu-prof` writes its profile):
 *   function   the catalog function as deployed (runtime, Connect, auth, real Postgres from DATABASE_URL)
 *   bare       node:http answering fixed bytes (BENCH_BODY_FILE, BENCH_CONTENT_TYPE) to every request
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, startFunction } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { loadDefinition } from "../../shop/functions.ts";

const mode = process.argv[2];
let stop: () => Promise<unknown>;
let port: number;

if (mode === "function") {
  const fn = await startFunction(await loadDefinition("catalog"), {
    logger: createLogger("catalog", "error"),
    config: {
      port: 0,
      database: { kind: "postgres", url: process.env.DATABASE_URL ?? "" },
      kafkaBrokers: [],
      sweepIntervalMs: 0,
    },
  });
  // Products as UpsertProduct would store them: the benchmark reads them back.
  for (let i = 0; i < 24; i++) {
    await fn.app.db.execute(sql`insert into catalog.products (id, name, description, price, currency, category, image_url, active, available, version)
      values (${`bench-${i}`}, ${`Bench product ${i}`}, ${"A well-made benchmark favourite."}, ${1_250 + i}, 'EUR', 'kitchen',
        ${`https://picsum.photos/seed/${i}/400/300`}, true, 40, 1) on conflict (id) do nothing`);
  }
  port = Number(new URL(fn.url!).port);
  stop = () => fn.close();
} else if (mode === "bare") {
  const body = readFileSync(process.env.BENCH_BODY_FILE ?? "");
  const headers = {
    "content-type": process.env.BENCH_CONTENT_TYPE ?? "application/json",
    "content-length": body.length,
  };
  const server: Server = createServer((req, res) => {
    // Read the request like any server would, then answer the captured bytes.
    req.resume();
    req.on("end", () => res.writeHead(200, headers).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  stop = () => new Promise((resolve) => server.close(resolve));
} else {
  throw new Error("usage: catalog.ts function|bare");
}
process.once("SIGTERM", () => void stop().finally(() => process.exit(0)));
console.log(JSON.stringify({ port }));
