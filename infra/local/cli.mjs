#!/usr/bin/env node
// node infra/local/cli.mjs                 start Kafka + Postgres, print export lines, run until Ctrl-C
// node infra/local/cli.mjs -- <command...>  start them, run the command with KAFKA_BROKERS and DATABASE_URL set,
//                                           stop them and exit with the command's exit code
// node infra/local/cli.mjs --zipkin ...     Zipkin too; the command gets OTEL_TRACES_EXPORTER=zipkin and
//                                           OTEL_EXPORTER_ZIPKIN_ENDPOINT, so functions export their traces to it
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { startInfra } from "./index.mjs";

const separator = process.argv.indexOf("--");
const command = separator >= 0 ? process.argv.slice(separator + 1) : [];
const flags = process.argv.slice(2, separator >= 0 ? separator : undefined);
const zipkin = flags.includes("--zipkin") || process.env.SHOP_ZIPKIN === "1";
const unknown = flags.filter((flag) => flag !== "--zipkin");
if (unknown.length > 0 || (separator >= 0 && command.length === 0)) {
  console.error("usage: node infra/local/cli.mjs [--zipkin] [-- <command> [args...]]");
  process.exit(2);
}

let infra;
try {
  infra = await startInfra({ handleSignals: command.length === 0, zipkin });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const env = infra.env;
if (infra.zipkinUrl) console.error(`infra/local: traces at ${infra.zipkinUrl}/zipkin/`);

if (command.length === 0) {
  // Export lines on stdout (eval-able); everything else goes to stderr. The signal handlers
  // registered by startInfra stop both and exit; until then the pending timer keeps us alive.
  for (const [name, value] of Object.entries(env)) console.log(`export ${name}=${value}`);
  console.error("infra/local: running; press Ctrl-C to stop");
  setInterval(() => {}, 1 << 30);
} else {
  const child = spawn(command[0], command.slice(1), { stdio: "inherit", env: { ...process.env, ...env } });
  // Forward termination signals to the command and let it finish; infra is stopped afterwards.
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
    process.on(signal, () => child.kill(signal));
  }
  const code = await new Promise((resolve) => {
    child.once("error", (error) => {
      console.error(`infra/local: could not run ${command[0]}: ${error.message}`);
      resolve(127);
    });
    child.once("exit", (exitCode, signal) => resolve(exitCode ?? 128 + (constants.signals[signal] ?? 0)));
  });
  await infra.stop().catch((error) => console.error(`infra/local: stopping failed: ${error.message}`));
  process.exit(code);
}
