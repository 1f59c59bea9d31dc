import type { ThreatCoverage, ThreatModel } from "./threat-model.js";

/** Markdown for reviewers: a Mermaid data-flow diagram grouped by trust boundary, then threats and coverage. */
export function renderThreatModel(model: ThreatModel, coverage: ThreatCoverage[]): string {
  const lines = [`# Threat model: ${model.name}`, "", "## Data flows", "", "```mermaid", "flowchart LR"];
  for (const b of model.boundaries) {
    lines.push(`  subgraph ${b.id}["${b.description}"]`);
    for (const c of model.components.filter((c) => c.boundary === b.id)) lines.push(`    ${c.id}["${c.description}"]`);
    lines.push("  end");
  }
  for (const f of model.flows) lines.push(`  ${f.from} -->|"${f.data}"| ${f.to}`);
  lines.push("```", "", "## Identity model", "");
  for (const i of model.identity) lines.push(`- **${i.id}**${i.parent ? ` (in ${i.parent})` : ""}: ${i.description}`);
  lines.push(
    "",
    "## Threats and coverage",
    "",
    "| threat | STRIDE | score | preventive | detective | responsive | controls |",
    "|---|---|---|---|---|---|---|",
  );
  for (const t of [...model.threats].sort((a, b) => b.likelihood * b.impact - a.likelihood * a.impact)) {
    const c = coverage.find((x) => x.id === t.id)!;
    const controls = t.controls.map((k) => `${k.kind[0]}:\`${k.scanRule ?? k.detectorRule ?? k.playbook ?? k.checklistItem ?? k.test}\``).join(", ");
    lines.push(`| ${t.title} | ${t.stride.join(", ")} | ${c.score} | ${c.preventive} | ${c.detective} | ${c.responsive} | ${controls} |`);
  }
  return `${lines.join("\n")}\n`;
}
