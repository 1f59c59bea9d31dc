import { UsageError } from "../core/errors.js";

/** A calendar month in UTC, `YYYY-MM`. Months are always UTC so the numbers do not move with the machine's TZ. */
export type MonthKey = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parseMonth(value: string, flag: string): MonthKey {
  if (!MONTH.test(value)) throw new UsageError(`${flag} takes a month like 2026-03, not "${value}"`);
  return value;
}

/** The month an ISO timestamp falls in, in UTC. */
export function monthOf(iso: string): MonthKey {
  return new Date(iso).toISOString().slice(0, 7);
}

export function monthStart(month: MonthKey): Date {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1));
}

export function addMonths(month: MonthKey, n: number): MonthKey {
  const start = monthStart(month);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + n, 1)).toISOString().slice(0, 7);
}

/** Every month from `since` to `until`, both included. */
export function monthsBetween(since: MonthKey, until: MonthKey): MonthKey[] {
  if (since > until) throw new UsageError(`--since ${since} is after --until ${until}; swap them`);
  const months: MonthKey[] = [];
  for (let m = since; m <= until; m = addMonths(m, 1)) months.push(m);
  return months;
}
