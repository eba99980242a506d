/**
 * A function as a process: started, and stopped gracefully on a signal.
 */
import type { FunctionDefinition } from "./function.ts";
import { startFunction } from "./start.ts";

/** How long an orphaned function (its supervisor gone) may take to stop before it exits anyway. */
const ORPHAN_STOP_MS = 15_000;

/**
 * Runs a function as a process: starts it and stops it gracefully on SIGTERM or SIGINT — once: a
 * second signal (a process group's and its supervisor's) does not cut the shutdown short. Started with
 * an IPC channel (local real mode's supervisor, packages/platform/src/host/processes.ts), it stops the
 * same way when that channel closes: its supervisor is gone, however it died.
 */
export async function runFunction<Config, Deps>(definition: FunctionDefinition<Config, Deps>): Promise<void> {
  const running = await startFunction(definition);
  // Local real mode's supervisor starts it on PORT=0 and learns here where it listens (processes.ts in
  // the platform): a port picked by the kernel as it binds, where one picked beforehand could be taken.
  if (process.send && running.url) process.send({ listening: running.url });
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    running.app.logger.info("%s, finishing in-flight work", why);
    void running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.app.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM received"));
  process.on("SIGINT", () => stop("SIGINT received"));
  // The rotation signal: read secrets from the store again (Vault's KV), no restart.
  process.on("SIGHUP", () => running.app.secrets.reload?.());
  if (process.channel) {
    const orphaned = () => {
      // No one is left to SIGKILL a shutdown that hangs.
      setTimeout(() => process.exit(1), ORPHAN_STOP_MS).unref();
      stop("supervisor gone");
    };
    process.once("disconnect", orphaned);
    if (!process.connected) orphaned(); // it went while this function was starting
  }
}
