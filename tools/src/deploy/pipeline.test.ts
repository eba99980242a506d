/**
 * The CI/CD pipelines users adopt, checked without running them (that needs GitHub or a cluster with
 * Tekton; infra/cluster/README.md says what has run for real): the GitHub Actions workflows pass
 * actionlint and their scripts shellcheck; the Tekton objects (as kustomize builds them, and the example
 * PipelineRun) deserialise into Tekton's API types, reference only what exists, and their scripts pass
 * shellcheck; both pipelines test, build every function, deploy with what the manifest tests check and
 * run the smoke test; and the smoke test reads events the way the topic holds them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { functionNames, repoRoot } from "@shop/platform";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isObject, type K8sObject, kustomizeBuild, readDocs } from "./manifests.ts";
import { eventsCommand, parseConsoleLine, SAGA } from "./smoke.ts";
import { type Located, tektonReferences, validateTekton } from "./tekton.ts";
import { actionlint, shellcheck, tektonScripts, workflowScripts } from "./workflow.ts";

const workflowsDir = join(repoRoot, ".github", "workflows");
const workflows = readdirSync(workflowsDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => ({ file: `.github/workflows/${f}`, text: readFileSync(join(workflowsDir, f), "utf8") }));
const ci = parse(readFileSync(join(workflowsDir, "ci.yaml"), "utf8")) as {
  on: Record<string, unknown>;
  jobs: Record<string, { needs?: string | string[]; steps: Array<{ run?: string; uses?: string }> }>;
};

const tektonDir = join(repoRoot, "infra", "cluster", "tekton");
const built: Located[] = (await kustomizeBuild(tektonDir, repoRoot)).flatMap(({ doc, file }) =>
  isObject(doc) ? [{ where: file, object: doc }] : [],
);
const run = (await readDocs(join(tektonDir, "pipelinerun.yaml"))).map(({ doc }) => ({
  where: "infra/cluster/tekton/pipelinerun.yaml",
  object: doc as K8sObject,
}));
const tekton = [...built, ...run].filter(({ object }) => object.apiVersion.startsWith("tekton.dev/"));
const pipeline = built.find(({ object }) => object.kind === "Pipeline")!.object;
const pipelineTasks = (pipeline.spec as { tasks: Array<{ name: string; taskRef: { name: string } }> }).tasks;

describe("the GitHub Actions workflow", () => {
  it.each(workflows)("$file passes actionlint", async ({ file, text }) => {
    const findings = await actionlint(text, file);
    expect(findings.map((f) => `${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)).toEqual([]);
  });

  it("actionlint is the real one: it finds what it is for", async () => {
    const bad = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v2
      - run: echo "\${{ github.event.head_commit.message }}"
      - run: echo "\${{ steps.nothing.outputs.x }}"
`;
    const kinds = (await actionlint(bad, "bad.yaml")).map((f) => f.kind).sort();
    expect(kinds).toEqual(["action", "expression", "expression"]);
  });

  it("has run: scripts that pass shellcheck", () => {
    const scripts = workflows.flatMap(({ file, text }) => workflowScripts(text, file));
    expect(scripts.length).toBeGreaterThan(5);
    const found = scripts.map(shellcheck);
    if (found.some((f) => f === undefined)) {
      console.warn("shellcheck is not installed: the workflow's scripts were not checked");
      return;
    }
    expect(found.flat()).toEqual([]);
  });

  it("tests on every push and pull request, then builds, deploys to kind with up.sh and smoke-tests", () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(["push", "pull_request"]));
    const runs = (job: string) => ci.jobs[job]!.steps.map((s) => s.run ?? "").join("\n");
    expect(runs("test")).toContain("npm test");
    expect(ci.jobs.deploy!.needs).toBe("test");
    expect(runs("deploy")).toContain("infra/cluster/up.sh images");
    expect(runs("deploy")).toMatch(/infra\/cluster\/up\.sh\n/);
    expect(runs("deploy")).toContain("infra/cluster/ci/smoke.sh");
    const smoke = readFileSync(join(repoRoot, "infra", "cluster", "ci", "smoke.sh"), "utf8");
    expect(smoke).toContain("tools/src/deploy/smoke.ts");
    // up.sh builds the images it deploys with BUILD=prebuilt (each function), as the overlay names them.
    const up = readFileSync(join(repoRoot, "infra", "cluster", "up.sh"), "utf8");
    for (const name of functionNames) expect(up).toMatch(new RegExp(`FUNCTIONS=\\([^)]*\\b${name}\\b`));
  });
});

describe("the Tekton pipeline", () => {
  it("has objects that Tekton's API types accept (fabric8's Tekton model)", {
    timeout: 300_000,
  }, async () => {
    expect(tekton.map(({ object }) => object.kind).sort()).toEqual([
      "Pipeline",
      "PipelineRun",
      ...Array(6).fill("Task"),
    ]);
    expect(await validateTekton(tekton)).toEqual([]);
  });

  it("the validation refuses what Tekton's types do not have", { timeout: 300_000 }, async () => {
    const step = { name: "s", image: "busybox", resources: { requests: { cpu: "1" } } };
    const problems = await validateTekton([
      {
        where: "a Task",
        object: {
          apiVersion: "tekton.dev/v1",
          kind: "Task",
          metadata: { name: "t" },
          spec: { steps: [step] },
        },
      },
      {
        where: "a Pipeline",
        object: {
          apiVersion: "tekton.dev/v1",
          kind: "Pipeline",
          metadata: { name: "p" },
          spec: { tasks: [{ name: "a", taskRef: { name: "t" }, runAfter: "b" }] },
        },
      },
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^a Task: spec\.steps\[0\]\.resources: Unrecognized field "resources"/);
    expect(problems[1]).toMatch(/^a Pipeline: spec\.tasks\[0\]\.runAfter/);
  });

  it("references only tasks, params, workspaces, results and accounts that exist", () => {
    expect(tektonReferences([...built, ...run].map((o) => o.object))).toEqual([]);
    const broken = structuredClone(pipeline) as K8sObject & {
      spec: { tasks: Array<Record<string, unknown>> };
    };
    broken.spec.tasks[1]!.runAfter = ["nowhere"];
    broken.spec.tasks.push({
      name: "x",
      taskRef: { name: "shop-smoke" },
      params: [{ name: "nope", value: "$(tasks.clone.results.none)" }],
    });
    const tasks = built.map((o) => o.object).filter((o) => o.kind === "Task");
    expect(tektonReferences([...tasks, broken]).length).toBe(4);
  });

  it("has step scripts that pass shellcheck", () => {
    const scripts = tektonScripts(built.map((o) => o.object));
    expect(scripts.length).toBe(6);
    const found = scripts.map(shellcheck);
    if (found.some((f) => f === undefined)) {
      console.warn("shellcheck is not installed: the Tekton steps' scripts were not checked");
      return;
    }
    expect(found.flat()).toEqual([]);
  });

  it("clones, tests, builds every function's image, deploys the production overlay and smoke-tests", () => {
    const refs = pipelineTasks.map((t) => t.taskRef.name);
    expect(refs.slice(0, 2)).toEqual(["shop-git-clone", "shop-test"]);
    const builds = pipelineTasks.filter((t) => t.taskRef.name === "shop-build-image") as unknown as Array<{
      params: Array<{ name: string; value: string }>;
    }>;
    expect(builds.map((b) => b.params.find((p) => p.name === "function")?.value).sort()).toEqual(
      [...functionNames].sort(),
    );
    expect(refs.slice(-2)).toEqual(["shop-deploy", "shop-smoke"]);
    const tasks = JSON.stringify(built.map((o) => o.object));
    expect(tasks).toContain("npm test");
    expect(tasks).toContain("knative/overlays/production");
    expect(tasks).toContain("tools/src/deploy/smoke.ts");
    expect(tasks).toContain("functions/Dockerfile");
  });
});

describe("the smoke test", () => {
  it("reads a record of the console consumer (headers, key, no value)", () => {
    const line =
      "ce_specversion:1.0|ce_type:shop.orders.v1.OrderPlaced|ce_subject:o-1|ce_time:2026-01-01T00:00:00Z\to-1";
    expect(parseConsoleLine(line)).toEqual({
      type: "shop.orders.v1.OrderPlaced",
      subject: "o-1",
      key: "o-1",
    });
    expect(parseConsoleLine("Processed a total of 3 messages")).toBeUndefined();
  });

  it("reads shop.events with the shop CLI, or with Kafka's console consumer in the Kafka pod", () => {
    const cli = eventsCommand({ events: { brokers: "k:9092" }, topic: "shop.events" }, "o-1");
    expect(cli.args).toEqual(
      expect.arrayContaining(["events", "tail", "--order", "o-1", "--brokers", "k:9092"]),
    );
    const pod = eventsCommand(
      { events: { kafkaPod: "kafka/shop-kafka-dual-0" }, topic: "shop.events" },
      "o-1",
    );
    expect(pod.command).toBe("kubectl");
    expect(pod.args.slice(0, 5)).toEqual(["-n", "kafka", "exec", "shop-kafka-dual-0", "--"]);
  });

  it("expects the whole saga, each step by the function that owns it", () => {
    expect(SAGA.map((t) => t.split(".")[1])).toEqual([
      "orders",
      "promotions",
      "inventory",
      "payments",
      "orders",
    ]);
  });
});
