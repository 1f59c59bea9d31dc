import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * GitHub's own REST description (npm @octokit/openapi, dereferenced): the operations, their response schemas and
 * an example response for nearly each. The stand-in serves those examples, and checks every body a test serves
 * against the schema, so a fixture cannot invent a field GitHub never sends.
 */
type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
};
interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  responses: Record<string, { content?: Record<string, { schema?: Schema; examples?: Record<string, { value: unknown }> }> }>;
}
interface Description {
  paths: Record<string, Record<string, Operation>>;
}

let description: Description | undefined;
let templates: Array<{ template: string; segments: string[] }> | undefined;

export function loadDescription(): Description {
  const require = createRequire(import.meta.url);
  description ??= JSON.parse(readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.deref.json"), "utf8")) as Description;
  return description;
}

/** The description's path template a concrete path belongs to (`/repos/acme/api/keys` → `/repos/{owner}/{repo}/keys`). */
export function templateOf(method: string, pathname: string): string | undefined {
  templates ??= Object.keys(loadDescription().paths).map((template) => ({ template, segments: template.split("/") }));
  const concrete = pathname.split("/");
  let best: { template: string; literal: number } | undefined;
  for (const t of templates) {
    if (!loadDescription().paths[t.template]![method.toLowerCase()]) continue;
    const literal = matchSegments(t.segments, concrete);
    if (literal !== undefined && (!best || literal > best.literal)) best = { template: t.template, literal };
  }
  return best?.template;
}

/** Number of literal segments matched, or undefined; a trailing `{path}` takes the rest (contents API). */
function matchSegments(pattern: string[], concrete: string[]): number | undefined {
  const rest = pattern[pattern.length - 1] === "{path}";
  if (rest ? concrete.length < pattern.length - 1 : concrete.length !== pattern.length) return undefined;
  let literal = 0;
  for (const [i, seg] of pattern.entries()) {
    if (seg.startsWith("{")) {
      if (concrete[i] === undefined && !(rest && i === pattern.length - 1)) return undefined;
      if (concrete[i] === "" && !(rest && i === pattern.length - 1)) return undefined;
      continue;
    }
    if (seg !== concrete[i]) return undefined;
    literal++;
  }
  return literal;
}

export function operationOf(method: string, template: string): Operation | undefined {
  return loadDescription().paths[template]?.[method.toLowerCase()];
}

/** A fresh copy of an operation's example response (the first example, unless one is named). */
export function exampleOf(template: string, name?: string, method = "GET"): unknown {
  const op = operationOf(method, template);
  const content = op && successContent(op);
  const examples = content?.examples ?? {};
  const chosen = name ? examples[name] : Object.values(examples)[0];
  if (!chosen) throw new Error(`GitHub's description has no example ${name ?? ""} for ${method} ${template}`);
  return structuredClone(chosen.value);
}

export function paginates(op: Operation): boolean {
  return (op.parameters ?? []).some((p) => p.name === "page" || p.name === "per_page");
}

function successContent(op: Operation) {
  for (const status of ["200", "201"]) {
    const content = op.responses[status]?.content?.["application/json"];
    if (content) return content;
  }
  return undefined;
}

/**
 * JSON pointers of `body` fields the operation's response schema does not have. Fields GitHub's own example
 * response already carries are GitHub's word and pass (its examples run a little ahead of its schemas).
 */
export function unknownFields(method: string, template: string, status: number, body: unknown): string[] {
  const op = operationOf(method, template);
  const schema = op?.responses[String(status)]?.content?.["application/json"]?.schema;
  if (!op || !schema) return [];
  const out: string[] = [];
  walk(schema, body, "", out);
  const allowed = new Set<string>();
  for (const e of Object.values(op.responses[String(status)]?.content?.["application/json"]?.examples ?? {})) {
    const fromExample: string[] = [];
    walk(schema, e.value, "", fromExample);
    for (const p of fromExample) allowed.add(anyIndex(p));
  }
  return out.filter((p) => !allowed.has(anyIndex(p)));
}

const anyIndex = (pointer: string) => pointer.replace(/\/\d+(?=\/|$)/g, "/*");

function walk(schema: Schema, value: unknown, pointer: string, out: string[]): void {
  const variants = variantsOf(schema);
  if (Array.isArray(value)) {
    const items = variants.map((v) => v.items).filter((s): s is Schema => Boolean(s));
    if (items.length > 0) for (const [i, item] of value.entries()) walk({ anyOf: items }, item, `${pointer}/${i}`, out);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const properties: Record<string, Schema[]> = {};
  let open = variants.every((v) => !v.properties && v.additionalProperties === undefined);
  const extra: Schema[] = [];
  for (const v of variants) {
    for (const [k, s] of Object.entries(v.properties ?? {})) {
      properties[k] ??= [];
      properties[k].push(s);
    }
    if (v.additionalProperties === true) open = true;
    else if (v.additionalProperties && typeof v.additionalProperties === "object") extra.push(v.additionalProperties);
  }
  for (const [key, child] of Object.entries(value)) {
    const at = `${pointer}/${key}`;
    const known = properties[key] ?? (extra.length > 0 ? extra : undefined);
    if (known) walk({ anyOf: known }, child, at, out);
    else if (!open) out.push(at);
  }
}

/** The schema and every schema it combines (allOf / anyOf / oneOf), flattened: a field any of them has is known. */
function variantsOf(schema: Schema): Schema[] {
  return [schema, ...[...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(variantsOf)];
}
