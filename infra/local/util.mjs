// Small helpers shared by the local infrastructure starters (node builtins only).
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

/**
 * Finds a free TCP port on 127.0.0.1 by listening on port 0 and closing again.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Looks an executable up on PATH.
 * @param {string} name
 * @returns {string | undefined} absolute path, or undefined when not found
 */
export function which(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

/**
 * Runs a command to completion, collecting its output.
 * @param {string} cmd
 * @param {string[]} args
 * @param {import("node:child_process").SpawnOptions} [options]
 * @returns {Promise<{ code: number | null, signal: string | null, output: string }>}
 */
export function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, output }));
  });
}

/**
 * Like {@link run} but throws when the command fails.
 * @param {string} what human description used in the error message
 * @param {string} cmd
 * @param {string[]} args
 * @param {import("node:child_process").SpawnOptions} [options]
 * @returns {Promise<string>} the combined output
 */
export async function runOk(what, cmd, args, options) {
  const result = await run(cmd, args, options);
  if (result.code !== 0) {
    throw new Error(
      `infra/local: ${what} failed (exit ${result.code ?? result.signal}):\n${lastLines(result.output)}`,
    );
  }
  return result.output;
}

/**
 * Polls `check` until it returns a truthy value or the deadline passes.
 * @template T
 * @param {string} what description for the timeout error
 * @param {() => Promise<T> | T} check return a truthy value when done; may throw to abort
 * @param {{ timeoutMs: number, intervalMs?: number }} options
 * @returns {Promise<T>}
 */
export async function waitFor(what, check, { timeoutMs, intervalMs = 200 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`infra/local: timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Last lines of a text.
 * @param {string} text
 * @param {number} [count]
 */
export function lastLines(text, count = 30) {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

/**
 * Last lines of a file ("" when it does not exist).
 * @param {string} file
 * @param {number} [count]
 */
export function tailFile(file, count = 30) {
  return existsSync(file) ? lastLines(readFileSync(file, "utf8"), count) : "";
}

/**
 * Seconds elapsed since `start` (a Date.now() value), formatted like "7.9 s".
 * @param {number} start
 */
export function since(start) {
  return `${((Date.now() - start) / 1000).toFixed(1)} s`;
}
