/**
 * Checking infra/cluster/monitoring without a cluster: the PrometheusRule's groups as a rules file
 * for promtool (Debian's `prometheus` package), which alerts its unit tests cover, the Grafana
 * dashboard's shape and queries, and the metric names a PromQL expression selects.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { isObject, type K8sObject } from "./manifests.ts";

/** The promtool that checks and tests the rules: `$PROMTOOL`, else `promtool` on PATH. */
export const promtool = process.env.PROMTOOL || "promtool";

/** Runs promtool in `cwd`; resolves with its output whatever its exit code. */
export async function runPromtool(args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await promisify(execFile)(promtool, args, { cwd });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: string | number; stdout?: string; stderr?: string };
    if (code === "ENOENT") {
      throw new Error(
        `${promtool} is not installed: apt-get install prometheus (the test command does, as root)`,
      );
    }
    return { ok: false, output: `${stdout ?? ""}${stderr ?? ""}` };
  }
}

/** A rule of a Prometheus rule group. */
export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A Prometheus rule group. */
export interface RuleGroup {
  name: string;
  rules: Rule[];
}

/** The rule groups of every PrometheusRule among `docs`. */
export function ruleGroups(docs: unknown[]): RuleGroup[] {
  return docs
    .filter((d): d is K8sObject => isObject(d) && d.kind === "PrometheusRule")
    .flatMap((rule) => (rule.spec?.groups ?? []) as RuleGroup[]);
}

/** One promtool unit test file, as far as coverage goes. */
interface UnitTests {
  tests?: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

/** Per alert, how many cases expect it firing and how many expect it quiet. */
export function alertCoverage(files: unknown[]): Map<string, { firing: number; quiet: number }> {
  const coverage = new Map<string, { firing: number; quiet: number }>();
  for (const file of files as UnitTests[]) {
    for (const test of file.tests ?? []) {
      for (const { alertname, exp_alerts } of test.alert_rule_test ?? []) {
        const seen = coverage.get(alertname) ?? { firing: 0, quiet: 0 };
        if ((exp_alerts ?? []).length > 0) seen.firing++;
        else seen.quiet++;
        coverage.set(alertname, seen);
      }
    }
  }
  return coverage;
}

/** A Grafana dashboard panel, as far as the checks go. */
interface Panel {
  id?: unknown;
  type?: unknown;
  title?: unknown;
  gridPos?: Record<string, unknown>;
  datasource?: { type?: unknown; uid?: unknown };
  targets?: { refId?: unknown; expr?: unknown; datasource?: { type?: unknown; uid?: unknown } }[];
  panels?: Panel[];
}

/** Every panel of a dashboard, those inside (collapsed) rows included. */
export function panelsOf(dashboard: { panels?: Panel[] }): Panel[] {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every query of a dashboard's panels, with where it is. */
export function dashboardQueries(dashboard: { panels?: Panel[] }): { where: string; expr: string }[] {
  return panelsOf(dashboard).flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      where: `panel ${String(p.id)} "${String(p.title)}"`,
      expr: String(t.expr),
    })),
  );
}

/** Grafana's reference to the dashboard's `datasource` variable, literally (not a JS template). */
const DATASOURCE_VARIABLE = ["$", "{datasource}"].join("");

const PROMETHEUS = (ds: { type?: unknown; uid?: unknown } | undefined) =>
  ds?.type === "prometheus" && ds.uid === DATASOURCE_VARIABLE;

/**
 * What keeps `dashboard` from being a well-formed Grafana dashboard on a Prometheus data source:
 * the top-level fields Grafana needs, the `datasource` variable, and per panel a unique integer id,
 * a type, a title, a grid position, and (but rows) that data source and queries with a refId.
 */
export function dashboardProblems(dashboard: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const field of ["title", "uid", "schemaVersion", "panels", "templating", "time"]) {
    if (dashboard[field] === undefined) problems.push(`no ${field}`);
  }
  const variables = (dashboard.templating as { list?: { name?: string; type?: string; query?: string }[] })
    ?.list;
  if (
    !variables?.some((v) => v.name === "datasource" && v.type === "datasource" && v.query === "prometheus")
  ) {
    problems.push("no datasource variable of type prometheus");
  }
  const ids = new Set<unknown>();
  for (const panel of panelsOf(dashboard as { panels?: Panel[] })) {
    const at = `panel ${String(panel.id)} "${String(panel.title)}"`;
    if (!Number.isInteger(panel.id)) problems.push(`${at}: id is not an integer`);
    if (ids.has(panel.id)) problems.push(`${at}: id used twice`);
    ids.add(panel.id);
    if (typeof panel.type !== "string" || typeof panel.title !== "string")
      problems.push(`${at}: no type or title`);
    const grid = panel.gridPos ?? {};
    if (!["x", "y", "w", "h"].every((k) => Number.isInteger(grid[k]))) problems.push(`${at}: no gridPos`);
    if (panel.type === "row") continue;
    if (!PROMETHEUS(panel.datasource)) problems.push(`${at}: datasource is not the prometheus variable`);
    if (!panel.targets?.length) problems.push(`${at}: no queries`);
    for (const target of panel.targets ?? []) {
      if (
        typeof target.refId !== "string" ||
        typeof target.expr !== "string" ||
        !PROMETHEUS(target.datasource)
      ) {
        problems.push(`${at}: a query without refId, expr or the prometheus datasource`);
      }
    }
  }
  return problems;
}

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset"]);
const OPERATORS = new Set(["and", "or", "unless", "atan2"]);

/**
 * The metric names a PromQL expression selects (promtool has checked that it parses): what is left
 * of its identifiers once strings, label matchers, grouping clauses, ranges, function calls and
 * keywords, numbers and durations are taken out.
 */
export function selectedMetrics(expr: string): Set<string> {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b\d[\d.]*(ms|[smhdwy])?\b/g, " ");
  const names = new Set<string>();
  for (const match of bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)) {
    const [, name, call] = match;
    if (call || KEYWORDS.has(name!) || OPERATORS.has(name!)) continue;
    names.add(name!);
  }
  return names;
}
