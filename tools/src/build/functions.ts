/**
 * Builds each function as production runs it: its definition (`functions/<name>/src/function.ts`)
 * run by `runFunction`, bundled by esbuild from a generated entry into `functions/<name>/dist/server.mjs`
 * (ESM, Node 24, with a source map), so a function starts without transpiling TypeScript and loads one
 * file instead of hundreds of modules.
 *
 *   tsx tools/src/build/functions.ts [<function> …]     (`pnpm build`; every function when none is named)
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { functionNames, repoRoot as root } from "@shop/platform";
import { build, type Plugin } from "esbuild";

/**
 * Packages the bundle leaves to node_modules, so they must be the function's `dependencies`.
 * PGlite reads its WebAssembly and data files relative to its own module, and only the embedded mode
 * loads it (a dynamic import), so bundling it would break it and gain nothing.
 */
export const EXTERNAL_PACKAGES = ["@electric-sql/pglite"];

/** Where the bundle of function `name` is written. */
export function bundlePath(name: string): string {
  return join(root, "functions", name, "dist", "server.mjs");
}

// What a bundle is made of: the function, the workspace packages and locked npm packages it imports,
// and this build itself.
const sources = [
  "packages/runtime/src",
  "schemas/gen",
  "schemas/index.ts",
  "pnpm-lock.yaml",
  "tools/src/build/functions.ts",
];

function newestMtime(path: string): number {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry === "dist") continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when the bundle of `name` is missing or older than a source it is built from. */
export function isStale(name: string): boolean {
  const built = newestMtime(bundlePath(name));
  if (built === 0) return true;
  const fn = join(root, "functions", name);
  const inputs = [join(fn, "src"), join(fn, "package.json"), ...sources.map((s) => join(root, s))];
  return inputs.some((input) => newestMtime(input) > built);
}

/**
 * Bundles function `name` into `outdir` (default `functions/<name>/dist`) as `server.mjs`; returns its
 * path. What loads only when needed (a dynamic import: node-vault, the database drivers) goes to chunks
 * beside it. The bundle finds `../migrations` relative to itself, so `outdir` sits beside a migrations/.
 */
export async function buildFunction(name: string, outdir = join(root, "functions", name, "dist")) {
  const dir = join(root, "functions", name);
  if (!existsSync(join(dir, "src", "function.ts"))) throw new Error(`no function ${name} under functions/`);
  if (!existsSync(join(root, "schemas", "gen")))
    throw new Error("schemas/gen is missing: run `pnpm generate` first");
  // Built beside outdir and swapped in whole, so no one starts a half-written bundle or old chunks.
  // Both stand-ins are folders named dist, so git and the secret scan ignore them as they do dist/.
  await mkdir(dirname(outdir), { recursive: true });
  const work = await mkdtemp(join(dirname(outdir), ".build-"));
  try {
    await buildInto(name, dir, join(work, "dist"));
    await mkdir(join(work, "old"));
    await rename(outdir, join(work, "old", "dist")).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    await rename(join(work, "dist"), outdir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return join(outdir, "server.mjs");
}

/**
 * The entry of a function's bundle, which no file holds: a function's process runs its definition.
 * It resolves from the function's folder, as a `server.ts` there would.
 */
export function entrySource(name: string): string {
  return [
    `import { ${name}Function } from "./src/function.ts";`,
    `import { runFunction } from "@shop/runtime";`,
    `await runFunction(${name}Function);`,
    "",
  ].join("\n");
}

// esbuild's stdin would name the output stdin.mjs; a virtual module keeps the entry's name, server.
function generatedEntry(name: string, dir: string): Plugin {
  return {
    name: "function-entry",
    setup(builder) {
      builder.onResolve({ filter: /^function-entry$/ }, () => ({
        path: "server.ts",
        namespace: "function-entry",
      }));
      builder.onLoad({ filter: /.*/, namespace: "function-entry" }, () => ({
        contents: entrySource(name),
        resolveDir: dir,
        loader: "ts",
      }));
    },
  };
}

async function buildInto(name: string, dir: string, outdir: string) {
  await build({
    absWorkingDir: dir,
    entryPoints: { server: "function-entry" },
    plugins: [generatedEntry(name, dir)],
    outdir,
    outExtension: { ".js": ".mjs" },
    // In dist/ itself, so that import.meta.url means the same folder in every chunk.
    chunkNames: "[name]-[hash]",
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    sourcemap: true,
    // The map points into src/ and node_modules; it need not carry the sources too.
    sourcesContent: false,
    external: EXTERNAL_PACKAGES,
    // Bundled CommonJS packages call require() for Node's built-ins, which ESM does not define.
    banner: {
      js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
    },
    // Not minified, so names survive (esbuild renames only on a clash between modules). keepNames would
    // wrap every closure in a __name() call each time it is made: measurable on a hot request path.
    // Strings, regular expressions and names in ASCII (esbuild escapes the rest); see asciiComments.
    charset: "ascii",
    legalComments: "linked",
    logLevel: "warning",
  });
  await asciiComments(outdir);
}

/**
 * V8 keeps a script's source as long as it runs, one byte per character when all of it is Latin-1
 * and two bytes otherwise: a single "±" in a bundled package's comment made the bundle's 1.8 MB take
 * 3.5 MB of every function's memory. esbuild's `charset: "ascii"` escapes code but keeps comments as
 * they are, so what non-ASCII is left is in comments: each character becomes "?" (as many as its
 * UTF-16 length, so the source map's columns still hold).
 */
async function asciiComments(outdir: string) {
  for (const file of await readdir(outdir)) {
    if (!file.endsWith(".mjs")) continue;
    const path = join(outdir, file);
    const text = await readFile(path, "utf8");
    const ascii = text.replace(/[\u{80}-\u{10ffff}]/gu, (char) => "?".repeat(char.length));
    if (ascii !== text) await writeFile(path, ascii);
  }
}

/** Builds the named functions (every function when none is named), or only the stale ones. */
export async function buildFunctions(
  names: readonly string[] = functionNames,
  options: { onlyStale?: boolean } = {},
) {
  const built: string[] = [];
  for (const name of names) {
    if (options.onlyStale && !isStale(name)) continue;
    await buildFunction(name);
    built.push(name);
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2);
  const started = performance.now();
  const built = await buildFunctions(names.length > 0 ? names : undefined);
  const ms = Math.round(performance.now() - started);
  console.log(`built ${built.map((name) => `functions/${name}/dist/server.mjs`).join(", ")} in ${ms} ms`);
}
