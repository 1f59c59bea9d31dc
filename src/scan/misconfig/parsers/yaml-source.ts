import { type Document, isMap, isScalar, isSeq, type Node, type Pair, parseDocument } from "yaml";

/**
 * YAML parsing for workflows and compose files that keeps each node's source range, so checks can
 * point at the exact key or value. Nothing is cached here: the per-file context (file-context.ts) parses
 * once and shares the document among the rules.
 */

/** Workflows and compose files are small; a multi-megabyte YAML file is data, not configuration. */
export const MAX_YAML_CHARS = 2_000_000;

export function parseYamlSource(text: string): Document | undefined {
  if (text.length > MAX_YAML_CHARS) return undefined;
  try {
    const parsed = parseDocument(text, { uniqueKeys: false, prettyErrors: false, strict: false });
    return parsed.errors.length > 0 ? undefined : parsed;
  } catch {
    return undefined;
  }
}

/** The pair whose key is `key` in a map node. */
export function pairOf(node: unknown, key: string): Pair | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
}

export function mapValue(node: unknown, key: string): unknown {
  return pairOf(node, key)?.value ?? undefined;
}

export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return v === null || v === undefined ? "" : String(v);
}

/** [start, end) of a node in the source; [0, 0] when unknown. */
export function rangeOf(node: unknown): [number, number] {
  const range = (node as Node | undefined)?.range;
  return range ? [range[0], range[1]] : [0, 0];
}

/** Range of a pair from its key to its value's end. */
export function pairRange(pair: Pair): [number, number] {
  const [start] = rangeOf(pair.key);
  const [, end] = rangeOf(pair.value ?? pair.key);
  return [start, Math.max(start + 1, end)];
}

export function mapEntries(node: unknown): Array<{ key: string; pair: Pair }> {
  if (!isMap(node)) return [];
  return node.items.flatMap((pair) => (isScalar(pair.key) ? [{ key: String(pair.key.value), pair }] : []));
}

export function seqItems(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/** The source text of a node exactly as written (block scalars keep their indentation). */
export function sourceOf(text: string, node: unknown): { raw: string; start: number } {
  const [start, end] = rangeOf(node);
  return { raw: text.slice(start, end), start };
}
