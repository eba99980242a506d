/**
 * A function as production starts it: its esbuild bundle, built here, run as `node dist/server.mjs` in
 * its folder against real Postgres and Kafka, with its secrets in Vault (the in-repo double), serves
 * readiness and Connect RPCs, and stops cleanly on SIGTERM.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, httpStatus, repoRoot } from "@shop/platform";
import {
  createTestDatabase,
  startVaultDouble,
  testTopic,
  type VaultDouble,
  waitFor,
} from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildFunction } from "./functions.ts";

const name = "catalog";
let vault: VaultDouble;
let child: ChildProcess;
let url: string;
let output = "";
let exited: Promise<number | null>;

beforeAll(async () => {
  await buildFunction(name);
  vault = await startVaultDouble();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ["dist/server.mjs"], {
    cwd: join(repoRoot, "functions", name),
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: await createTestDatabase(inject("databaseUrl")),
      KAFKA_BROKERS: inject("kafkaBrokers"),
      SHOP_EVENTS_TOPIC: testTopic("build"),
      VAULT_ADDR: vault.url,
      VAULT_TOKEN: vault.rootToken,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
});

afterAll(async () => {
  if (child.exitCode === null) child.kill("SIGKILL");
  await vault?.close();
});

/** A Connect JSON call, as a browser makes it. */
async function call(method: string, body: unknown) {
  const response = await fetch(`${url}/shop.catalog.v1.CatalogService/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe(`the built ${name} function (node dist/server.mjs)`, () => {
  it("becomes ready once its secrets, database, migrations and Kafka producer are", async () => {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output}`);
        return (await httpStatus(`${url}/health/readiness`)) === 200;
      },
      { timeoutMs: 60_000, message: `${name} to be ready` },
    );
    expect(output).toContain(`${name} started in`);
    // Its secrets came from Vault: the lazily loaded Vault client works from the bundle.
    expect(Object.keys(vault.stats().reads).some((path) => path.includes("jwks"))).toBe(true);
  });

  it("is ASCII through and through, so V8 keeps its source one byte per character", () => {
    const dist = join(repoRoot, "functions", name, "dist");
    const scripts = readdirSync(dist).filter((file) => file.endsWith(".mjs"));
    expect(scripts).toContain("server.mjs");
    for (const file of scripts) {
      const text = readFileSync(join(dist, file), "utf8");
      expect({ file, nonAscii: text.match(/[\u{80}-\u{10ffff}]/gu)?.slice(0, 5) ?? [] }).toEqual({
        file,
        nonAscii: [],
      });
    }
  });

  it("serves its Connect RPCs from the migrated database", async () => {
    expect(await call("ListProducts", {})).toMatchObject({ status: 200 });
    expect(await call("GetProduct", { id: randomUUID() })).toMatchObject({
      status: 404,
      body: { code: "not_found" },
    });
  });

  it("finishes and exits with 0 on SIGTERM", async () => {
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain(`${name} stopped`);
  });
});
