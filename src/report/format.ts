import { UsageError } from "../core/errors.js";
import type { FormatOptions } from "./format-options.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatJunit } from "./junit.js";
import { formatMarkdown } from "./markdown.js";
import { FORMATS, type FormatName, type Report } from "./report.js";
import { formatSarif } from "./sarif.js";
import { formatText } from "./text.js";

export type { FormatOptions } from "./format-options.js";

const formatters: Record<FormatName, (report: Report, options: FormatOptions) => string> = {
  github: formatGithub,
  json: formatJson,
  junit: formatJunit,
  markdown: formatMarkdown,
  sarif: formatSarif,
  text: formatText,
};

function isFormatName(value: string): value is FormatName {
  return (FORMATS as readonly string[]).includes(value);
}

/** Checks a `--format` value before any work starts, so a typo costs nothing. */
export function parseFormat(value: string): FormatName {
  if (isFormatName(value)) return value;
  throw new UsageError(`unknown --format "${value}"; use one of ${FORMATS.join(", ")}`);
}

export function formatReport(format: FormatName, report: Report, options: FormatOptions = { color: false }): string {
  return formatters[format](report, options);
}
