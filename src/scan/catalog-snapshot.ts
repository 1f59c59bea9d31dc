import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadMisconfigRuleSources, MISCONFIG_RULES_DIR } from "./misconfig/catalog.js";
import type { RuleSources } from "./rule-sources.js";
import { loadSecretRuleEntries, SECRET_RULES_DIR } from "./secrets/catalog.js";

/**
 * The rule catalog as the build read and validated it, so a scan (and each of its workers) starts without
 * parsing ~40 YAML files and compiling their schemas (about 110 ms). It is only used while the rule files
 * still hash to what the build saw: an edited rule is read from its YAML again.
 */
type Snapshot = RuleSources & { digest: string };

const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
/** Beside the compiled module: dist/scan/ after a build; absent when running from src/, which then reads the YAML. */
const SNAPSHOT_FILE = fileURLToPath(new URL("./rule-catalog.json", import.meta.url));

/** Hash of every catalog rule file's name and bytes. */
function catalogDigest(): string {
  const hash = createHash("sha256");
  for (const dir of [SECRET_RULES_DIR, MISCONFIG_RULES_DIR]) {
    for (const name of readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()) {
      hash
        .update(`${relative(packageRoot, join(dir, name))}\0`)
        .update(readFileSync(join(dir, name)))
        .update("\0");
    }
  }
  return hash.digest("hex");
}

/** The snapshot's sources when it matches the rule files on disk; otherwise undefined (read the YAML). */
export function readCatalogSnapshot(file = SNAPSHOT_FILE): RuleSources | undefined {
  try {
    if (!existsSync(file)) return undefined;
    const snapshot = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
    if (snapshot.digest !== catalogDigest()) return undefined;
    return {
      secrets: snapshot.secrets.map((e) => ({ ...e, file: resolve(packageRoot, e.file) })),
      misconfig: snapshot.misconfig.map((s) => ({ ...s, path: resolve(packageRoot, s.path) })),
    };
  } catch {
    return undefined; // unreadable or from another format: the YAML is the source of truth
  }
}

/** Run by `npm run build`: reads and validates the catalog (a bad rule fails the build) and writes the snapshot. */
export function writeCatalogSnapshot(file = SNAPSHOT_FILE): void {
  const snapshot: Snapshot = {
    digest: catalogDigest(),
    secrets: loadSecretRuleEntries().map((e) => ({ ...e, file: relative(packageRoot, e.file) })),
    misconfig: loadMisconfigRuleSources().map((s) => ({ ...s, path: relative(packageRoot, s.path) })),
  };
  writeFileSync(file, `${JSON.stringify(snapshot)}\n`);
}
