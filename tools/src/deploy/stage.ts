/**
 * Stages one function as a folder that `kn func deploy` (Paketo's Node.js buildpack, which runs
 * `npm install`) can build on its own: the function's files, its workspace dependencies copied under
 * `vendor/`, and package.json files whose `catalog:` and `workspace:` versions are resolved to what npm
 * understands (exact versions and `file:` paths). A buildpack sees only the folder it is given, so the
 * function's folder in the pnpm workspace cannot be built as it is.
 *
 *   tsx tools/src/deploy/stage.ts <function> <out-dir>
 */
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** The repository root. */
const root = fileURLToPath(new URL("../../..", import.meta.url));

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  [key: string]: unknown;
}

/** Files a running function never needs. */
function shipped(path: string): boolean {
  const name = basename(path);
  return !["node_modules", ".func", "test-output"].includes(name) && !/\.test\.ts$/.test(name);
}

/** The workspace's packages by name, with their folders. */
async function workspacePackages(): Promise<Map<string, string>> {
  const folders = ["schemas"];
  for (const parent of ["packages", "functions"]) {
    for (const entry of await readdir(join(root, parent), { withFileTypes: true })) {
      if (entry.isDirectory()) folders.push(join(parent, entry.name));
    }
  }
  const found = new Map<string, string>();
  for (const folder of folders) {
    const pkg = JSON.parse(await readFile(join(root, folder, "package.json"), "utf8")) as PackageJson;
    found.set(pkg.name, join(root, folder));
  }
  return found;
}

/** The pnpm catalog: one pinned version per third-party package. */
export async function readCatalog(): Promise<Record<string, string>> {
  const workspace = parse(await readFile(join(root, "pnpm-workspace.yaml"), "utf8")) as {
    catalog?: Record<string, string>;
  };
  return Object.fromEntries(Object.entries(workspace.catalog ?? {}).map(([k, v]) => [k, String(v)]));
}

/**
 * Stages function `name` into `out` (emptied first) and returns the npm names of the vendored
 * workspace packages.
 */
export async function stageFunction(name: string, out: string): Promise<string[]> {
  const packages = await workspacePackages();
  const catalog = await readCatalog();
  const source = join(root, "functions", name);
  if (!packages.has(`@shop/${name}`)) throw new Error(`no function ${name} under functions/`);
  try {
    await stat(join(root, "schemas", "gen"));
  } catch {
    throw new Error("schemas/gen is missing: run `pnpm generate` first");
  }
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });

  // Every workspace package the function needs, directly or through another one.
  const vendored: string[] = [];
  const collect = async (from: string) => {
    const pkg = JSON.parse(await readFile(join(from, "package.json"), "utf8")) as PackageJson;
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      if (!range.startsWith("workspace:") || vendored.includes(dep)) continue;
      if (!packages.has(dep)) throw new Error(`${pkg.name}: no workspace package ${dep}`);
      vendored.push(dep);
      await collect(packages.get(dep)!);
    }
  };
  await collect(source);

  /** Copies a package to `dir`, resolving catalog versions and leaving out workspace dependencies. */
  const stage = async (from: string, dir: string, extra: Record<string, string>, isFunction: boolean) => {
    await cp(from, dir, { recursive: true, filter: shipped });
    const pkg = JSON.parse(await readFile(join(from, "package.json"), "utf8")) as PackageJson;
    const dependencies: Record<string, string> = {};
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      if (range.startsWith("workspace:")) continue;
      const version = range === "catalog:" ? catalog[dep] : range;
      if (!version) throw new Error(`${pkg.name}: ${dep} is not in the pnpm catalog`);
      dependencies[dep] = version;
    }
    const { devDependencies: _dev, scripts, ...rest } = pkg;
    const staged: PackageJson = { ...rest, dependencies: { ...dependencies, ...extra } };
    // The buildpack's start command is the function's `start`; vendored packages need no scripts.
    if (isFunction && scripts?.start) staged.scripts = { start: scripts.start };
    await writeFile(join(dir, "package.json"), `${JSON.stringify(staged, null, 2)}\n`);
  };
  // The function depends on every vendored package itself, so npm hoists them (and what they
  // depend on) to its node_modules, where the vendored packages find each other.
  const links: Record<string, string> = {};
  for (const dep of vendored) {
    const short = dep.replace(/^@shop\//, "");
    await stage(packages.get(dep)!, join(out, "vendor", short), {}, false);
    links[dep] = `file:vendor/${short}`;
  }
  await stage(source, out, links, true);
  // Install file: dependencies as copies (like registry packages), so their dependencies are hoisted
  // and shared: one @bufbuild/protobuf for the function, the runtime and the schemas.
  await writeFile(join(out, ".npmrc"), "install-links=true\n");
  return vendored.sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [name, out] = process.argv.slice(2);
  if (!name || !out) {
    console.error("usage: tsx tools/src/deploy/stage.ts <function> <out-dir>");
    process.exit(2);
  }
  const vendored = await stageFunction(name, out);
  console.log(`staged ${name} in ${out} (vendored: ${vendored.join(", ")})`);
}
