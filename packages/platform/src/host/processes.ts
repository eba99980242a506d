/**
 * Local real mode: each function as its own process (`node dist/server.mjs` in its folder, as `kn func`
 * runs `npm start`; bundles missing or older than their sources are built first, by the build the
 * caller hands in: `tools/`' esbuild build), against real Postgres and Kafka, each on a port the kernel
 * picks as it binds (PORT=0), which it sends back over its IPC channel. That channel closes when this
 * process dies however it dies (SIGKILL included): `runFunction` stops on that as on SIGTERM, so no
 * function outlives its supervisor.
 * close() stops them with SIGTERM and waits for them, SIGKILL after a grace period.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { waitFor } from "@shop/runtime/testing";
import { functionDir } from "../paths.ts";

/** Brings the bundles (`functions/<name>/dist/server.mjs`) of the named functions up to date. */
export type BuildBundles = (names: readonly string[]) => Promise<unknown>;

/** The running function processes and their base URLs. */
export interface FunctionProcesses {
  urls: Record<string, string>;
  close(): Promise<void>;
}

/** How long a function process has to finish its in-flight work after SIGTERM before it gets SIGKILL. */
export const STOP_GRACE_MS = 10_000;

/** Stops a child: SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. */
function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
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
    await Promise.all(children.map((child) => stopChild(child, STOP_GRACE_MS)));
  };
  try {
    await buildBundles?.(names);
    for (const name of names) {
      // PORT=0: the function binds a port the kernel picks and sends its URL over the IPC channel
      // (runFunction in the runtime). A port picked here and bound there a second later can be taken in
      // between by any outgoing connection of this machine (the same ephemeral range): EADDRINUSE.
      const child = spawn(process.execPath, ["dist/server.mjs"], {
        cwd: functionDir(name),
        // Clients reach a function process through the gateway only, which appends one X-Forwarded-For hop.
        env: { ...process.env, ...env, PORT: "0", SHOP_TRUSTED_PROXY_HOPS: "1" },
        // The IPC channel is the child's lifeline: it closes when this process dies (see runFunction).
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      child.on("message", (message: { listening?: unknown }) => {
        if (typeof message?.listening === "string") urls[name] = message.listening;
      });
      children.push(child);
    }
    await Promise.all(
      names.map((name, i) =>
        waitFor(
          async () => {
            const child = children[i];
            if (child?.exitCode !== null || child.signalCode !== null)
              throw new Error(`${name} exited (${child?.exitCode ?? child?.signalCode})`);
            const url = urls[name];
            return (
              url !== undefined &&
              (await fetch(`${url}/health/readiness`).catch(() => undefined))?.status === 200
            );
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
