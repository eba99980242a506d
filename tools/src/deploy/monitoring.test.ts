/**
 * infra/cluster/monitoring, checked with the real tools: kustomize builds it; promtool (Debian's
 * `prometheus` package) checks the PrometheusRule's rules and runs their unit tests, each alert with a
 * firing and a quiet case; the Grafana dashboard (as the ConfigMap carries it) is well-formed, its
 * queries parse with Prometheus' parser, and every metric the dashboard and the alerts select is one
 * the functions serve on /metrics: collected from an embedded shop started here.
 */
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, type Shop, startShop } from "@shop/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { isObject, kustomizeBuild } from "./manifests.ts";
import {
  alertCoverage,
  dashboardProblems,
  dashboardQueries,
  type RuleGroup,
  ruleGroups,
  runPromtool,
  selectedMetrics,
} from "./monitoring.ts";

const dir = join(repoRoot, "infra", "cluster", "monitoring");
const built = (await kustomizeBuild(dir, repoRoot)).map((d) => d.doc).filter(isObject);
const groups = ruleGroups(built);
const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert);
const testFiles = (await readdir(join(dir, "tests"))).filter((f) => /\.ya?ml$/.test(f)).sort();
const dashboards = built
  .filter((o) => o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard === "1")
  .flatMap((o) => Object.entries((o.data ?? {}) as Record<string, string>))
  .map(([file, text]) => ({ file, dashboard: JSON.parse(text) as Record<string, unknown> }));

/** The figures the saga's health is told by (issue 13): the dashboard and the ops page plot them. */
const FIGURES = [
  "shop_rpc_requests_total",
  "shop_rpc_duration_seconds",
  "shop_events_total",
  "shop_event_handling_seconds",
  "shop_outbox_backlog",
  "shop_outbox_oldest_age_seconds",
  "shop_consumer_lag",
  "shop_redeliveries_total",
  "shop_saga_duration_seconds",
  "shop_orders_final_total",
  "shop_orders_overdue",
  "shop_dead_letters_total",
];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "shop-promtool-"));
  // The unit tests name rules.yaml: the PrometheusRule's groups, as Prometheus would load them.
  await writeFile(join(work, "rules.yaml"), stringify({ groups }));
  for (const file of testFiles) await copyFile(join(dir, "tests", file), join(work, file));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function promtoolOn(rules: RuleGroup[], name: string, ...args: string[]) {
  await writeFile(join(work, name), stringify({ groups: rules }));
  return runPromtool([...args, name], work);
}

describe("the alerts (PrometheusRule shop-saga)", () => {
  it("are built by kustomize and pass promtool check rules", async () => {
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining([
        "ShopOrdersStuck",
        "ShopDeadLettersGrowing",
        "ShopOutboxStale",
        "ShopRpcErrorRatio",
        "ShopEventErrorRatio",
        "ShopRpcLatencyHigh",
        "ShopSagaLatencyHigh",
      ]),
    );
    const checked = await runPromtool(["check", "rules", "rules.yaml"], work);
    expect(checked.output).toContain(`SUCCESS: ${alerts.length} rules found`);
    expect(checked.ok).toBe(true);
  });

  it("pass their promtool unit tests", async () => {
    const tested = await runPromtool(["test", "rules", ...testFiles], work);
    expect(tested.output).not.toContain("FAILED");
    expect(tested.ok).toBe(true);
  });

  it("each have a case that fires and one that does not", async () => {
    const files = await Promise.all(
      testFiles.map(async (f) => parse(await readFile(join(dir, "tests", f), "utf8"))),
    );
    const coverage = alertCoverage(files);
    const uncovered = alerts
      .map((a) => ({ alert: a.alert!, ...(coverage.get(a.alert!) ?? { firing: 0, quiet: 0 }) }))
      .filter((c) => c.firing === 0 || c.quiet === 0);
    expect(uncovered).toEqual([]);
    // A test of an alert that does not exist would pass for nothing.
    expect([...coverage.keys()].filter((name) => !alerts.some((a) => a.alert === name))).toEqual([]);
  });

  it("and those tests fail for rules that never fire", async () => {
    const silenced = groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) => ({ ...r, expr: "vector(0) > 1" })),
    }));
    await writeFile(join(work, "rules.yaml"), stringify({ groups: silenced }));
    try {
      const tested = await runPromtool(["test", "rules", ...testFiles], work);
      expect(tested.ok).toBe(false);
      for (const alert of alerts) expect(tested.output).toContain(`alertname: ${alert.alert}`);
    } finally {
      await writeFile(join(work, "rules.yaml"), stringify({ groups }));
    }
  });
});

describe("the Grafana dashboard", () => {
  it("is in the kustomization's ConfigMap for Grafana's sidecar, and well-formed", () => {
    expect(dashboards.map((d) => d.file)).toEqual(["shop-saga.json"]);
    for (const { dashboard } of dashboards) expect(dashboardProblems(dashboard)).toEqual([]);
  });

  it("has queries that Prometheus' parser accepts (checked by promtool as recording rules)", async () => {
    const queries = dashboards.flatMap(({ dashboard }) => dashboardQueries(dashboard));
    expect(queries.length).toBeGreaterThan(10);
    const rules = queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr }));
    const checked = await promtoolOn([{ name: "dashboard", rules }], "dashboard.yaml", "check", "rules");
    expect(checked.output).toContain(`SUCCESS: ${queries.length} rules found`);
  });

  describe("and the alerts select only metrics the functions serve", () => {
    let shop: Shop;
    const served = new Map<string, string>();
    beforeAll(async () => {
      shop = await startShop({ logLevel: "silent" });
      const scrapes = [
        `${shop.url}/metrics`,
        ...Object.keys(shop.functions).map((name) => `${shop.url}/functions/${name}/metrics`),
      ];
      for (const url of scrapes) {
        const response = await fetch(url);
        expect(response.status, url).toBe(200);
        for (const [, name, type] of (await response.text()).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
          served.set(name!, type!);
          if (type === "histogram")
            for (const part of ["_bucket", "_sum", "_count"]) served.set(`${name}${part}`, type);
        }
      }
    }, 120_000);
    afterAll(() => shop?.close());

    it("every figure of the saga's health is served, and plotted", () => {
      expect(FIGURES.filter((name) => !served.has(name))).toEqual([]);
      const plotted = new Set(
        dashboards
          .flatMap(({ dashboard }) => dashboardQueries(dashboard))
          .flatMap((q) => [...selectedMetrics(q.expr)]),
      );
      const family = (name: string) => name.replace(/_(bucket|sum|count)$/, "");
      expect(FIGURES.filter((name) => ![...plotted].some((p) => family(p) === name || p === name))).toEqual(
        [],
      );
    });

    it("names no metric that no function serves", () => {
      const queries = [
        ...dashboards.flatMap(({ dashboard }) => dashboardQueries(dashboard)),
        ...alerts.map((a) => ({ where: `alert ${a.alert}`, expr: a.expr })),
      ];
      const unknown = queries.flatMap(({ where, expr }) =>
        [...selectedMetrics(expr)].filter((name) => !served.has(name)).map((name) => `${where}: ${name}`),
      );
      expect(unknown).toEqual([]);
    });
  });
});

describe("selectedMetrics", () => {
  it("finds the selected metrics, not functions, labels, keywords or ranges", () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, method) (rate(a_bucket{code=~"x|y", le!="1"}[5m]))) / on (method) group_left b > bool 1 or c offset 5m';
    expect([...selectedMetrics(expr)].sort()).toEqual(["a_bucket", "b", "c"]);
  });
});
