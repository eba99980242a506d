/**
 * Where the platform finds what it runs: the repository's folders.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** knative/base: the manifests every environment shares, the single source of truth for event wiring. */
export const knativeDir = join(repoRoot, "knative", "base");

/** The folder of function `name` (`functions/<name>`), where its process starts. */
export function functionDir(name: string): string {
  return join(repoRoot, "functions", name);
}

/**
 * The script that runs one function from its sources as a process (`<script> <name>`, under tsx):
 * a function's `pnpm dev`, the fault suite's child processes.
 */
export const runFunctionScript = fileURLToPath(new URL("./bin/run-function.ts", import.meta.url));
