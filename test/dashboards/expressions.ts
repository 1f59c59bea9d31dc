import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../support/cli.js";

export const DASHBOARD = join(repoRoot, "dashboards", "rampart-grafana.json");
export const RULES = join(repoRoot, "dashboards", "prometheus-rules.yaml");

interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
  panels?: Panel[];
}

/** Every PromQL expression of the Grafana dashboard, by panel title. */
export function dashboardExpressions(): Array<{ where: string; expr: string }> {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as { panels: Panel[] };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  return panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })));
}

/** Every alert and recording rule expression of the Prometheus rules file. */
export function ruleExpressions(): Array<{ where: string; expr: string }> {
  const rules = parse(readFileSync(RULES, "utf8")) as { groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }> };
  return rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })));
}

/** Grafana's variables replaced the way Grafana would for "All repositories" and a short range. */
export function asPromQL(expr: string): string {
  return expr.replaceAll("$__rate_interval", "1m").replaceAll('"$repo"', '".*"');
}
