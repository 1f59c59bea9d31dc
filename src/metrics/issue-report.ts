import { type MonthKey, monthOf } from "./months.js";

/** A security issue as the report needs it (no title or body: the report only counts). */
export interface SecurityIssue {
  number: number;
  createdAt: string;
  closedAt?: string;
  /** First comment by someone other than the author (bots excluded), if any. */
  firstResponseAt?: string;
}

export interface Advisory {
  createdAt: string;
}

export interface MonthRow {
  month: MonthKey;
  opened: number;
  closed: number;
  /** Median hours from opening to first response, over issues opened this month that got one. */
  medianFirstResponseHours: number | null;
  /** Issues opened this month answered within the SLA, of those whose SLA window has passed. */
  slaMet: number;
  slaDue: number;
  /** slaMet / slaDue, or null when no issue was due. */
  slaCompliance: number | null;
  /** Repository security advisories created this month; null when the token cannot read them. */
  advisories: number | null;
}

export interface TargetSummary {
  percent: number;
  baselineMonths: MonthKey[];
  /** Mean issues opened per month over the baseline months. */
  baseline: number;
  /** The monthly ceiling: baseline reduced by `percent`. */
  value: number;
  /** Mean of the last three months after the baseline (the judged number: single months are noisy). */
  rolling3: number | null;
  met: boolean | null;
}

export interface IssueReport {
  repo: string;
  labels: string[];
  slaHours: number;
  generatedAt: string;
  months: MonthRow[];
  target?: TargetSummary;
  /** Why a series is missing (e.g. the token cannot read advisories). */
  notes: string[];
}

export interface ReportInput {
  repo: string;
  labels: string[];
  months: MonthKey[];
  issues: SecurityIssue[];
  advisories: Advisory[] | undefined;
  slaMs: number;
  now: Date;
  target?: { percent: number; baselineMonths: number };
  notes?: string[];
}

/** Pure: buckets issues into UTC months and derives the series and the target. */
export function buildIssueReport(input: ReportInput): IssueReport {
  const rows = input.months.map((month) => monthRow(month, input));
  const report: IssueReport = {
    repo: input.repo,
    labels: input.labels,
    slaHours: input.slaMs / 3_600_000,
    generatedAt: input.now.toISOString(),
    months: rows,
    notes: input.notes ?? [],
  };
  if (input.target) report.target = targetSummary(rows, input.target.percent, input.target.baselineMonths);
  return report;
}

function monthRow(month: MonthKey, input: ReportInput): MonthRow {
  const opened = input.issues.filter((i) => monthOf(i.createdAt) === month);
  const closed = input.issues.filter((i) => i.closedAt !== undefined && monthOf(i.closedAt) === month).length;
  const waits = opened.filter((i) => i.firstResponseAt).map((i) => hoursBetween(i.createdAt, i.firstResponseAt!));
  const due = opened.filter((i) => i.firstResponseAt !== undefined || input.now.getTime() - Date.parse(i.createdAt) >= input.slaMs);
  const met = due.filter((i) => i.firstResponseAt !== undefined && Date.parse(i.firstResponseAt) - Date.parse(i.createdAt) <= input.slaMs).length;
  return {
    month,
    opened: opened.length,
    closed,
    medianFirstResponseHours: median(waits),
    slaMet: met,
    slaDue: due.length,
    slaCompliance: due.length === 0 ? null : met / due.length,
    advisories: input.advisories === undefined ? null : input.advisories.filter((a) => monthOf(a.createdAt) === month).length,
  };
}

function targetSummary(rows: MonthRow[], percent: number, baselineCount: number): TargetSummary {
  const base = rows.slice(0, baselineCount);
  const after = rows.slice(baselineCount);
  const baseline = base.reduce((sum, r) => sum + r.opened, 0) / Math.max(1, base.length);
  const value = round(baseline * (1 - percent / 100));
  const last3 = after.slice(-3);
  const rolling3 = last3.length === 0 ? null : round(last3.reduce((sum, r) => sum + r.opened, 0) / last3.length);
  return { percent, baselineMonths: base.map((r) => r.month), baseline: round(baseline), value, rolling3, met: rolling3 === null ? null : rolling3 <= value };
}

function hoursBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 3_600_000;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return round(sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
