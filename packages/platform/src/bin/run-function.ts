/**
 * Runs one function of Shop as its own process, from its TypeScript sources, until SIGTERM: a
 * function's `pnpm dev`, and the fault suite's killable child processes. (Production runs the bundle,
 * `dist/server.mjs`, which `pnpm build` makes from the same definition.)
 *
 *   tsx packages/platform/src/bin/run-function.ts <function>
 */
import { runFunction } from "@shop/runtime";
import { functionNames, shopFunction } from "../functions.ts";

const name = process.argv[2];
if (!name || !functionNames.includes(name)) {
  console.error(`usage: run-function.ts <${functionNames.join("|")}>`);
  process.exit(2);
}
await runFunction(shopFunction(name));
