/**
 * Local real mode: each function as its own process (`node dist/server.mjs` in its folder, as `kn func`
 * runs `npm start`; bundles missing or older than their sources are built first, by the build the
 * caller hands in: `tools/`' esbuild build), each on its own free port, against real Postgres and Kafka.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { waitFor } from "@shop/runtime/testing";
import { freePort } from "../net.ts";
import { functionDir } from "../paths.ts";

/** Brings the bundles (`functions/<name>/dist/server.mjs`) of the named functions up to date. */
export type BuildBundles = (names: readonly string[]) => Promise<unknown>;

/** The running function processes and their base URLs. */
export interface FunctionProcesses {
  urls: Record<string, string>;
  close(): Promise<void>;
}

/** Starts every function as a child process and resolves once each answers /health/readiness. */
export async function startFunctionProcesses(
  names: readonly string[],
  env: NodeJS.ProcessEnv,
  buildBundles?: BuildBundles,
): Promise<FunctionProcesses> {
  const children: ChildProcess[] = [];
  const urls: Record<string, string> = {};
  const close = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
  };
  try {
    await buildBundles?.(names);
    for (const name of names) {
      const port = await freePort();
      const child = spawn(process.execPath, ["dist/server.mjs"], {
        cwd: functionDir(name),
        env: { ...process.env, ...env, PORT: String(port) },
        stdio: ["ignore", "inherit", "inherit"],
      });
      children.push(child);
      urls[name] = `http://127.0.0.1:${port}`;
    }
    await Promise.all(
      names.map((name, i) =>
        waitFor(
          async () => {
            if (children[i]?.exitCode !== null)
              throw new Error(`${name} exited with code ${children[i]?.exitCode}`);
            return (await fetch(`${urls[name]}/health/readiness`).catch(() => undefined))?.status === 200;
          },
          { timeoutMs: 180_000, intervalMs: 250, message: `${name} to be ready` },
        ),
      ),
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { urls, close };
}
