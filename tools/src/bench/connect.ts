/**
 * Connect GetProduct and ListProducts req/s of the catalog function ÷ a bare node:http server
 * answering the same bytes, at the same concurrency, with autocannon in its own process on another
 * core than the server's. Profiles the function when the ratio misses its goal.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, httpStatus, repoRoot } from "@shop/platform";
import postgres from "postgres";
import { buildFunctions, bundlePath } from "../build/functions.ts";
import { canPin, pinned, startServer } from "./proc.ts";
import { summarizeProfile } from "./profile.ts";
import { median } from "./report.ts";

/** Goal: Connect ≥ 0.6 × bare node:http. */
export const CONNECT_GOAL = 0.6;
/** Rounds of bare-then-Connect runs per case; the row is the round of the median ratio. */
export const ROUNDS = 3;

interface Case {
  name: string;
  path: string;
  body: string;
  connections: number;
}

/** One autocannon run (its own process, pinned to core 1): average req/s and p99 latency. */
export async function autocannon(url: string, body: string, connections: number, durationS: number) {
  const bin = join(repoRoot, "tools", "node_modules", "autocannon", "autocannon.js");
  const args = [
    bin,
    "--json",
    "-c",
    String(connections),
    "-d",
    String(durationS),
    "-m",
    "POST",
    "-H",
    "content-type=application/json",
    "-b",
    body,
    url,
  ];
  const [cmd, argv] = pinned(1, process.execPath, args);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "ignore"] });
    let text = "";
    child.stdout.on("data", (chunk) => (text += chunk));
    child.once("exit", (code) =>
      code === 0 ? resolve(text) : reject(new Error(`autocannon exited with ${code}`)),
    );
  });
  const result = JSON.parse(out) as {
    requests: { average: number };
    latency: { p99: number };
    non2xx: number;
    errors: number;
  };
  return {
    rps: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Runs the Connect benchmark against a database on `databaseUrl`. */
export async function benchConnect(
  databaseUrl: string,
  durationS: number,
  options: { profile?: boolean } = {},
) {
  const cases: Case[] = [
    {
      name: "GetProduct",
      path: "/shop.catalog.v1.CatalogService/GetProduct",
      body: '{"id":"bench-3"}',
      connections: 50,
    },
    {
      name: "GetProduct",
      path: "/shop.catalog.v1.CatalogService/GetProduct",
      body: '{"id":"bench-3"}',
      connections: 1,
    },
    {
      name: "ListProducts",
      path: "/shop.catalog.v1.CatalogService/ListProducts",
      body: '{"category":"kitchen","pageSize":12}',
      connections: 50,
    },
  ];
  const rows = [];
  await buildFunctions(["catalog"], { onlyStale: true });
  const fn = await startCatalog(databaseUrl);
  const dir = mkdtempSync(join(tmpdir(), "shop-bench-"));
  try {
    for (const c of cases) {
      const url = `http://127.0.0.1:${fn.port}${c.path}`;
      // The exact bytes the function answers, for the bare server to answer too.
      const sample = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: c.body,
      });
      const bytes = Buffer.from(await sample.arrayBuffer());
      if (sample.status !== 200) throw new Error(`${c.name} answered ${sample.status}: ${bytes}`);
      const file = join(dir, `${c.name}.body`);
      writeFileSync(file, bytes);
      const bare = await startServer<{ port: number }>("tools/src/bench/servers/catalog.ts", ["bare"], {
        core: 0,
        env: {
          BENCH_BODY_FILE: file,
          BENCH_CONTENT_TYPE: sample.headers.get("content-type") ?? "application/json",
        },
      });
      try {
        // Bare and Connect take turns, ROUNDS times: the load generator's own speed drifts by a fifth
        // from one run to the next on this machine, so one run each judged a 10 % change by chance.
        const rounds: {
          bare: Awaited<ReturnType<typeof autocannon>>;
          connect: Awaited<ReturnType<typeof autocannon>>;
        }[] = [];
        const bareUrl = `http://127.0.0.1:${bare.info.port}${c.path}`;
        for (let round = 0; round < ROUNDS; round++) {
          await autocannon(bareUrl, c.body, c.connections, 2); // warm-up
          const bareResult = await autocannon(bareUrl, c.body, c.connections, durationS);
          await autocannon(url, c.body, c.connections, 2); // warm-up
          const connectResult = await autocannon(url, c.body, c.connections, durationS);
          rounds.push({ bare: bareResult, connect: connectResult });
        }
        const ratios = rounds.map((r) => r.connect.rps / r.bare.rps);
        const middle = rounds[ratios.indexOf(median(ratios))]!;
        rows.push({
          rpc: c.name,
          connections: c.connections,
          responseBytes: bytes.length,
          connectRps: Math.round(middle.connect.rps),
          bareRps: Math.round(middle.bare.rps),
          ratio: median(ratios),
          ratios,
          connectP99Ms: middle.connect.p99Ms,
          bareP99Ms: middle.bare.p99Ms,
          errors: rounds.reduce((sum, r) => sum + r.connect.errors + r.connect.non2xx, 0),
        });
      } finally {
        await bare.stop();
      }
    }
  } finally {
    await fn.stop();
  }
  let profile: ReturnType<typeof summarizeProfile> | undefined;
  const getProduct = rows[0]!;
  if (options.profile || getProduct.ratio < CONNECT_GOAL) {
    // Where the time goes: the function under the same GetProduct load, with V8's sampling profiler.
    const profDir = mkdtempSync(join(tmpdir(), "shop-prof-"));
    const traced = await startCatalog(databaseUrl, ["--cpu-prof", `--cpu-prof-dir=${profDir}`]);
    await autocannon(`http://127.0.0.1:${traced.port}${cases[0]!.path}`, cases[0]!.body, 50, durationS);
    await traced.stop();
    const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    if (file) profile = summarizeProfile(join(profDir, file));
  }
  return { pinned: canPin, durationS, rows, goal: CONNECT_GOAL, profile };
}

/**
 * The catalog function as production runs it: its bundle, `node dist/server.mjs` (pinned to core 0), on
 * the database at `databaseUrl`, without Kafka (nothing it does here emits). Once it is ready, the
 * products the benchmark reads are stored as UpsertProduct would store them.
 */
async function startCatalog(databaseUrl: string, nodeArgs: string[] = []) {
  const port = await freePort();
  const [cmd, argv] = pinned(0, process.execPath, [...nodeArgs, bundlePath("catalog")]);
  const child: ChildProcess = spawn(cmd, argv, {
    cwd: join(repoRoot, "functions", "catalog"),
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: "",
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 60_000;
  while ((await httpStatus(`http://127.0.0.1:${port}/health/readiness`)) !== 200) {
    if (child.exitCode !== null) throw new Error(`the catalog function exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error("the catalog function was not ready within 60 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    for (let i = 0; i < 24; i++) {
      await sql`insert into catalog.products (id, name, description, price, currency, category, image_url, active, available, version)
        values (${`bench-${i}`}, ${`Bench product ${i}`}, ${"A well-made benchmark favourite."}, ${1_250 + i}, 'EUR', 'kitchen',
          ${`https://picsum.photos/seed/${i}/400/300`}, true, 40, 1) on conflict (id) do nothing`;
    }
  } finally {
    await sql.end();
  }
  return { port, stop };
}
