import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildIssueReport } from "../../src/metrics/issue-report.js";
import { launchChromium } from "../support/browser.js";
import { repoRoot, runCli, spawnCliAsync } from "../support/cli.js";
import { EXPECTED_MONTHS, issueRoutes } from "../support/github-issue-fixture.js";
import { type GitHubStandin, startGitHubStandin } from "../support/github-standin.js";
import { metricPoints, type OtlpReceiver, startOtlpReceiver } from "../support/otlp-receiver.js";

let standin: GitHubStandin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

const RANGE = ["--repo", "acme/agent", "--label", "security", "--label", "vulnerability", "--since", "2026-01", "--until", "2026-06"];

async function runIssues(args: string[], env: NodeJS.ProcessEnv = {}, advisories: "two-in-february" | "forbidden" = "two-in-february") {
  standin = await startGitHubStandin(issueRoutes({ advisories }));
  standin.secondaryRateLimitOnce("/repos/acme/agent/issues", 1);
  return spawnCliAsync(["metrics", "issues", ...RANGE, "--api-url", standin.url, ...args], { env: { GITHUB_TOKEN: "test-token", CI: "true", ...env } });
}

describe("rampart metrics issues", () => {
  it.each(["Pacific/Kiritimati", "America/Adak"])(
    "counts exactly per UTC month with TZ=%s: PRs and bots excluded, labels unioned, pages followed, a secondary rate limit waited out",
    async (tz) => {
      const result = await runIssues(["--format", "json", "--target", "50", "--baseline", "3"], { TZ: tz });
      expect(result.stderr).toContain("rate limit");
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.repo).toBe("acme/agent");
      expect(report.months).toEqual(EXPECTED_MONTHS);
      expect(report.target).toEqual({
        percent: 50,
        baselineMonths: ["2026-01", "2026-02", "2026-03"],
        baseline: 1.33,
        value: 0.67,
        rolling3: 2.33,
        met: false,
      });
      expect(standin!.requests.some((r) => r.startsWith("GET /repos/acme/agent/issues?") && r.includes("page=2"))).toBe(true);
      expect(standin!.requests.filter((r) => /issues\?.*labels=security&/.test(r) && !/[?&]page=/.test(r)).length).toBe(2); // rate-limited once, then retried
    },
    60_000,
  );

  it("reports advisories as unknown, with the permission needed, when the token cannot read them", async () => {
    const result = await runIssues([], {}, "forbidden");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^2026-02\s+1\s+1\s+unknown/m);
    expect(result.stdout).toContain("repository_advisories:read");
  }, 60_000);

  it("rejects bad input with a clear message and exit 2", async () => {
    const cases: Array<[string[], string]> = [
      [["--repo", "acme", "--since", "2026-01"], "OWNER/NAME"],
      [["--repo", "acme/agent", "--since", "2026-13"], "2026-03"],
      [["--repo", "acme/agent", "--since", "2026-05", "--until", "2026-01"], "swap them"],
      [["--repo", "acme/agent", "--since", "2026-01", "--until", "2026-03", "--target", "50", "--baseline", "3"], "--baseline"],
      [["--repo", "acme/agent", "--sla", "soon"], "48h"],
      [["--repo", "acme/agent", "--format", "pdf"], "text, json or html"],
    ];
    for (const [args, hint] of cases) {
      const result = await runCli(["metrics", "issues", ...args], { env: { GITHUB_TOKEN: "t" } });
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(hint);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = await runCli(["metrics", "issues", "--repo", "acme/agent"], { env: { GITHUB_TOKEN: "", GH_TOKEN: "" } });
    expect(missing.stderr).toContain("GITHUB_TOKEN");
  });

  it("takes the default labels and SLA from rampart.config.yaml", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-metrics-config-"));
    writeFileSync(join(dir, "rampart.config.yaml"), "metrics:\n  issueLabels: [vulnerability]\n  sla: 80h\n");
    standin = await startGitHubStandin(issueRoutes({ advisories: "two-in-february" }));
    const result = await spawnCliAsync(
      ["metrics", "issues", "--repo", "acme/agent", "--since", "2026-01", "--until", "2026-02", "--api-url", standin.url, "--format", "json"],
      { cwd: dir, env: { GITHUB_TOKEN: "t" } },
    );
    const report = JSON.parse(result.stdout);
    expect(report.labels).toEqual(["vulnerability"]);
    expect(report.months.map((m: { opened: number }) => m.opened)).toEqual([1, 1]); // #3 in January, #4 in February
    expect(report.months[0].slaCompliance).toBe(1); // answered after 72h, inside an 80h SLA
  }, 60_000);
});

describe("the HTML report", () => {
  it("renders in headless Chromium with a bar per month, the target line and the SLA series, and fetches nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-metrics-html-"));
    const file = join(dir, "issues.html");
    const result = await runIssues(["--format", "html", "--output", file, "--target", "50", "--baseline", "3"]);
    expect(result.code).toBe(0);
    expect(readFileSync(file, "utf8")).not.toContain("<script>alert(1)</script>");
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(`file://${file}`);
      const bars = await page.$$eval("rect.bar", (els) =>
        els.map((e) => ({ month: e.getAttribute("data-month"), height: Number(e.getAttribute("height")), drawn: e.getBoundingClientRect().height })),
      );
      expect(bars.map((b) => b.month)).toEqual(EXPECTED_MONTHS.map((m) => m.month));
      for (const [i, m] of EXPECTED_MONTHS.entries()) expect(bars[i]!.drawn > 0, m.month).toBe(m.opened > 0);
      expect(bars[4]!.drawn).toBeGreaterThan(bars[0]!.drawn * 2.5); // May (6) against January (2)
      const target = await page.$eval("line.target", (e) => ({ value: e.getAttribute("data-value"), width: e.getBoundingClientRect().width }));
      expect(target).toEqual({ value: "0.67", width: expect.any(Number) });
      expect(target.width).toBeGreaterThan(100);
      expect(await page.$$eval("polyline.sla", (els) => els.length)).toBe(1);
      const out = join(repoRoot, "test-output");
      mkdirSync(out, { recursive: true });
      const screenshot = join(out, "metrics-issues.png");
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe("PNG");
      console.log(`[metrics html] screenshot: ${screenshot}`);
      expect(requests).toEqual([`file://${file}`]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});

describe("OTLP export", () => {
  let receiver: OtlpReceiver | undefined;
  afterEach(async () => receiver?.close());

  it("pushes the monthly gauges to the OTLP endpoint before the process exits", async () => {
    receiver = await startOtlpReceiver();
    const result = await runIssues(["--format", "json", "--target", "50", "--baseline", "3"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    });
    expect(result.code).toBe(0);
    const points = new Map(metricPoints(receiver.bodies).map((p) => [`${p.name}|${p.attributes.month ?? ""}|${p.attributes.source ?? ""}`, p.value]));
    for (const m of EXPECTED_MONTHS) expect(points.get(`rampart.security_issues.opened|${m.month}|issue`), m.month).toBe(m.opened);
    expect(points.get("rampart.security_issues.opened|2026-02|advisory")).toBe(2);
    expect(points.get("rampart.security_issues.target||")).toBe(0.67);
    expect(points.get("rampart.security_issues.rolling3||")).toBe(2.33);
    expect(points.get("rampart.security_issues.sla_compliance|2026-01|")).toBe(0.5);
  }, 60_000);
});

describe("report maths on plain data", () => {
  it("an issue still inside its SLA window is not counted as missed yet", () => {
    const report = buildIssueReport({
      repo: "a/b",
      labels: ["security"],
      months: ["2026-11"],
      issues: [{ number: 1, createdAt: "2026-11-24T10:00:00Z" }],
      advisories: [],
      slaMs: 48 * 3_600_000,
      now: new Date("2026-11-24T12:00:00Z"),
    });
    expect(report.months[0]).toMatchObject({ opened: 1, slaDue: 0, slaCompliance: null });
  });
});
