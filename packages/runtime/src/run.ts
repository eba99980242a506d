/**
 * A function as a process: started, and stopped gracefully on a signal.
 */
import type { FunctionDefinition } from "./function.ts";
import { startFunction } from "./start.ts";

/** Runs a function as a process: starts it and stops it gracefully on SIGTERM or SIGINT. */
export async function runFunction<Config, Deps>(definition: FunctionDefinition<Config, Deps>): Promise<void> {
  const running = await startFunction(definition);
  const stop = (signal: string) => {
    running.app.logger.info("%s received, finishing in-flight work", signal);
    void running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.app.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  // The rotation signal: read secrets from the store again (Vault's KV), no restart.
  process.on("SIGHUP", () => running.app.secrets.reload?.());
}
