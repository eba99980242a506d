/**
 * Stages one function as a folder that `kn func deploy` (Paketo's Node.js buildpack, which runs
 * `npm install` and then package.json's `start`) can build on its own: the function's esbuild bundle
 * (`dist/`, built here as `pnpm build` builds it), its migrations, func.yaml, and a package.json whose
 * dependencies are only what the bundle leaves out, with `catalog:` versions resolved to exact ones.
 * A buildpack sees only the folder it is given, and production runs the built JavaScript.
 *
 *   tsx tools/src/deploy/stage.ts <function> <out-dir>
 */
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { buildFunction } from "../build/functions.ts";

/** The repository root. */
const root = fileURLToPath(new URL("../../..", import.meta.url));

interface PackageJson {
  name: string;
  files?: string[];
  dependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  [key: string]: unknown;
}

/** The pnpm catalog: one pinned version per third-party package. */
export async function readCatalog(): Promise<Record<string, string>> {
  const workspace = parse(await readFile(join(root, "pnpm-workspace.yaml"), "utf8")) as {
    catalog?: Record<string, string>;
  };
  return Object.fromEntries(Object.entries(workspace.catalog ?? {}).map(([k, v]) => [k, String(v)]));
}

/**
 * Stages function `name` into `out` (emptied first) and returns the dependencies the staged package
 * installs (name → exact version).
 */
export async function stageFunction(name: string, out: string): Promise<Record<string, string>> {
  const source = join(root, "functions", name);
  const pkg = JSON.parse(
    await readFile(join(source, "package.json"), "utf8").catch(() => {
      throw new Error(`no function ${name} under functions/`);
    }),
  ) as PackageJson;
  const catalog = await readCatalog();
  const dependencies: Record<string, string> = {};
  for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
    // Workspace packages are bundled: a dependency on one would need its sources, not an install.
    if (range.startsWith("workspace:")) throw new Error(`${pkg.name}: ${dep} must be a devDependency`);
    const version = range === "catalog:" ? catalog[dep] : range;
    if (!version) throw new Error(`${pkg.name}: ${dep} is not in the pnpm catalog`);
    dependencies[dep] = version;
  }
  const start = pkg.scripts?.start;
  if (!start) throw new Error(`${pkg.name}: no start script`);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await buildFunction(name, join(out, "dist"));
  for (const path of [...(pkg.files ?? []), "func.yaml"]) {
    if (path !== "dist") await cp(join(source, path), join(out, path), { recursive: true });
  }
  // `exports` names sources (the platform imports the definition); the staged folder runs the bundle.
  const { devDependencies: _dev, scripts: _scripts, files: _files, exports: _exports, ...rest } = pkg;
  // The buildpack's start command is the function's `start`: `node dist/server.mjs`.
  const staged: PackageJson = { ...rest, scripts: { start }, dependencies };
  await writeFile(join(out, "package.json"), `${JSON.stringify(staged, null, 2)}\n`);
  return dependencies;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [name, out] = process.argv.slice(2);
  if (!name || !out) {
    console.error("usage: tsx tools/src/deploy/stage.ts <function> <out-dir>");
    process.exit(2);
  }
  const dependencies = await stageFunction(name, out);
  console.log(`staged ${name} in ${out} (installs: ${Object.keys(dependencies).join(", ") || "nothing"})`);
}
