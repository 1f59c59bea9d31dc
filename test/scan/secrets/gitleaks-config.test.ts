import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { translateGoRegex } from "../../../src/scan/secrets/go-regex.js";
import { runCli } from "../../support/cli.js";
import { tempDir } from "../engine/fixtures.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const write = (rel: string, text: string) => tmp.write(rel, text);
const scan = (...args: string[]) => runCli(["scan", ...args, "--no-cache", "--format", "json"], { cwd: tmp.dir });
const findings = (stdout: string) => (JSON.parse(stdout) as { findings: Array<{ ruleId: string; path: string; redacted?: string }> }).findings;

// A team's own gitleaks rules: case-insensitive flag, (?P<name>), a [[:alnum:]] class, secretGroup, entropy,
// keywords, a rule-level allowlist with stopwords, a global path allowlist and a path-scoped rule.
const GITLEAKS_TOML = `
title = "acme"
[extend]
useDefault = true

[allowlist]
paths = ['''fixtures/''']

[[rules]]
id = "acme_internal_token"
description = "ACME internal token"
regex = '''(?i)\\b(acme_(?P<body>[[:alnum:]]{32}))\\b'''
secretGroup = 1
entropy = 3.0
keywords = ["acme_"]
  [[rules.allowlists]]
  stopwords = ["notreal"]

[[rules]]
id = "acme-deploy-key"
regex = '''deploykey=([a-f0-9]{40})\\z'''
path = '''\\.cfg$'''
keywords = ["deploykey"]
`;

const TOKEN = "ACME_q8Zr2LmX7vTp4NcY9hBf3JwK6sDg1RtE";
const DEPLOY = "deploykey=4f1c9a7e2b8d6035f1e9c2a7b4d8e06a3c5f9b21";

describe("gitleaks-format config", () => {
  it("translates Go regex syntax: leading and inline (?i), (?P<name>), POSIX classes, \\z, secretGroup", () => {
    expect(translateGoRegex("(?i)abc")).toEqual({ pattern: "abc", ignoreCase: true, dotAll: false });
    expect(translateGoRegex("\\b(p8e-(?i)[a-z0-9]{4})").pattern).toBe("\\b(?<secret>p8e-(?i:[a-z0-9]{4}))");
    expect(translateGoRegex("x(?P<v>[[:alnum:]]+)\\z", 1).pattern).toBe("x(?<secret>[A-Za-z0-9]+)$");
    expect(() => translateGoRegex("(?U)a+")).toThrow(/ungreedy/);
    expect(() => translateGoRegex("(a)(b)", 3)).toThrow(/secretGroup 3/);
  });

  it("--config .gitleaks.toml runs the team's rules with their allowlists, stopwords and paths", async () => {
    write(".gitleaks.toml", GITLEAKS_TOML);
    write("src/a.ts", `const t = "${TOKEN}";\n`);
    write("src/b.ts", `const t = "ACME_notrealnotrealnotrealnotrealnotr";\n`);
    write("fixtures/c.ts", `const t = "${TOKEN}";\n`);
    write("deploy/app.cfg", `${DEPLOY}`);
    write("deploy/app.txt", `${DEPLOY}`);
    const result = await scan("--config", ".gitleaks.toml");
    expect(result.code).toBe(1);
    const got = findings(result.stdout).filter((f) => f.ruleId.startsWith("acme"));
    expect(got.map((f) => `${f.ruleId} ${f.path}`).sort()).toEqual(["acme-deploy-key deploy/app.cfg", "acme-internal-token src/a.ts"]);
    expect(result.stdout).not.toContain(TOKEN);
  });

  it("extends: in rampart.config.yaml adds the gitleaks rules", async () => {
    write("config/gitleaks.toml", GITLEAKS_TOML);
    write("rampart.config.yaml", "extends: config/gitleaks.toml\n");
    write("src/a.ts", `const t = "${TOKEN}";\n`);
    const result = await scan();
    expect(findings(result.stdout).map((f) => f.ruleId)).toContain("acme-internal-token");
  });

  it("rejects what it cannot translate with the rule id and the file, exit 2, no stack", async () => {
    write(".gitleaks.toml", `[[rules]]\nid = "lazy-rule"\nregex = '''(?U)token=\\w+'''\n`);
    const result = await scan("--config", ".gitleaks.toml");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\.gitleaks\.toml:1: gitleaks rule "lazy-rule": the \(\?U\) ungreedy flag/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    write(".gitleaks.toml", `[[rules]\nid = "broken"\n`);
    const broken = await scan("--config", ".gitleaks.toml");
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/\.gitleaks\.toml.*invalid TOML/);
  });
});
