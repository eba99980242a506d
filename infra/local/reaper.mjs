// Cleans up after a parent process that dies without calling stop() (SIGKILL, a crash, process.exit):
// a detached helper process holds a pipe from the parent; when the pipe closes it runs the pending steps.
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** @typedef {{ kill: number } | { run: string[] } | { rm: string }} Step */

/** @type {import("node:child_process").ChildProcess | undefined} */
let reaper;
let nextId = 1;

/**
 * Registers cleanup steps to run if this process dies before calling the returned release function.
 * Steps: `{ kill: pid }` (SIGKILL), `{ run: [cmd, ...args] }`, `{ rm: dir }`, run in order.
 * @param {Step[]} steps
 * @returns {() => void} release: call it once the resources were cleaned up normally
 */
export function guard(steps) {
  if (!reaper) {
    reaper = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    reaper.on("error", () => {}); // best effort: without a reaper, only stop() cleans up
    reaper.stdin?.on("error", () => {});
    reaper.unref();
    /** @type {any} */ (reaper.stdin)?.unref?.();
  }
  const id = nextId++;
  send({ id, steps });
  return () => send({ id });
}

function send(message) {
  reaper?.stdin?.write(`${JSON.stringify(message)}\n`);
}

function runReaper() {
  /** @type {Map<number, Step[]>} */
  const pending = new Map();
  let buffer = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    buffer += chunk;
    for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      if (message.steps) pending.set(message.id, message.steps);
      else pending.delete(message.id);
    }
  });
  const cleanUp = () => {
    for (const steps of pending.values()) {
      for (const step of steps) {
        try {
          if ("kill" in step && step.kill > 0) process.kill(step.kill, "SIGKILL");
          if ("run" in step) spawnSync(step.run[0], step.run.slice(1), { stdio: "ignore", timeout: 30_000 });
          if ("rm" in step) rmSync(step.rm, { recursive: true, force: true });
        } catch {}
      }
    }
    process.exit(0);
  };
  process.stdin.on("end", cleanUp);
  process.stdin.on("error", cleanUp);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runReaper();
