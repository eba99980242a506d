#!/usr/bin/env node
// The `shop` command (`pnpm shop …`, and `npm start` runs `shop start`): tools/src/cli.ts under tsx on
// this Node. The embedded `shop start` (no DATABASE_URL and KAFKA_BROKERS) runs every function and
// PGlite in one process, which gets the start-up settings of embedded-process.mjs; this launcher takes
// the place of tsx's own (`tsx file` also runs the file in a child process), and passes SIGTERM and
// SIGHUP on and exits with the command's status (run in pinned-node.mjs).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EMBEDDED_NODE_FLAGS, embeddedProcessEnv } from "./embedded-process.mjs";
import { run } from "./pinned-node.mjs";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "cli.ts");
const args = process.argv.slice(2);
const embedded = args[0] === "start" && !(process.env.DATABASE_URL && process.env.KAFKA_BROKERS);
const node = [...(embedded ? EMBEDDED_NODE_FLAGS : []), "--import", import.meta.resolve("tsx"), cli];
const env = embedded ? embeddedProcessEnv(process.env) : process.env;
process.exit(await run(process.execPath, [...node, ...args], { env }));
