import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scanPaths, scanSources } from "../../../src/scan/engine.js";
import { loadScanRules } from "../../../src/scan/registry.js";
import { githubToken, randomChars, tempDir } from "./fixtures.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

function plantTree(files: number): string[] {
  const planted: string[] = [];
  for (let i = 0; i < files; i++) {
    const dir = join(tmp.dir, `pkg${i % 7}`);
    mkdirSync(dir, { recursive: true });
    let text = `export const n${i} = ${i};\n// ${randomChars(60)}\n`;
    if (i % 25 === 0) {
      const token = githubToken();
      planted.push(token);
      text += `const token = "${token}";\n`;
    }
    writeFileSync(join(dir, `f${i}.ts`), text);
  }
  return planted;
}

describe("scanPaths", () => {
  it("finds the same findings with the worker pool as on one thread", async () => {
    const planted = plantTree(260);
    const single = await scanPaths({ cwd: tmp.dir, jobs: 1, cache: false });
    const pooled = await scanPaths({ cwd: tmp.dir, jobs: 2, cache: false, poolThreshold: 0 });
    expect(single.findings).toHaveLength(planted.length);
    expect(pooled.findings).toEqual(single.findings);
    expect(pooled.scanned).toBe(260);
    expect(pooled.skipped).toEqual(single.skipped);
  });

  it("tells worker threads whether git tracks a file: an untracked env file is not reported as committed", async () => {
    plantTree(20);
    const env = `DATABASE_PASSWORD=${randomChars(24)}\n`;
    tmp.write("deploy/.env.production", env);
    execFileSync("git", ["init", "-q"], { cwd: tmp.dir });
    execFileSync("git", ["add", "."], { cwd: tmp.dir });
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init"], { cwd: tmp.dir });
    tmp.write("local/.env.production", env);
    const committed = (result: Awaited<ReturnType<typeof scanPaths>>) => result.findings.filter((f) => f.ruleId === "env-file-committed").map((f) => f.path);
    const single = await scanPaths({ cwd: tmp.dir, jobs: 1, cache: false });
    const pooled = await scanPaths({ cwd: tmp.dir, jobs: 2, cache: false, poolThreshold: 1 });
    expect(committed(single)).toEqual(["deploy/.env.production"]);
    expect(committed(pooled)).toEqual(["deploy/.env.production"]);
  });

  it("serves an unchanged rescan from the content-hash cache, and rescans a changed file", async () => {
    plantTree(30);
    const cacheDir = join(tmp.dir, ".rampart-cache");
    const first = await scanPaths({ cwd: tmp.dir, jobs: 1, cacheDir });
    expect(first.cacheHits).toBe(0);
    expect(readdirSync(cacheDir)).toContain("scan-cache-v2.json");
    const second = await scanPaths({ cwd: tmp.dir, jobs: 1, cacheDir });
    expect(second.cacheHits).toBe(second.scanned);
    expect(second.findings).toEqual(first.findings);
    const token = githubToken();
    writeFileSync(join(tmp.dir, "pkg1", "f1.ts"), `const t = "${token}";\n`);
    const third = await scanPaths({ cwd: tmp.dir, jobs: 1, cacheDir });
    expect(third.cacheHits).toBe(third.scanned - 1);
    expect(third.findings).toHaveLength(first.findings.length + 1);
  });

  it("keeps an unreadable cache from breaking the scan", async () => {
    plantTree(3);
    const cacheDir = join(tmp.dir, "c");
    mkdirSync(cacheDir);
    writeFileSync(join(cacheDir, "scan-cache-v2.json"), "{not json");
    const result = await scanPaths({ cwd: tmp.dir, jobs: 1, cacheDir });
    expect(result.findings).toHaveLength(1);
  });

  it("reports paths relative to the scanned directory", async () => {
    mkdirSync(join(tmp.dir, "repo", "src"), { recursive: true });
    writeFileSync(join(tmp.dir, "repo", "src", "a.ts"), `const t = "${githubToken()}";\n`);
    const result = await scanPaths({ cwd: tmp.dir, paths: ["repo"], jobs: 1, cache: false });
    expect(result.findings.map((f) => f.path)).toEqual(["src/a.ts"]);
  });
});

describe("scanSources", () => {
  it("maps virtual lines to real ones and carries commit metadata", () => {
    const token = githubToken();
    const { findings } = scanSources([
      { path: "src/a.ts", text: `added line\nconst t = "${token}";\n`, lineMap: [10, 42], meta: { commit: "abc123", author: "Dev <d@x>", date: "2026-01-01" } },
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ path: "src/a.ts", line: 42, endLine: 42, commit: "abc123", author: "Dev <d@x>", date: "2026-01-01" });
    expect(JSON.stringify(findings)).not.toContain(token);
  });

  it("turns a throwing rule into a rule error and keeps the other rules' findings", () => {
    const rules = [
      ...loadScanRules(),
      {
        meta: { id: "broken-rule", category: "secret" as const, severity: "high" as const, description: "throws", source: "test" },
        check: () => {
          throw new Error("boom");
        },
      },
    ];
    const { findings, ruleErrors } = scanSources([{ path: "a.txt", text: githubToken() }], { rules });
    expect(findings).toHaveLength(1);
    expect(ruleErrors).toEqual(["a.txt: broken-rule: boom"]);
  });
});
