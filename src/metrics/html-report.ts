import type { IssueReport } from "./issue-report.js";

const WIDTH = 720;
const HEIGHT = 300;
const PAD = { left: 40, right: 40, top: 20, bottom: 40 };

/**
 * One self-contained page (inline SVG and CSS, a CSP that forbids every fetch) so it can be attached to an
 * email or a ticket: bars of issues opened per month, the target as a dashed line, SLA compliance as a line.
 */
export function issueReportHtml(report: IssueReport): string {
  const title = `Security issues per month: ${report.repo}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}rect.bar{fill:#3b6fb6}line.target{stroke:#c0392b;stroke-width:2;stroke-dasharray:6 4}
polyline.sla{fill:none;stroke:#27ae60;stroke-width:2}text{font-size:11px}table{border-collapse:collapse;margin-top:16px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>Labels: ${escapeHtml(report.labels.join(", "))}. Months in UTC. Generated ${escapeHtml(report.generatedAt)}.</p>
${chart(report)}
${legend(report)}
${table(report)}
${report.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join("\n")}
</body></html>
`;
}

function chart(report: IssueReport): string {
  const months = report.months;
  const max = Math.max(1, report.target?.baseline ?? 0, ...months.map((m) => m.opened));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, months.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const bars = months.map((m, i) => {
    const x = PAD.left + i * slot + slot * 0.15;
    const h = (m.opened / max) * plotH;
    return `<rect class="bar" data-month="${m.month}" data-value="${m.opened}" x="${x.toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}"><title>${m.month}: ${m.opened} opened</title></rect>
<text x="${(x + slot * 0.35).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${m.month}</text>`;
  });
  const target = report.target
    ? `<line class="target" data-value="${report.target.value}" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(report.target.value).toFixed(1)}" y2="${y(report.target.value).toFixed(1)}"><title>target ${report.target.value}/month</title></line>`
    : "";
  const sla = months
    .map((m, i) =>
      m.slaCompliance === null ? undefined : `${(PAD.left + i * slot + slot / 2).toFixed(1)},${(PAD.top + plotH - m.slaCompliance * plotH).toFixed(1)}`,
    )
    .filter((p): p is string => p !== undefined);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="issues opened per month">
<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#999"/>
<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#999"/>
<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${max}</text><text x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">0</text>
<text x="${WIDTH - PAD.right + 4}" y="${PAD.top + 4}">100%</text>
${bars.join("\n")}
${target}
${sla.length > 0 ? `<polyline class="sla" points="${sla.join(" ")}"><title>SLA compliance (${report.slaHours}h)</title></polyline>` : ""}
</svg>`;
}

function legend(report: IssueReport): string {
  const t = report.target;
  const target = t
    ? ` Dashed red: target ${t.value}/month (${t.percent}% below the baseline ${t.baseline}); last 3 months average ${t.rolling3 ?? "n/a"}${t.met === null ? "" : t.met ? ", met" : ", not met"}.`
    : "";
  return `<p>Blue bars: issues opened. Green line: share answered within ${report.slaHours}h (right axis).${escapeHtml(target)}</p>`;
}

function table(report: IssueReport): string {
  const rows = report.months.map(
    (m) =>
      `<tr><th>${m.month}</th><td>${m.opened}</td><td>${m.closed}</td><td>${m.advisories ?? "unknown"}</td><td>${m.medianFirstResponseHours ?? "-"}</td><td>${m.slaCompliance === null ? "-" : `${Math.round(m.slaCompliance * 100)}%`}</td></tr>`,
  );
  return `<table><thead><tr><th>month</th><th>opened</th><th>closed</th><th>advisories</th><th>median first response (h)</th><th>SLA ${report.slaHours}h</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
