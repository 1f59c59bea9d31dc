import type { Node } from "@babel/types";
import type { Document } from "yaml";
import { lineStarts } from "./line-index.js";
import { type DockerInstruction, parseDockerfile } from "./misconfig/parsers/dockerfile.js";
import { type EnvEntry, parseDotenv } from "./misconfig/parsers/dotenv.js";
import { type FlatAst, flattenAst, objectBindingsOf, parseScript } from "./misconfig/parsers/script.js";
import { parseYamlSource } from "./misconfig/parsers/yaml-source.js";
import type { ScanFile } from "./rule.js";

/**
 * What every rule sees of one file (ESLint's SourceCode, in spirit): the path and text, the repository facts
 * the source knows, and views of the text that are computed on first use and then shared by every rule that
 * reads the same file. A view no rule asks for costs nothing; a view ten rules ask for is built once. It lives
 * for one file's scan, so nothing outlives the file and no cache can serve one file's parse to another.
 */
export class FileContext implements ScanFile {
  readonly path: string;
  readonly text: string;
  /** Every file of the scanned tree (for rules that judge a file against it); absent when not supplied. */
  readonly tree?: readonly string[];
  /** Whether git tracks the file; absent when unknown (no repository). */
  readonly tracked?: boolean;
  #lines: number[] | undefined;
  #ast: { value: Node | undefined } | undefined;
  #flat: { value: FlatAst | undefined } | undefined;
  #bindings: Map<string, Node> | undefined;
  #yaml: { value: Document | undefined } | undefined;
  #dotenv: EnvEntry[] | undefined;
  #dockerfile: DockerInstruction[] | undefined;

  constructor(file: ScanFile) {
    this.path = file.path;
    this.text = file.text;
    if (file.tree) this.tree = file.tree;
    if (file.tracked !== undefined) this.tracked = file.tracked;
  }

  /** Offsets where each line starts; index 0 is line 1. */
  get lineStarts(): number[] {
    this.#lines ??= lineStarts(this.text);
    return this.#lines;
  }

  /** The JS/TS syntax tree; undefined for declaration files, bundles, minified and unparseable files. */
  get ast(): Node | undefined {
    this.#ast ??= { value: parseScript(this.path, this.text) };
    return this.#ast.value;
  }

  /** The tree in depth-first order with each node's depth, for the code rules that visit every node. */
  get flatAst(): FlatAst | undefined {
    this.#flat ??= { value: this.ast ? flattenAst(this.ast) : undefined };
    return this.#flat.value;
  }

  /** Names bound to an object literal (`const options = { ... }`), first binding per name. */
  get objectBindings(): Map<string, Node> {
    this.#bindings ??= this.ast ? objectBindingsOf(this.ast) : new Map();
    return this.#bindings;
  }

  /** The YAML document with source ranges; undefined when the text is not valid YAML (or too big to be config). */
  get yaml(): Document | undefined {
    this.#yaml ??= { value: parseYamlSource(this.text) };
    return this.#yaml.value;
  }

  /** The text read as a dotenv file. */
  get dotenv(): EnvEntry[] {
    this.#dotenv ??= parseDotenv(this.text);
    return this.#dotenv;
  }

  /** The text read as a Dockerfile's instructions. */
  get dockerfile(): DockerInstruction[] {
    this.#dockerfile ??= parseDockerfile(this.text);
    return this.#dockerfile;
  }
}

/** The file's context: the one the scanner made for it, or a fresh one for a plain `{ path, text }`. */
export function contextOf(file: ScanFile): FileContext {
  return file instanceof FileContext ? file : new FileContext(file);
}
