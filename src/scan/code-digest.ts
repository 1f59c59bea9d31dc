import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What the rescan cache key must cover besides the rule data: the code of every check (hashed from the
 * files themselves, since a wrapper closure's toString says nothing about the check it calls) and the
 * versions of the packages whose rules or parsers run (upgrading @secretlint/* changes what is found).
 */

/** Packages whose code decides findings: rule packs and the parsers checks read files with. */
const RULE_PACKAGES = [
  "@secretlint/core",
  "@secretlint/secretlint-rule-preset-recommend",
  "@secretlint/types",
  "@babel/parser",
  "yaml",
  "ignore",
  "picomatch",
  "@scure/bip39",
];

const SCAN_CODE_DIR = dirname(fileURLToPath(import.meta.url));

let digest: string | undefined;

/** Hash of the scan code (compiled or source, whichever runs) and the rule packages' versions; once per process. */
export function scanCodeDigest(): string {
  digest ??= createHash("sha256").update(codeDigest(SCAN_CODE_DIR)).update("\0").update(packageVersions(RULE_PACKAGES).join("\n")).digest("hex");
  return digest;
}

/** Hash of every .js/.ts file below `dir` (names and bytes, in a stable order). */
function codeDigest(dir: string): string {
  const hash = createHash("sha256");
  const visit = (current: string, rel: string) => {
    const entries = readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(current, entry.name);
      const name = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) visit(path, name);
      else if (entry.isFile() && /\.(js|mjs|ts)$/.test(entry.name) && !entry.name.endsWith(".d.ts"))
        hash.update(`${name}\0`).update(readFileSync(path)).update("\0");
    }
  };
  visit(dir, "");
  return hash.digest("hex");
}

/** `name@version` of each package as this module resolves it (`name@?` when it cannot be found). */
function packageVersions(names: readonly string[]): string[] {
  return names.map((name) => `${name}@${versionOf(name) ?? "?"}`);
}

function versionOf(name: string): string | undefined {
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve(name));
  } catch {
    return undefined;
  }
  // Up from the entry file to the package's own package.json (exports maps often hide it from resolve).
  for (let dir = dirname(entry); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (manifest.name === name) return manifest.version;
    } catch {
      // no manifest here: keep climbing
    }
  }
  return undefined;
}
