import { paginated, type StandinRoute } from "./github-standin.js";

/**
 * A repository's issues as GitHub serves them, built so every trap shows: pull requests and bot reports
 * among the issues, an issue carrying both labels, issues in the last and first second of a month, and
 * enough of them that the listing takes several pages.
 */
interface FixtureIssue {
  number: number;
  created_at: string;
  closed_at?: string;
  labels: string[];
  bot?: boolean;
  pr?: boolean;
  comments?: Array<{ by: "author" | "maintainer" | "bot"; afterHours: number }>;
}

const ISSUES: FixtureIssue[] = [
  { number: 1, created_at: "2025-12-31T23:59:59Z", closed_at: "2026-01-05T00:00:00Z", labels: ["security"] },
  { number: 2, created_at: "2026-01-01T00:00:00Z", labels: ["security"], comments: [{ by: "maintainer", afterHours: 2 }] },
  {
    number: 3,
    created_at: "2026-01-15T12:00:00Z",
    closed_at: "2026-02-01T00:00:00Z",
    labels: ["vulnerability"],
    comments: [
      { by: "bot", afterHours: 0.1 },
      { by: "maintainer", afterHours: 72 },
    ],
  },
  { number: 4, created_at: "2026-02-10T08:00:00Z", labels: ["security", "vulnerability"] },
  { number: 5, created_at: "2026-02-11T08:00:00Z", labels: ["security"], pr: true },
  { number: 6, created_at: "2026-02-12T08:00:00Z", labels: ["security"], bot: true },
  {
    number: 7,
    created_at: "2026-03-31T23:59:59Z",
    labels: ["security"],
    comments: [
      { by: "author", afterHours: 0.2 },
      { by: "maintainer", afterHours: 1 },
    ],
  },
  { number: 8, created_at: "2026-04-01T00:00:00Z", closed_at: "2026-04-01T05:00:00Z", labels: ["security"] },
  { number: 9, created_at: "2026-04-20T00:00:00Z", labels: ["bug"] },
  { number: 10, created_at: "2026-07-01T00:00:00Z", labels: ["security"] },
  ...[1, 2, 3, 4, 5, 6].map((d) => ({ number: 10 + d, created_at: `2026-05-0${d}T10:00:00Z`, labels: ["security"] })),
];

const at = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString().replace(".000Z", "Z");

function toApi(i: FixtureIssue) {
  return {
    id: 1000 + i.number,
    number: i.number,
    title: `issue ${i.number} <script>alert(1)</script>`,
    created_at: i.created_at,
    updated_at: i.closed_at ?? i.created_at,
    closed_at: i.closed_at ?? null,
    state: i.closed_at ? "closed" : "open",
    labels: i.labels.map((name) => ({ name })),
    user: i.bot ? { login: "dependabot[bot]", type: "Bot" } : { login: `reporter${i.number}`, type: "User" },
    ...(i.pr ? { pull_request: { url: `https://api.github.com/repos/acme/agent/pulls/${i.number}` } } : {}),
  };
}

function comments(i: FixtureIssue, repo: string) {
  const login = { author: `reporter${i.number}`, maintainer: "maintainer", bot: "github-actions[bot]" };
  return (i.comments ?? []).map((c, n) => {
    const created = at(i.created_at, c.afterHours);
    return {
      id: i.number * 100 + n,
      created_at: created,
      updated_at: created,
      issue_url: `https://api.github.com/repos/${repo}/issues/${i.number}`,
      user: { login: login[c.by], type: c.by === "bot" ? "Bot" : "User" },
    };
  });
}

/** Every comment of the repository as `GET /repos/{owner}/{repo}/issues/comments` lists them: oldest first, `since` on updated_at. */
function repositoryComments(repo: string) {
  const all = ISSUES.flatMap((i) => comments(i, repo)).sort((a, b) => a.created_at.localeCompare(b.created_at));
  return (request: Parameters<Exclude<StandinRoute["reply"], { status: number }>>[0]) => {
    const since = Date.parse(request.url.searchParams.get("since") ?? "1970-01-01T00:00:00Z");
    return paginated(
      all.filter((c) => Date.parse(c.updated_at) >= since),
      30,
      2,
    )(request);
  };
}

/** `advisories: "forbidden"` answers like a token without repository_advisories:read. */
export function issueRoutes(options: { advisories: "two-in-february" | "forbidden"; repo?: string }): StandinRoute[] {
  const repo = options.repo ?? "acme/agent";
  const base = `/repos/${repo}`;
  return [
    {
      path: `${base}/issues`,
      reply: (request) => {
        const label = request.url.searchParams.get("labels") ?? "";
        const since = Date.parse(request.url.searchParams.get("since") ?? "1970-01-01T00:00:00Z");
        const wanted = label.split(",").filter(Boolean);
        const items = ISSUES.filter((i) => wanted.every((l) => i.labels.includes(l)))
          .map(toApi)
          .filter((i) => Date.parse(i.updated_at) >= since);
        return paginated(items, 30, 3)(request);
      },
    },
    { path: `${base}/issues/comments`, reply: repositoryComments(repo) },
    {
      path: `${base}/security-advisories`,
      reply:
        options.advisories === "forbidden"
          ? { status: 403, body: { message: "Resource not accessible by personal access token" } }
          : paginated([
              { ghsa_id: "GHSA-aaaa-bbbb-cccc", created_at: "2026-02-03T00:00:00Z" },
              { ghsa_id: "GHSA-dddd-eeee-ffff", created_at: "2026-02-28T23:59:59Z" },
            ]),
    },
  ];
}

/** What a person counting by hand gets for 2026-01..2026-06 with labels security and vulnerability, SLA 48h. */
export const EXPECTED_MONTHS = [
  { month: "2026-01", opened: 2, closed: 1, medianFirstResponseHours: 37, slaMet: 1, slaDue: 2, slaCompliance: 0.5, advisories: 0 },
  { month: "2026-02", opened: 1, closed: 1, medianFirstResponseHours: null, slaMet: 0, slaDue: 1, slaCompliance: 0, advisories: 2 },
  { month: "2026-03", opened: 1, closed: 0, medianFirstResponseHours: 1, slaMet: 1, slaDue: 1, slaCompliance: 1, advisories: 0 },
  { month: "2026-04", opened: 1, closed: 1, medianFirstResponseHours: null, slaMet: 0, slaDue: 1, slaCompliance: 0, advisories: 0 },
  { month: "2026-05", opened: 6, closed: 0, medianFirstResponseHours: null, slaMet: 0, slaDue: 6, slaCompliance: 0, advisories: 0 },
  { month: "2026-06", opened: 0, closed: 0, medianFirstResponseHours: null, slaMet: 0, slaDue: 0, slaCompliance: null, advisories: 0 },
];
