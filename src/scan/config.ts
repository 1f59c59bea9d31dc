import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DURATION_PATTERN } from "../core/duration.js";
import { ConfigError } from "../core/errors.js";
import { SEVERITIES, type Severity } from "../core/severity.js";
import { readYamlFile, schemaCheck, type YamlSource } from "../core/yaml-document.js";
import type { ScanRule } from "./rule.js";
import { readGitleaksConfig } from "./secrets/gitleaks-config.js";
import { compilePatternRule, patternRuleSchema } from "./secrets/pattern-rule.js";

const CONFIG_FILE_NAME = "rampart.config.yaml";
export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

/** `rampart.config.yaml` after validation, in the shape the engine uses. */
export interface ScanConfig {
  file?: string;
  rules: Record<string, { enabled?: boolean; severity?: Severity }>;
  /** Globs a file must match to be scanned (empty: every file). */
  include: string[];
  /** Globs never scanned, each with the reason someone decided so. */
  exclude: Array<{ glob: string; reason: string }>;
  maxFileSize?: number;
  /** Raw custom regex rule definitions, compiled by the pattern-rule kind. */
  customRules: Array<Record<string, unknown>>;
  /** Line of each custom rule, for errors. */
  customRuleLines: number[];
  /** Defaults for `rampart metrics issues`. */
  metrics?: MetricsConfig;
}

export interface MetricsConfig {
  /** Labels that mark an issue as security-related (any of them). */
  issueLabels?: string[];
  /** Response SLA, e.g. `48h`. */
  sla?: string;
}

export const EMPTY_CONFIG: ScanConfig = { rules: {}, include: [], exclude: [], customRules: [], customRuleLines: [] };

const severity = { enum: [...SEVERITIES] };
const schema = {
  type: ["object", "null"],
  additionalProperties: false,
  properties: {
    rules: {
      type: "object",
      additionalProperties: {
        oneOf: [
          { enum: ["off", "on", ...SEVERITIES] },
          { type: "object", additionalProperties: false, properties: { enabled: { type: "boolean" }, severity } },
        ],
      },
    },
    paths: {
      type: "object",
      additionalProperties: false,
      properties: {
        include: { type: "array", items: { type: "string", minLength: 1 } },
        exclude: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["glob", "reason"],
            properties: { glob: { type: "string", minLength: 1 }, reason: { type: "string", minLength: 3 } },
          },
        },
      },
    },
    maxFileSize: { type: ["integer", "string"], pattern: "^\\d+(\\.\\d+)?\\s*(B|KB|MB|GB)?$", minimum: 1 },
    customRules: { type: "array", items: patternRuleSchema },
    extends: {
      oneOf: [
        { type: "string", minLength: 1 },
        { type: "array", items: { type: "string", minLength: 1 } },
      ],
    },
    metrics: {
      type: "object",
      additionalProperties: false,
      properties: {
        issueLabels: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
        sla: { type: "string", pattern: DURATION_PATTERN },
      },
    },
  },
};
const check = schemaCheck(schema);

interface RawConfig {
  rules?: Record<string, string | { enabled?: boolean; severity?: Severity }>;
  paths?: { include?: string[]; exclude?: Array<{ glob: string; reason: string }> };
  maxFileSize?: number | string;
  customRules?: Array<Record<string, unknown>>;
  extends?: string | string[];
  metrics?: MetricsConfig;
}

/** Loads the config: an explicit `--config` file must exist; otherwise `rampart.config.yaml` in `root` if present. */
export function loadScanConfig(explicitFile: string | undefined, root: string): ScanConfig {
  const file = explicitFile ?? join(root, CONFIG_FILE_NAME);
  if (!explicitFile && !existsSync(file)) return EMPTY_CONFIG;
  if (explicitFile && /\.toml$/i.test(explicitFile)) return withGitleaksRules({ ...EMPTY_CONFIG, file }, [explicitFile], {});
  // The scanned repository's own config may not point out of it (a committed symlink to /dev/zero or ~/.ssh).
  const { value, source } = readYamlFile<RawConfig | null>(file, check, explicitFile ? {} : { root });
  const config = normalize(value ?? {}, source);
  const extended =
    value?.extends === undefined
      ? config
      : withGitleaksRules(
          config,
          [value.extends].flat().map((f) => resolve(dirname(file), f)),
          explicitFile ? {} : { root },
        );
  compileCustomRules(extended); // a bad regex is reported now, at its line, not inside a worker later
  return extended;
}

/**
 * Adds the rules of gitleaks-format configs (`--config .gitleaks.toml`, or `extends:`) as custom rules.
 * A file the scanned repository names may not point out of it (`root`).
 */
function withGitleaksRules(config: ScanConfig, files: string[], options: { root?: string }): ScanConfig {
  const imported = files.flatMap((f) => {
    if (!existsSync(f)) throw new ConfigError(`extends: ${f} does not exist; give a path relative to the config file`, { file: config.file ?? f });
    return readGitleaksConfig(f, options).rules;
  });
  const out = {
    ...config,
    customRules: [...config.customRules, ...(imported as unknown as Array<Record<string, unknown>>)],
    customRuleLines: [...config.customRuleLines, ...imported.map(() => 0)],
  };
  compileCustomRules(out);
  return out;
}

function normalize(raw: RawConfig, source: YamlSource): ScanConfig {
  const rules: ScanConfig["rules"] = {};
  for (const [id, setting] of Object.entries(raw.rules ?? {})) {
    if (setting === "off") rules[id] = { enabled: false };
    else if (setting === "on") rules[id] = { enabled: true };
    else if (typeof setting === "string") rules[id] = { severity: setting as Severity };
    else rules[id] = { ...setting };
  }
  const config: ScanConfig = {
    file: source.file,
    rules,
    include: raw.paths?.include ?? [],
    exclude: raw.paths?.exclude ?? [],
    customRules: raw.customRules ?? [],
    customRuleLines: (raw.customRules ?? []).map((_, i) => source.lineOf(`/customRules/${i}`)),
  };
  if (raw.metrics) config.metrics = raw.metrics;
  if (raw.maxFileSize !== undefined) {
    const line = source.lineOf("/maxFileSize");
    config.maxFileSize = parseSize(raw.maxFileSize, source.file, line);
    if (config.maxFileSize < 1) throw new ConfigError("maxFileSize would skip every file; give at least 1 byte, e.g. 2MB", { file: source.file, line });
  }
  return config;
}

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** `2MB`, `512 KB` or a byte count. */
export function parseSize(value: number | string, file = "--max-file-size", line?: number): number {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return Math.floor(value);
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(String(value).trim());
  if (!m) throw new ConfigError(`"${value}" is not a size; write e.g. 2MB, 512KB or 1048576`, { file, ...(line ? { line } : {}) });
  return Math.floor(Number(m[1]) * (UNITS[(m[2] ?? "B").toUpperCase()] ?? 1));
}

/** Custom regex rules from the config, compiled by the shared pattern-rule kind. */
export function compileCustomRules(config: ScanConfig): ScanRule[] {
  if (config.customRules.length === 0) return [];
  const file = config.file ?? CONFIG_FILE_NAME;
  return config.customRules.map((definition, i) => {
    const line = config.customRuleLines[i];
    try {
      // The secret rules' pattern kind, so custom rules get the same placeholder and entropy handling.
      return compilePatternRule({ source: file, category: "secret", ...definition }, { file, ...(line ? { line } : {}) });
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(`custom rule "${String(definition.id)}": ${(error as Error).message}`, { file, ...(line ? { line } : {}) });
    }
  });
}
