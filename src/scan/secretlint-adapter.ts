import { secretLintProfiler } from "@secretlint/profiler";
import { creator as recommendPreset } from "@secretlint/secretlint-rule-preset-recommend";
import type { Severity } from "../core/severity.js";
import { contextOf } from "./file-context.js";
import { position } from "./line-index.js";
import type { ScanFile, ScanReport, ScanRule } from "./rule.js";

// The profiler defaults to enabled for library callers and is quadratic in file count (secretlint#1653).
secretLintProfiler.setEnabled(false);

/** The parts of secretlint's rule-creator shape we drive; their `file` handlers are synchronous. */
interface SecretlintRuleCreator {
  meta: { id: string; type: string; docs?: { url?: string } };
  messages?: Record<string, { en: (props: Record<string, unknown>) => string }>;
  create(context: unknown, options: Record<string, unknown>): { file?: (source: unknown) => void };
}

/**
 * Literal strings one of which must appear before a wrapped rule can match (the union of each rule's regex
 * anchors). A rule missing here always runs, so a new upstream rule costs speed, never recall.
 */
const KEYWORDS: Record<string, string[]> = {
  aws: ["akia", "a3t", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "asia", "aws"],
  gcp: ["private_key_id"],
  npm: ["_authtoken", "x-oauth-basic", "npm_"],
  slack: ["xox", "xapp", "hooks.slack.com"],
  basicauth: ["://"],
  openai: ["t3blbkfj"],
  anthropic: ["sk-ant-"],
  groq: ["gsk_"],
  huggingface: ["hf_"],
  linear: ["lin_api_"],
  notion: ["ntn_"],
  privatekey: ["private key"],
  sendgrid: ["sg."],
  shopify: ["shppa_", "shpca_", "shpat_", "shpss_"],
  stripe: ["sk_live", "sk_test", "rk_live", "rk_test"],
  github: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
  gitlab: ["glpat-"],
  grafana: ["glc_", "glsa_"],
  "1password": ["ops_ey"],
  "database-connection-string": ["mongodb", "mysql", "postgres"],
  "hashicorp-vault": ["hvs.", "hvb.", "hvr."],
  vercel: ["vcp_", "vci_", "vca_", "vcr_", "vck_"],
  databricks: ["dapi"],
  docker: ["dckr_pat_"],
  figma: ["figd_"],
  cloudflare: ["cfk_", "cfut_", "cfat_"],
  tailscale: ["tskey-"],
};

/** Rules that only silence others (declared as scanners upstream); Rampart has its own inline ignores. */
const FILTER_RULES = new Set(["@secretlint/secretlint-rule-filter-comments"]);

const CRITICAL = new Set(["privatekey", "aws", "gcp", "1password", "hashicorp-vault"]);

/** `@secretlint/secretlint-rule-aws` → `aws`. */
function shortName(packageId: string): string {
  return packageId.replace(/^@secretlint\/secretlint-rule-/, "");
}

/**
 * secretlint's recommended rules as ScanRules. Each rule's own `create`/`file` code runs unchanged through a
 * minimal synchronous rule context (the same contract @secretlint/core gives it), so the engine keeps its
 * own walking, prefilter, worker threads and redaction. Filter rules (secretlint-disable comments) are left
 * out: Rampart has its own inline ignores.
 */
export function loadSecretlintRules(): ScanRule[] {
  const creators = (recommendPreset as unknown as { rules: SecretlintRuleCreator[] }).rules;
  return creators.filter((c) => c.meta.type === "scanner" && !FILTER_RULES.has(c.meta.id)).map(adaptRule);
}

function adaptRule(creator: SecretlintRuleCreator): ScanRule {
  const name = shortName(creator.meta.id);
  const severity: Severity = CRITICAL.has(name) ? "critical" : "high";
  const keywords = KEYWORDS[name];
  return {
    meta: {
      id: `secretlint-${name}`,
      category: "secret",
      severity,
      description: `${name} credential (secretlint's ${name} rule)`,
      source: creator.meta.id,
      remediation: "Revoke the credential at its provider, remove it from the code and history, and load it from a secret store or environment variable.",
      ...(keywords ? { keywords } : {}),
    },
    check: (file) => runRule(creator, file),
  };
}

function runRule(creator: SecretlintRuleCreator, file: ScanFile): ScanReport[] {
  const reports: ScanReport[] = [];
  const context = {
    sharedOptions: {},
    createTranslator: (messages: SecretlintRuleCreator["messages"]) => (id: string, data: Record<string, unknown>) => ({
      message: messages?.[id]?.en(maskedProps(data)) ?? id,
      data,
    }),
    report(descriptor: { message: { message: string; data?: Record<string, unknown> } | string; range: readonly [number, number] }) {
      const translated = typeof descriptor.message === "string" ? { message: descriptor.message } : descriptor.message;
      const [start, end] = exactRange(file.text, descriptor.range, translated.data);
      // The value comes from the text itself, never from secretlint's message, so our redaction applies.
      reports.push({ message: translated.message, start, end, secret: file.text.slice(start, end) });
    },
    ignore() {},
  };
  // Some rules read `options.allows` without a default.
  const handlers = creator.create(context, { allows: [] });
  handlers.file?.(sourceFor(file));
  return reports;
}

/**
 * Some rules report the start of the whole `key = value` match with the value's length (the AWS secret key
 * rule does). When the message data names the value, locate it exactly from the reported start.
 */
function exactRange(text: string, range: readonly [number, number], data: Record<string, unknown> | undefined): [number, number] {
  const [start, end] = range;
  const values = Object.values(data ?? {}).filter((v): v is string => typeof v === "string" && v.length >= 8);
  if (values.length !== 1) return [start, end];
  const value = values[0] as string;
  if (text.slice(start, end) === value) return [start, end];
  const at = text.indexOf(value, start);
  return at !== -1 && at - start < 512 ? [at, at + value.length] : [start, end];
}

/** secretlint messages interpolate the secret; mask every value as its maskSecrets option does. */
function maskedProps(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data ?? {})) out[key] = typeof value === "string" ? "***" : value;
  return out;
}

function sourceFor(file: ScanFile) {
  // The file context's line index, shared with every other rule of the file.
  const context = contextOf(file);
  const lines = () => context.lineStarts;
  const dot = file.path.lastIndexOf(".");
  const indexToPosition = (index: number) => {
    const p = position(lines(), index);
    return { line: p.line, column: p.column - 1 };
  };
  const positionToIndex = (pos: { line: number; column: number }) => (lines()[pos.line - 1] ?? 0) + pos.column;
  return {
    content: file.text,
    filePath: file.path,
    physicalFilePath: file.path,
    contentType: "text",
    ext: dot > file.path.lastIndexOf("/") ? file.path.slice(dot) : "",
    hasBOM: false,
    getFilePath: () => file.path,
    getPhysicalFilePath: () => file.path,
    indexToPosition,
    positionToIndex,
    rangeToLocation: (range: [number, number]) => ({ start: indexToPosition(range[0]), end: indexToPosition(range[1]) }),
    locationToRange: (loc: { start: { line: number; column: number }; end: { line: number; column: number } }) => [
      positionToIndex(loc.start),
      positionToIndex(loc.end),
    ],
  };
}

export function isSecretlintRuleId(id: string): boolean {
  return id.startsWith("secretlint-");
}
