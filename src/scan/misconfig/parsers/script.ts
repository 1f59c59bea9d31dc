import { type ParserPlugin, parse } from "@babel/parser";
import type { Node } from "@babel/types";
import { isDeclarationFile, isTestCode } from "../file-kinds.js";

/**
 * TS/JS parsing with @babel/parser (error recovery on, so a half-valid file still yields a tree)
 * and a small iterative walker that hands each node its ancestors. Nothing is cached here: the per-file
 * context (file-context.ts) parses once and shares the tree among the code rules.
 */

/** TypeScript servers (NestJS and the like) use experimental decorators; without the plugin such a file does not parse at all. */
function pluginsFor(path: string): ParserPlugin[] {
  if (/\.tsx$/i.test(path)) return ["typescript", "decorators-legacy", "jsx"];
  if (/\.[mc]?ts$/i.test(path)) return ["typescript", "decorators-legacy"];
  return ["jsx"];
}

/**
 * Bundles and generated files beyond this size are not parsed: they are not where config mistakes are made,
 * and in a tree with vendored code a few such files were most of the parsing time. Hand-written server
 * modules are far smaller; secrets in big files are still found by the (regex) secret rules.
 */
export const MAX_SCRIPT_CHARS = 300_000;

/** A line longer than this means generated or minified code. */
const MAX_LINE_CHARS = 5_000;

function looksMinified(text: string): boolean {
  let lineStart = 0;
  for (let i = text.indexOf("\n"); ; i = text.indexOf("\n", i + 1)) {
    const end = i === -1 ? text.length : i;
    if (end - lineStart > MAX_LINE_CHARS) return true;
    if (i === -1) return false;
    lineStart = i + 1;
  }
}

/** The file's syntax tree; undefined for declaration files (types only), bundles, minified and unparseable files. */
export function parseScript(path: string, text: string): Node | undefined {
  if (isDeclarationFile(path) || text.length > MAX_SCRIPT_CHARS || /\.min\.[cm]?js$/i.test(path) || looksMinified(text)) return undefined;
  try {
    return parse(text, {
      sourceType: "unambiguous",
      plugins: pluginsFor(path),
      errorRecovery: true,
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowImportExportEverywhere: true,
      // The checks never look at comments; not attaching them to nodes saves parse time.
      attachComment: false,
    }) as unknown as Node;
  } catch {
    return undefined;
  }
}

const SKIP_KEYS = new Set(["loc", "start", "end", "extra", "comments", "leadingComments", "trailingComments", "innerComments", "tokens", "errors", "range"]);

/**
 * Visits every node depth-first; `ancestors` runs from the root to the parent. The array is the
 * walker's own path, valid only during the callback (no per-node copies: bundles have 100k+ nodes).
 */
export function walk(root: Node, visit: (node: Node, ancestors: readonly Node[]) => void): void {
  const path: Node[] = [];
  const frames: Array<{ node: Node; children: Node[]; next: number }> = [];
  const enter = (node: Node) => {
    visit(node, path);
    path.push(node);
    frames.push({ node, children: childrenOf(node), next: 0 });
  };
  enter(root);
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    if (frame.next < frame.children.length) {
      enter(frame.children[frame.next++]!);
    } else {
      frames.pop();
      path.pop();
    }
  }
}

function childrenOf(node: Node): Node[] {
  const children: Node[] = [];
  for (const key of Object.keys(node)) {
    if (SKIP_KEYS.has(key)) continue;
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) children.push(item);
    } else if (isNode(value)) children.push(value);
  }
  return children;
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** A tree in depth-first order with each node's depth: several rules replay it instead of walking the tree again. */
export interface FlatAst {
  nodes: Node[];
  depths: number[];
}

export function flattenAst(ast: Node): FlatAst {
  const nodes: Node[] = [];
  const depths: number[] = [];
  walk(ast, (node, ancestors) => {
    nodes.push(node);
    depths.push(ancestors.length);
  });
  return { nodes, depths };
}

/** The parts of the per-file context (file-context.ts, which imports this module) the script helpers read. */
export interface ScriptContext {
  readonly path: string;
  readonly flatAst: FlatAst | undefined;
  readonly objectBindings: Map<string, Node>;
}

/**
 * Runs `visit` over the file's tree; an unparseable file yields nothing. Test code is skipped: it
 * never runs in a deployment, and self-signed test servers or `|| 'test-secret'` fallbacks are normal there.
 */
export function visitScript(file: ScriptContext, visit: (node: Node, ancestors: readonly Node[]) => void): void {
  if (isTestCode(file.path)) return;
  const flat = file.flatAst;
  if (!flat) return;
  const ancestors: Node[] = [];
  for (let i = 0; i < flat.nodes.length; i++) {
    ancestors.length = flat.depths[i]!;
    const node = flat.nodes[i]!;
    visit(node, ancestors);
    ancestors.push(node);
  }
}

export function span(node: Node): { start: number; end: number } {
  return { start: node.start ?? 0, end: node.end ?? (node.start ?? 0) + 1 };
}

/** Property name of an object property or member expression (`a.b`, `a['b']`, `{ b: 1 }`, `{ 'b': 1 }`). */
export function propertyName(node: Node | null | undefined, computed = false): string | undefined {
  if (!node) return undefined;
  if (node.type === "Identifier" && !computed) return node.name;
  if (node.type === "StringLiteral") return node.value;
  return undefined;
}

/** Strips TS-only wrappers (`x as string`, `x!`, `<T>x`, `(x)`). */
export function unwrap(node: Node): Node {
  let current = node;
  for (;;) {
    if (
      current.type === "TSAsExpression" ||
      current.type === "TSNonNullExpression" ||
      current.type === "TSTypeAssertion" ||
      current.type === "TSSatisfiesExpression" ||
      current.type === "ParenthesizedExpression"
    ) {
      current = current.expression;
    } else return current;
  }
}

/** `process.env.NAME`, `process.env['NAME']`, `import.meta.env.NAME`, `Bun.env.NAME`: the NAME, else undefined. */
export function envVarName(node: Node): string | undefined {
  const n = unwrap(node);
  if (n.type !== "MemberExpression" && n.type !== "OptionalMemberExpression") return undefined;
  const name = propertyName(n.property, n.computed);
  if (!name) return undefined;
  return isEnvObject(unwrap(n.object)) ? name : undefined;
}

export function isEnvObject(node: Node): boolean {
  if (node.type !== "MemberExpression" && node.type !== "OptionalMemberExpression") return false;
  if (propertyName(node.property, node.computed) !== "env") return false;
  const obj = unwrap(node.object);
  if (obj.type === "Identifier") return obj.name === "process" || obj.name === "Bun" || obj.name === "Deno";
  return obj.type === "MetaProperty";
}

/** Object property by name within an object expression. */
export function objectProperty(node: Node | null | undefined, name: string): Node | undefined {
  if (node?.type !== "ObjectExpression") return undefined;
  for (const prop of node.properties) {
    if (prop.type === "ObjectProperty" && propertyName(prop.key, prop.computed) === name) return prop;
  }
  return undefined;
}

export function propertyValue(node: Node | null | undefined, name: string): Node | undefined {
  const prop = objectProperty(node, name);
  return prop && prop.type === "ObjectProperty" ? unwrap(prop.value as Node) : undefined;
}

export function isBooleanLiteral(node: Node | undefined, value: boolean): boolean {
  return node?.type === "BooleanLiteral" && node.value === value;
}

/** The called name: `cors(...)` → cors, `jwt.verify(...)` → verify, with the object name when there is one. */
export function calleeName(node: Node): { name?: string; object?: string } {
  if (node.type !== "CallExpression" && node.type !== "NewExpression" && node.type !== "OptionalCallExpression") return {};
  const callee = unwrap(node.callee as Node);
  if (callee.type === "Identifier") return { name: callee.name };
  if (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") {
    const obj = unwrap(callee.object);
    const object = obj.type === "Identifier" ? obj.name : undefined;
    const name = propertyName(callee.property, callee.computed);
    return { ...(name ? { name } : {}), ...(object ? { object } : {}) };
  }
  return {};
}

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression", "ObjectMethod", "ClassMethod", "ClassPrivateMethod"]);

/** The innermost enclosing function, or the program. */
export function enclosingFunction(ancestors: readonly Node[]): Node | undefined {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    if (FUNCTION_TYPES.has(a.type)) return a;
  }
  return ancestors[0];
}

export function containsCall(root: Node, names: readonly string[]): boolean {
  let found = false;
  walk(root, (node) => {
    if (found) return;
    const { name } = calleeName(node);
    if (name && names.includes(name)) found = true;
  });
  return found;
}

/**
 * `cors(corsOptions)` where `const corsOptions = { ... }` sits elsewhere in the file: the object
 * literal a name is bound to (first `const`/`let`/`var` binding with an object initialiser), so
 * option checks see through one level of indirection.
 */
export function resolveObject(node: Node | undefined, file: Pick<ScriptContext, "objectBindings">): Node | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === "ObjectExpression") return n;
  if (n.type !== "Identifier") return undefined;
  return file.objectBindings.get(n.name);
}

/** Each name bound to an object literal, first binding per name (the file context keeps one per file). */
export function objectBindingsOf(ast: Node): Map<string, Node> {
  const found = new Map<string, Node>();
  walk(ast, (candidate) => {
    if (candidate.type !== "VariableDeclarator" || candidate.id.type !== "Identifier" || !candidate.init) return;
    const init = unwrap(candidate.init);
    if (init.type === "ObjectExpression" && !found.has(candidate.id.name)) found.set(candidate.id.name, init);
  });
  return found;
}
