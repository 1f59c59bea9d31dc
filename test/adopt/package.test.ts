import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/cli.js";

/** What a user installs: the packed file list, what the entry points load, and README's dependency list. */
const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  exports: Record<string, string | { default: string; types: string }>;
};

let packed: string[] | undefined;
/** The files `npm pack` would publish (once per run: it takes seconds). */
function packedFiles(): string[] {
  if (packed) return packed;
  const result = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: repoRoot, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`npm pack --dry-run failed: ${result.stderr}`);
  packed = (JSON.parse(result.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
  return packed;
}

/** Loads `specifier` in a fresh process with a resolve hook recording every package it pulls in. */
function loadInFreshProcess(specifier: string): { ms: number; packages: string[] } {
  const probe = `
    import { registerHooks } from "node:module";
    const seen = new Set();
    registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.add(r.url); return r; } });
    const t = performance.now();
    await import(${JSON.stringify(specifier)});
    const ms = performance.now() - t;
    const packages = new Set([...seen].map((u) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(u)?.[1]).filter(Boolean));
    console.log(JSON.stringify({ ms: Math.round(ms), packages: [...packages].sort() }));`;
  // Run from the package root, so `rampart` resolves to this package through its own exports map.
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: repoRoot, encoding: "utf8" });
  return JSON.parse(out) as { ms: number; packages: string[] };
}

describe("the published package", () => {
  it.each(["rampart", "rampart/express"])("import(%s) loads neither gRPC nor the OpenTelemetry Node SDK", (specifier) => {
    const { ms, packages } = loadInFreshProcess(specifier);
    console.log(`import("${specifier}"): ${ms} ms, ${packages.length} packages (shared machine; indicative only)`);
    expect(packages).not.toContain("@grpc/grpc-js");
    expect(packages).not.toContain("@opentelemetry/sdk-node");
    // The SDK and exporters load on the first startTelemetry call, not with the entry point.
    expect(packages.filter((p) => p.startsWith("@opentelemetry/") && p !== "@opentelemetry/api")).toEqual([]);
    expect(packages).not.toContain("@octokit/rest");
  });

  it("npm pack ships dist without maps or build-only scripts, the data folders, and every exports target", () => {
    const files = packedFiles();
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => /write-rule-catalog|update-readme-rules/.test(f))).toEqual([]);
    expect(files.filter((f) => /^(src|test|bench)\//.test(f))).toEqual([]);
    for (const f of ["dist/cli/main.js", "dist/scan/rule-catalog.json", "rules/audit/github.yaml", "README.md", "package.json"]) expect(files).toContain(f);
    for (const [entry, target] of Object.entries(pkg.exports)) {
      const paths = typeof target === "string" ? [target] : [target.default, target.types];
      for (const p of paths) expect(files, `exports["${entry}"]`).toContain(p.replace(/^\.\//, ""));
    }
    expect(files.some((f) => f.startsWith("dashboards/"))).toBe(true);
  });

  it("declares every package the built code imports, and nothing it does not", () => {
    const imported = new Set<string>();
    const typesOnly = new Set<string>();
    const statement = /^\s*(?:import|export)\s+(type\s)?[^;]*?\bfrom\s+"([^".][^"]*)"|\bimport\("([^".][^"]*)"\)|\brequire\("([^".][^"]*)"\)/gm;
    for (const file of readdirSync(join(repoRoot, "src"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"))) {
      for (const m of readFileSync(join(repoRoot, "src", file), "utf8").matchAll(statement)) {
        const spec = m[2] ?? m[3] ?? m[4]!;
        if (spec.startsWith("node:") || spec === "rampart" || spec.startsWith("rampart/")) continue;
        (m[1] ? typesOnly : imported).add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
      }
    }
    const declared = Object.keys(pkg.dependencies);
    expect([...imported].filter((p) => !declared.includes(p)).sort(), "imported but not declared").toEqual([]);
    // A package whose types the public .d.ts files use (import type) is a dependency too; types from an @types
    // development package (sarif) are not.
    expect(declared.filter((p) => !imported.has(p) && !typesOnly.has(p)).sort(), "declared but never imported").toEqual([]);
    expect(
      [...typesOnly].filter((p) => !declared.includes(p) && !imported.has(p) && !(`@types/${p}` in pkg.devDependencies)).sort(),
      "types from an undeclared package",
    ).toEqual([]);
  });

  it("README's dependency list names exactly the runtime dependencies", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Dependencies"));
    const table = section.slice(0, section.indexOf("Development only"));
    const listed = new Set(
      [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => m[1]!.split(",").map((s) => s.trim())).filter((s) => s !== "package" && s !== "---"),
    );
    expect([...listed].sort()).toEqual(Object.keys(pkg.dependencies).sort());
    const dev = section.slice(section.indexOf("Development only"));
    for (const name of Object.keys(pkg.devDependencies).filter((n) => !n.startsWith("@types/")))
      expect(dev, `${name} in README's development list`).toContain(name);
  });

  it("ships no JavaScript that names a source map the package does not carry", () => {
    const files = packedFiles();
    const dangling = files.filter(
      (f) => f.endsWith(".js") && /\/\/# sourceMappingURL=/.test(readFileSync(join(repoRoot, f), "utf8")) && !files.includes(`${f}.map`),
    );
    expect(dangling).toEqual([]);
  });
});
