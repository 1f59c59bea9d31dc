import { createHash, scrypt, scryptSync } from "node:crypto";
import type { Node } from "@babel/types";
import { isMap, isPair, isScalar, isSeq } from "yaml";
import type { Finding } from "../core/finding.js";
import type { FileContext } from "./file-context.js";
import { isScriptFile } from "./misconfig/file-kinds.js";
import { walk } from "./misconfig/parsers/script.js";
import type { ScanReport, ScanRule } from "./rule.js";

/**
 * Baseline fingerprints (scheme 2). A fingerprint names *where* a finding sits, so an accepted finding keeps
 * it when lines move, and a second copy of an accepted pattern is a new finding:
 *
 * - the rule and the file;
 * - the structural place: the YAML path in compose files and workflows (`services.agent.ports[]`,
 *   `jobs.release.steps[Publish].run`), else the enclosing function chain in JS/TS (misconfigurations) and the
 *   name the value is assigned to on its line (`DB_PASSWORD`, `jwtSecret`);
 * - never the matched text of a misconfiguration: its span can hold a weak password (`POSTGRES_PASSWORD=postgres`);
 * - the occurrence index among findings that agree on all of the above.
 *
 * A secret's value goes into the fingerprint only when it is machine-generated (a random API token), and then
 * through a salted scrypt: no guess list confirms such a value, and a rotated token committed at the same place
 * still fails the gate. A
 * human-chosen value (`summer2024`) is never hashed into the committed baseline, fast or slow, keyed or not:
 * any deterministic function of it computable from the committed file lets a guess list confirm it offline.
 * The price is that replacing an accepted *password* in place is not a new finding (a new one elsewhere is).
 */
export const FINGERPRINT_SCHEME = 2;

/**
 * A random-looking secret's fingerprint waiting for its value tag. The scan loop gives such a finding a
 * provisional fingerprint (equal exactly when the final ones are: same rule, file, place, value and occurrence)
 * and this; the salted scrypt is paid only for findings that are reported (after dedupe, inline ignores, the
 * added-lines filter of --diff, history's "introduced here" test), once per distinct value. It holds the raw
 * value: it lives in memory only, between the scan loop and the report, and is never written anywhere.
 */
export interface DeferredFingerprint {
  ruleId: string;
  path: string;
  place: string;
  value: string;
  occurrence: number;
}

/** Computes each report's fingerprint in file order; one instance per file scan. */
export class FileFingerprints {
  private readonly seen = new Map<string, number>();
  private placeFinder: PlaceFinder | undefined;

  constructor(private readonly file: FileContext) {}

  fingerprint(rule: ScanRule, report: ScanReport): { fingerprint: string; place: string; deferred?: DeferredFingerprint } {
    const ruleId = rule.meta.id;
    const place = this.placeOf(report);
    const random = report.secret !== undefined && isMachineGenerated(report.secret);
    // A fast stand-in for the value tag, to count occurrences and tell values apart until the tag is computed.
    const evidence = random ? `pending:${createHash("sha256").update(report.secret!).digest("hex")}` : "";
    const key = fingerprintKey(ruleId, this.file.path, place, evidence);
    const occurrence = this.seen.get(key) ?? 0;
    this.seen.set(key, occurrence + 1);
    const fingerprint = fingerprintOfKey(key, occurrence);
    if (!random) return { fingerprint, place };
    return { fingerprint, place, deferred: { ruleId, path: this.file.path, place, value: report.secret!, occurrence } };
  }

  private placeOf(report: ScanReport): string {
    this.placeFinder ??= new PlaceFinder(this.file);
    const finder = this.placeFinder;
    if (report.secret !== undefined) {
      const structural = finder.yamlPath(report.start);
      const name = assignedName(this.file.text, report.start);
      return [structural, name].filter((p) => p !== "").join(" ");
    }
    // No matched text: a misconfiguration's span can hold a weak password (`POSTGRES_PASSWORD=postgres`).
    const structural =
      finder.yamlPath(report.start) || [finder.functionPath(report.start), assignedName(this.file.text, report.start, false)].filter((p) => p !== "").join(" ");
    return report.place ?? structural;
  }
}

/**
 * Final fingerprints for deferred ones, with one scrypt per distinct rule, file and value however many findings
 * share it: one instance per scan.
 */
export class FingerprintResolver {
  /** scrypt costs ~15 ms; the salt is the rule and the file, so a repeated value is hashed once. */
  private readonly tags = new Map<string, Promise<string>>();
  private readonly syncTags = new Map<string, string>();

  /** One finding's final fingerprint, computed here and now (for callers that cannot wait). */
  resolve(deferred: DeferredFingerprint): string {
    const key = tagKey(deferred);
    let tag = this.syncTags.get(key);
    if (tag === undefined) {
      tag = slowValueTag(deferred.ruleId, deferred.path, deferred.value);
      this.syncTags.set(key, tag);
    }
    return finalFingerprint(deferred, tag);
  }

  /**
   * Gives `findings[index]` its final fingerprint for each deferred entry whose index `keep` accepts. The
   * scrypt runs in libuv's thread pool, so the tags of many findings (across files too, when the caller awaits
   * later) are computed side by side instead of one after another on the main thread.
   */
  async resolveAll(
    findings: Finding[],
    deferred: ReadonlyArray<{ index: number; fingerprint: DeferredFingerprint }> | undefined,
    keep: (index: number) => boolean = () => true,
  ): Promise<void> {
    const pending = (deferred ?? []).filter((entry) => findings[entry.index] !== undefined && keep(entry.index));
    await Promise.all(
      pending.map(async ({ index, fingerprint: d }) => {
        const tag = await this.tagOf(d);
        (findings[index] as Finding).fingerprint = finalFingerprint(d, tag);
      }),
    );
  }

  private tagOf(deferred: DeferredFingerprint): Promise<string> {
    const key = tagKey(deferred);
    let tag = this.tags.get(key);
    if (tag === undefined) {
      tag = slowValueTagInPool(deferred.ruleId, deferred.path, deferred.value);
      this.tags.set(key, tag);
    }
    return tag;
  }
}

const tagKey = (d: DeferredFingerprint) => `${d.ruleId}\0${d.path}\0${d.value}`;

/** A deferred finding's fingerprint once its value tag is known (the same key an immediate scan builds). */
function finalFingerprint(d: DeferredFingerprint, tag: string): string {
  return fingerprintOfKey(fingerprintKey(d.ruleId, d.path, d.place, `value:${tag}`), d.occurrence);
}

function fingerprintKey(ruleId: string, path: string, place: string, evidence: string): string {
  return `${ruleId}\0${path}\0${place}\0${evidence}`;
}

function fingerprintOfKey(key: string, occurrence: number): string {
  return createHash("sha256").update(`v${FINGERPRINT_SCHEME}\0${key}\0${occurrence}`).digest("hex").slice(0, 24);
}

/**
 * scrypt, salted per rule and file: even a value misjudged as random (a long passphrase) costs a guesser
 * milliseconds per try per file, and nothing can be precomputed across repositories. ~15 ms per finding, paid
 * only for random-looking secrets that are reported, and cached with the file's findings.
 */
const SCRYPT = { N: 4096, r: 8, p: 1 } as const;
const saltOf = (ruleId: string, path: string) => `rampart-baseline-v${FINGERPRINT_SCHEME}\0${ruleId}\0${path}`;

function slowValueTag(ruleId: string, path: string, value: string): string {
  return scryptSync(value, saltOf(ruleId, path), 16, SCRYPT).toString("hex");
}

/** The same tag, computed in libuv's thread pool. */
function slowValueTagInPool(ruleId: string, path: string, value: string): Promise<string> {
  return new Promise((resolve, reject) =>
    scrypt(value, saltOf(ruleId, path), 16, SCRYPT, (error, key) => (error ? reject(error) : resolve(key.toString("hex")))),
  );
}

/**
 * Random tokens (long, many distinct characters, high per-character entropy): `ghp_…`, `sk_live_…`, AWS secret
 * keys, hex private keys. Passwords, passphrases and short values are not, so they are never hashed.
 */
export function isMachineGenerated(value: string): boolean {
  const body = value.replace(/^[a-z]{2,10}[_-](?:[a-z]{2,8}[_-])?/i, "");
  if (body.length < 20) return false;
  const counts = new Map<string, number>();
  for (const ch of body) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  if (counts.size < 12) return false;
  let bits = 0;
  for (const n of counts.values()) bits -= (n / body.length) * Math.log2(n / body.length);
  if (bits < 3.5) return false;
  // Words (a passphrase, `CorrectHorseBatteryStaple`) are long lower-case runs; a random token has few.
  const inWords = (body.match(/[a-z]{4,}/g) ?? []).reduce((n, w) => n + w.length, 0);
  return !/\s/.test(body) && inWords / body.length <= 0.4;
}

/**
 * The name a value is assigned to on its line: the line's leading key (`DATABASE_URL=postgres://u:pw@h`,
 * `"password": "…"`, `const token = "…"`), else the nearest `name =` / `name:` before the value.
 */
export function assignedName(text: string, offset: number, nearest = true): string {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const before = text.slice(lineStart, Math.min(offset, lineStart + 300));
  const leading = /^\s*(?:export\s+|const\s+|let\s+|var\s+|-\s+)?["'`]?([A-Za-z_$][\w$.-]{0,80})["'`]?\s*[:=]/.exec(text.slice(lineStart, lineStart + 300));
  if (leading) return leading[1] ?? "";
  if (!nearest) return "";
  const inline = /([A-Za-z_$][\w$.-]{0,80})["'`]?\s*[:=]>?\s*["'`]?[^\s"'`=:]{0,300}$/.exec(before.slice(-200));
  return inline?.[1] ?? "";
}

/** Finds the structural place of an offset, parsing the file at most once. */
class PlaceFinder {
  private yamlRoot: unknown;
  private yamlDone = false;
  private functions: Array<{ start: number; end: number; name: string }> | undefined;

  constructor(private readonly file: FileContext) {}

  yamlPath(offset: number): string {
    if (!/\.ya?ml$/i.test(this.file.path)) return "";
    if (!this.yamlDone) {
      this.yamlDone = true;
      this.yamlRoot = this.file.yaml?.contents;
    }
    return this.yamlRoot ? yamlPathAt(this.yamlRoot, offset) : "";
  }

  functionPath(offset: number): string {
    if (!isScriptFile(this.file.path)) return "";
    this.functions ??= namedFunctions(this.file);
    return this.functions
      .filter((f) => f.start <= offset && offset < f.end)
      .map((f) => f.name)
      .join(">");
  }
}

/** The path of keys (and named sequence items) from the document root to the deepest node holding `offset`. */
function yamlPathAt(root: unknown, offset: number): string {
  const parts: string[] = [];
  let node: unknown = root;
  for (let depth = 0; depth < 64 && node; depth++) {
    if (isMap(node)) {
      const pair = node.items.find((p) => contains(p.key, offset) || contains(p.value, offset));
      if (!pair) break;
      parts.push(isScalar(pair.key) ? String(pair.key.value) : "?");
      if (contains(pair.key, offset)) break;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => contains(item, offset));
      if (index === -1) break;
      const item = node.items[index];
      // Unnamed items stay `[]`: an entry inserted above must not move the others (the occurrence index tells copies apart).
      parts.push(`[${itemName(item) ?? ""}]`);
      node = isPair(item) ? item.value : item;
    } else break;
  }
  return parts.join(".").replace(/\.\[/g, "[");
}

/** A workflow step or job list item by its `id` or `name`, so inserting a step before it keeps its place. */
function itemName(item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  for (const key of ["id", "name", "uses"]) {
    const pair = item.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.value)) return String(pair.value.value);
  }
  return undefined;
}

function contains(node: unknown, offset: number): boolean {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range !== undefined && range[0] <= offset && offset < Math.max(range[1], range[0] + 1);
}

/** Functions with a name (declared, assigned, methods, object properties), outermost first. */
function namedFunctions(file: FileContext): Array<{ start: number; end: number; name: string }> {
  const ast = file.ast;
  if (!ast) return [];
  const found: Array<{ start: number; end: number; name: string }> = [];
  walk(ast, (node, ancestors) => {
    const name = functionName(node, ancestors[ancestors.length - 1]);
    if (name && node.start != null && node.end != null) found.push({ start: node.start, end: node.end, name });
  });
  return found;
}

function functionName(node: Node, parent: Node | undefined): string | undefined {
  switch (node.type) {
    case "FunctionDeclaration":
      return node.id?.name ?? "default";
    case "ClassMethod":
    case "ObjectMethod":
    case "ClassPrivateMethod":
      return keyName(node.key);
    case "ClassDeclaration":
      return node.id?.name;
    case "FunctionExpression":
    case "ArrowFunctionExpression":
      if (parent?.type === "VariableDeclarator") return parent.id.type === "Identifier" ? parent.id.name : undefined;
      if (parent?.type === "ObjectProperty" || parent?.type === "ClassProperty") return keyName(parent.key);
      return undefined;
    default:
      return undefined;
  }
}

function keyName(key: Node): string | undefined {
  if (key.type === "Identifier") return key.name;
  if (key.type === "StringLiteral") return key.value;
  if (key.type === "PrivateName") return `#${key.id.name}`;
  return undefined;
}
