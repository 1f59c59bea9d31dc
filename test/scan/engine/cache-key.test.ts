import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../support/cli.js";
import { tempDir } from "./fixtures.js";

/**
 * A private copy of the installed package (dist/, rules/, its own node_modules of links with one rule package
 * copied), so a test can edit a check's compiled code or a rule package's version the way an upgrade would.
 */
let pkg: ReturnType<typeof tempDir>;
let work: ReturnType<typeof tempDir>;
let cacheHome: ReturnType<typeof tempDir>;
const PRESET = join("@secretlint", "secretlint-rule-preset-recommend");

beforeAll(() => {
  pkg = tempDir();
  work = tempDir();
  cacheHome = tempDir();
  cpSync(join(repoRoot, "dist"), join(pkg.dir, "dist"), { recursive: true });
  cpSync(join(repoRoot, "package.json"), join(pkg.dir, "package.json"));
  symlinkSync(join(repoRoot, "rules"), join(pkg.dir, "rules"));
  const modules = join(pkg.dir, "node_modules");
  mkdirSync(join(modules, "@secretlint"), { recursive: true });
  for (const name of readdirSync(join(repoRoot, "node_modules"))) {
    if (name !== "@secretlint") symlinkSync(join(repoRoot, "node_modules", name), join(modules, name));
  }
  for (const name of readdirSync(join(repoRoot, "node_modules", "@secretlint"))) {
    const from = join(repoRoot, "node_modules", "@secretlint", name);
    if (join("@secretlint", name) === PRESET) cpSync(from, join(modules, PRESET), { recursive: true });
    else symlinkSync(from, join(modules, "@secretlint", name));
  }
  writeFileSync(
    join(work.dir, "Dockerfile"),
    "FROM node:20.11.1-alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nCOPY . .\nCMD node server.js\n",
  );
});
afterAll(() => {
  pkg.cleanup();
  work.cleanup();
  cacheHome.cleanup();
});

function scan(): { rules: string[]; keys: string[] } {
  const result = spawnSync(process.execPath, [join(pkg.dir, "dist", "cli", "main.js"), "scan", ".", "--format", "json", "--fail-on", "critical"], {
    cwd: work.dir,
    env: { ...process.env, XDG_CACHE_HOME: cacheHome.dir, NO_COLOR: "1" },
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
  const [dir] = readdirSync(join(cacheHome.dir, "rampart"));
  const cache = JSON.parse(readFileSync(join(cacheHome.dir, "rampart", dir!, "scan-cache-v2.json"), "utf8")) as { entries: Record<string, unknown> };
  return { rules: (JSON.parse(result.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId), keys: Object.keys(cache.entries) };
}

describe("the rescan cache key", () => {
  it("misses after a check's own code is edited, and after a rule package's version changes", () => {
    const first = scan();
    expect(first.rules).toContain("dockerfile-runs-as-root");
    expect(scan().keys).toEqual(first.keys);

    // Edit the compiled check (not the catalog's wrapper around it) so that it finds nothing.
    const checkFile = join(pkg.dir, "dist", "scan", "misconfig", "checks", "dockerfile-runs-as-root.js");
    writeFileSync(checkFile, readFileSync(checkFile, "utf8").replace(/export function check\(([^)]*)\) \{/, "export function check($1) { return [];"));
    const edited = scan();
    expect(edited.rules).not.toContain("dockerfile-runs-as-root");
    expect(edited.keys).not.toEqual(first.keys);

    // Upgrade the secretlint rule preset (its version only): every entry is keyed anew.
    const manifest = join(pkg.dir, "node_modules", PRESET, "package.json");
    const data = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
    writeFileSync(manifest, JSON.stringify({ ...data, version: `${data.version}-upgraded` }));
    const upgraded = scan();
    expect(upgraded.keys.filter((k) => edited.keys.includes(k))).toEqual([]);
  });
});
