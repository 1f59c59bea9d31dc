import { createRequire } from "node:module";
import type { Ajv, AnySchema, ErrorObject } from "ajv";
import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument, visit } from "yaml";
import { ConfigError } from "./errors.js";
import { readRegularFile } from "./safe-file.js";

export interface YamlProblem {
  file: string;
  line: number;
  message: string;
}

/** A parsed YAML file that still knows where each value came from, for `file:line` errors. */
export interface YamlSource {
  file: string;
  value: unknown;
  /** 1-based line of the value at a JSON pointer such as `/threats/2/controls/0`. */
  lineOf(pointer: string): number;
}

const require = createRequire(import.meta.url);
let ajvInstance: Ajv | undefined;

/**
 * Loaded on first validation: a scan starts from the build's validated rule catalog, and loading Ajv and its
 * formats (~40 ms) in the CLI and in every scan worker bought nothing there.
 */
function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  const { Ajv: AjvClass } = require("ajv") as typeof import("ajv");
  const addFormats = require("ajv-formats") as (a: Ajv) => void;
  ajvInstance = new AjvClass({ allErrors: true, strict: false, allowUnionTypes: true });
  addFormats(ajvInstance);
  return ajvInstance;
}

export function parseYaml(file: string, text: string): { source?: YamlSource; problems: YamlProblem[] } {
  const lineCounter = new LineCounter();
  // yaml's own unique-key check compares each key with every earlier one (40,000 keys took 25 s); ours is a Set per map.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const problems = doc.errors.map((e) => ({
    file,
    line: lineCounter.linePos(e.pos[0]).line,
    message: e.message.split("\n")[0] ?? e.message,
  }));
  if (problems.length === 0) problems.push(...duplicateKeys(doc, lineCounter, file));
  if (problems.length > 0) return { problems };
  const lineOf = (pointer: string) => lineForPointer(doc, lineCounter, pointer);
  return { source: { file, value: doc.toJS({ maxAliasCount: 100 }), lineOf }, problems };
}

/** Every repeated key of a mapping (scalar keys), in linear time. */
function duplicateKeys(doc: Document, lineCounter: LineCounter, file: string): YamlProblem[] {
  const problems: YamlProblem[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = pair.key.value;
        if (seen.has(key)) problems.push({ file, line: pair.key.range ? lineCounter.linePos(pair.key.range[0]).line : 1, message: "Map keys must be unique" });
        seen.add(key);
      }
    },
  });
  return problems;
}

function lineForPointer(doc: Document, lineCounter: LineCounter, pointer: string): number {
  const path = pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  // Walk up until a node exists: a missing property is reported on its parent.
  const key = keyNode(doc, path);
  if (key?.range) return lineCounter.linePos(key.range[0]).line;
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return 1;
}

/** The key of a mapping entry (where a reader looks for `foo:`), when the pointer ends at one. */
function keyNode(doc: Document, path: string[]) {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === path.at(-1));
  return isNode(pair?.key) ? pair.key : undefined;
}

/** Compiles a JSON Schema once; the returned check lists every problem, not just the first. */
export function schemaCheck(schema: AnySchema): (source: YamlSource) => YamlProblem[] {
  // Compiled on first use: modules declare their schemas at load time, and compiling them all there
  // made every CLI start (even --version) pay for schemas the command never reads.
  let compiled: ReturnType<Ajv["compile"]> | undefined;
  return (source) => {
    compiled ??= ajv().compile(schema);
    const validate = compiled;
    if (validate(source.value)) return [];

    return (validate.errors ?? []).map((e) => ({
      file: source.file,
      line: source.lineOf(e.keyword === "additionalProperties" ? `${e.instancePath}/${String(e.params.additionalProperty)}` : e.instancePath),
      message: describeSchemaError(e),
    }));
  };
}

function describeSchemaError(e: ErrorObject): string {
  const where = e.instancePath === "" ? "document" : e.instancePath.slice(1).replace(/\//g, ".");
  if (e.keyword === "additionalProperties") {
    return `${where}: unknown property "${String(e.params.additionalProperty)}" (check the spelling)`;
  }
  if (e.keyword === "enum") {
    return `${where}: must be one of ${(e.params.allowedValues as unknown[]).map(String).join(", ")}`;
  }
  return `${where}: ${e.message ?? "is invalid"}`;
}

export function formatProblems(problems: YamlProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join("\n");
}

/** Config, playbook and model files are hand-written; anything bigger is refused rather than read whole. */
export const MAX_YAML_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads and validates a YAML file; throws one ConfigError naming every problem. Only a regular file within
 * the size cap is read (a committed symlink to /dev/zero or a FIFO is refused), and with `root` only one
 * whose real path stays inside it.
 */
export function readYamlFile<T>(file: string, check: (source: YamlSource) => YamlProblem[], options: { root?: string } = {}): { value: T; source: YamlSource } {
  const text = readRegularFile(file, { maxBytes: MAX_YAML_FILE_BYTES, ...options });
  const { source, problems } = parseYaml(file, text);
  const all = source ? check(source) : problems;
  if (all.length > 0 || !source) {
    const first = all[0];
    throw new ConfigError(`invalid YAML:\n${formatProblems(all)}`, { file, ...(first ? { line: first.line } : {}) });
  }
  return { value: source.value as T, source };
}
