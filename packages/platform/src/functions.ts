/**
 * The functions of Shop, found by folder, and their definitions.
 */

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FunctionDefinition } from "@shop/runtime";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** The knative/ directory: the single source of truth for event wiring. */
export const knativeDir = join(repoRoot, "knative");

/** Names of every function (the folders under functions/), in a stable order. */
export function functionNames(): string[] {
  return readdirSync(join(repoRoot, "functions"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Loads a function's definition: `functions/<name>/src/server.ts` exports `<name>Function`. */
export async function loadDefinition(name: string): Promise<FunctionDefinition> {
  const module = (await import(join(repoRoot, "functions", name, "src", "server.ts"))) as Record<
    string,
    unknown
  >;
  const definition = module[`${name}Function`] as FunctionDefinition | undefined;
  if (!definition) throw new Error(`functions/${name}/src/server.ts does not export ${name}Function`);
  return definition;
}
