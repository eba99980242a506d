/**
 * Checking Tekton objects without a cluster. Against Tekton's API types: each object is deserialised
 * into fabric8's Tekton model (io.fabric8:tekton-model, generated from Tekton's OpenAPI schema; from
 * Maven Central once, into a per-user cache) with unknown fields refused (tekton/ValidateTekton.java,
 * on the JVM). And between objects: every reference a Pipeline or PipelineRun makes (tasks, params,
 * workspaces, results) resolves, as Tekton's admission webhook would check.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { K8sObject } from "./manifests.ts";

/** fabric8's Tekton model, and kubernetes-model-core as it depends on it (Jackson comes with it). */
export const FABRIC8_VERSION = "7.4.0";
const VALIDATOR = fileURLToPath(new URL("./tekton/ValidateTekton.java", import.meta.url));
const MARKER = ".complete";

/**
 * The jars of the validator, downloaded once into `${XDG_CACHE_HOME:-~/.cache}/shop/tekton-model-<v>/libs`
 * with mvn. Maven Central serves the tekton-model jar but not its parent POM, so the jar is fetched
 * alone (dependency:get without its dependencies) and its dependencies (kubernetes-model-core,
 * knative-model, Jackson) by a POM of their own.
 */
export async function tektonLibs(): Promise<string> {
  const home = join(
    process.env.XDG_CACHE_HOME || join(homedir(), ".cache"),
    "shop",
    `tekton-model-${FABRIC8_VERSION}`,
  );
  const libs = join(home, "libs");
  if (existsSync(join(libs, MARKER))) return libs;
  mkdirSync(home, { recursive: true });
  // Each process downloads into its own folder and renames it into place (atomic), as infra/local does.
  const work = mkdtempSync(join(home, "download-"));
  try {
    const dep = (a: string) =>
      `<dependency><groupId>io.fabric8</groupId><artifactId>${a}</artifactId><version>${FABRIC8_VERSION}</version></dependency>`;
    writeFileSync(
      join(work, "pom.xml"),
      `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>shop.deploy</groupId><artifactId>tekton-model-libs</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>${dep("kubernetes-model-core")}${dep("knative-model")}</dependencies></project>`,
    );
    const plugin = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1";
    const repo = join(work, "repository");
    await mvn(work, [
      `${plugin}:copy-dependencies`,
      `-DoutputDirectory=${join(work, "libs")}`,
      "-DincludeScope=runtime",
    ]);
    // dependency:get 3.x reads the jar's POM (and fails on its missing parent); 2.8 fetches the jar alone.
    await mvn(work, [
      "org.apache.maven.plugins:maven-dependency-plugin:2.8:get",
      `-Dartifact=io.fabric8:tekton-model:${FABRIC8_VERSION}`,
      "-Dtransitive=false",
      `-Dmaven.repo.local=${repo}`,
    ]);
    const jar = `tekton-model-${FABRIC8_VERSION}.jar`;
    await copyFile(
      join(repo, "io", "fabric8", "tekton-model", FABRIC8_VERSION, jar),
      join(work, "libs", jar),
    );
    writeFileSync(join(work, "libs", MARKER), `${new Date().toISOString()}\n`);
    try {
      renameSync(join(work, "libs"), libs);
    } catch (error) {
      if (!existsSync(join(libs, MARKER))) throw error; // else another process finished first
    }
    return libs;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function mvn(cwd: string, args: string[]) {
  try {
    await promisify(execFile)("mvn", ["-q", "-B", ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { code, stdout } = error as { code?: string; stdout?: string };
    if (code === "ENOENT")
      throw new Error("validating Tekton objects needs Maven (mvn): apt-get install maven");
    throw new Error(
      `mvn ${args[0]} failed: ${(stdout ?? "")
        .split("\n")
        .filter((l) => l.includes("ERROR"))
        .join("\n")}`,
    );
  }
}

/** An object and where it was read (a file, or the kustomization that built it). */
export interface Located {
  where: string;
  object: K8sObject;
}

/** Problems of each object against Tekton's API types; empty when every one is valid. */
export async function validateTekton(objects: Located[]): Promise<string[]> {
  const libs = await tektonLibs();
  const classpath = readdirSync(libs)
    .filter((f) => f.endsWith(".jar"))
    .map((f) => join(libs, f))
    .join(":");
  const child = spawn("java", ["-cp", classpath, VALIDATOR], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  child.stdin.end(JSON.stringify(objects.map(({ where, object }) => ({ where, object }))));
  const code = await exited;
  if (code !== 0) throw new Error(`ValidateTekton.java exited ${code}: ${stderr.trim()}`);
  return JSON.parse(stdout) as string[];
}

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const names = (value: unknown) => new Set(list(value).map((item) => String(item.name)));

/** Variables a text refers to: `$(params.x)`, `$(tasks.t.results.r)`, `$(workspaces.w.path)` … */
function variables(value: unknown): string[] {
  const text = JSON.stringify(value ?? null);
  return [...text.matchAll(/\$\(([^)]+)\)/g)].map((m) => m[1]!);
}

/**
 * What Tekton would refuse between objects: a Pipeline naming a Task that is not there, a param or
 * workspace a Task does not declare (or one it requires left out), a result no task produces, a
 * runAfter to nowhere, a variable of nothing; a PipelineRun whose Pipeline, params or workspaces do
 * not match; a ServiceAccount that does not exist.
 */
export function tektonReferences(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const byKind = (kind: string) =>
    new Map(objects.filter((o) => o.kind === kind).map((o) => [o.metadata.name, o]));
  const tasks = byKind("Task");
  const pipelines = byKind("Pipeline");
  const accounts = byKind("ServiceAccount");

  for (const [name, task] of tasks) {
    const spec = (task.spec ?? {}) as Json;
    const declared = {
      params: names(spec.params),
      results: names(spec.results),
      workspaces: names(spec.workspaces),
    };
    for (const variable of variables(spec.steps)) {
      const [scope, item, what] = variable.split(".");
      const known = declared[scope as keyof typeof declared];
      if (!known) continue; // context.*, steps.* …
      const base = item?.replace(/\[\*\]$/, "") ?? "";
      if (!known.has(base))
        problems.push(`Task ${name}: $(${variable}) names no declared ${scope?.slice(0, -1)}`);
      if (scope === "workspaces" && !["path", "bound", "claim", "volume"].includes(what ?? "")) {
        problems.push(`Task ${name}: $(${variable}) is no workspace variable`);
      }
    }
  }

  for (const [name, pipeline] of pipelines) {
    const spec = (pipeline.spec ?? {}) as Json;
    const pipelineTasks = [...list(spec.tasks), ...list(spec.finally)];
    const taskNames = new Set(pipelineTasks.map((t) => String(t.name)));
    const params = names(spec.params);
    const workspaces = names(spec.workspaces);
    for (const pt of pipelineTasks) {
      const where = `Pipeline ${name} task ${pt.name}`;
      const ref = (pt.taskRef ?? {}) as Json;
      const task = tasks.get(String(ref.name));
      if (!task) {
        problems.push(`${where}: no Task ${String(ref.name)}`);
        continue;
      }
      const taskSpec = (task.spec ?? {}) as Json;
      const passed = names(pt.params);
      for (const param of list(taskSpec.params)) {
        if (param.default === undefined && !passed.has(String(param.name))) {
          problems.push(`${where}: Task ${task.metadata.name} needs the param ${param.name}`);
        }
      }
      const taskParams = names(taskSpec.params);
      for (const p of passed)
        if (!taskParams.has(p)) problems.push(`${where}: Task ${task.metadata.name} has no param ${p}`);
      const bound = new Map(list(pt.workspaces).map((w) => [String(w.name), String(w.workspace)]));
      for (const ws of list(taskSpec.workspaces)) {
        if (!ws.optional && !bound.has(String(ws.name)))
          problems.push(`${where}: workspace ${ws.name} is not bound`);
      }
      const taskWorkspaces = names(taskSpec.workspaces);
      for (const [ws, to] of bound) {
        if (!taskWorkspaces.has(ws))
          problems.push(`${where}: Task ${task.metadata.name} has no workspace ${ws}`);
        if (!workspaces.has(to)) problems.push(`${where}: the Pipeline has no workspace ${to}`);
      }
      for (const after of (pt.runAfter ?? []) as string[]) {
        if (!taskNames.has(after)) problems.push(`${where}: runAfter ${after}, which is no task`);
      }
      for (const variable of variables(pt.params)) {
        const [scope, item, kind, result] = variable.split(".");
        if (scope === "params" && !params.has(item ?? ""))
          problems.push(`${where}: $(${variable}) is no Pipeline param`);
        if (scope !== "tasks") continue;
        if (item === "status") continue; // $(tasks.status), in finally
        const producer = pipelineTasks.find((t) => t.name === item);
        if (!producer) {
          problems.push(`${where}: $(${variable}) names no task`);
        } else if (kind === "results") {
          const producerTask = tasks.get(String((producer.taskRef as Json | undefined)?.name));
          if (!names((producerTask?.spec as Json | undefined)?.results).has(result ?? "")) {
            problems.push(`${where}: $(${variable}) is no result of ${item}`);
          }
        } else if (kind !== "status") {
          problems.push(`${where}: $(${variable}) is no task variable`);
        }
      }
    }
  }

  for (const run of objects.filter((o) => o.kind === "PipelineRun")) {
    const where = `PipelineRun ${run.metadata.name ?? (run.metadata as { generateName?: string }).generateName}`;
    const spec = (run.spec ?? {}) as Json;
    const pipeline = pipelines.get(String((spec.pipelineRef as Json | undefined)?.name));
    if (!pipeline) {
      problems.push(`${where}: no Pipeline ${(spec.pipelineRef as Json | undefined)?.name}`);
      continue;
    }
    const pipelineSpec = (pipeline.spec ?? {}) as Json;
    const given = names(spec.params);
    for (const param of list(pipelineSpec.params)) {
      if (param.default === undefined && !given.has(String(param.name)))
        problems.push(`${where}: needs the param ${param.name}`);
    }
    for (const p of given)
      if (!names(pipelineSpec.params).has(p)) problems.push(`${where}: the Pipeline has no param ${p}`);
    const bound = names(spec.workspaces);
    for (const ws of list(pipelineSpec.workspaces)) {
      if (!ws.optional && !bound.has(String(ws.name)))
        problems.push(`${where}: workspace ${ws.name} is not bound`);
    }
    const account = (spec.taskRunTemplate as Json | undefined)?.serviceAccountName;
    if (account && !accounts.has(String(account))) problems.push(`${where}: no ServiceAccount ${account}`);
  }
  return problems;
}
