import { describe, expect, it } from "vitest";
import { applyRules } from "../../../src/scan/apply-rules.js";
import { loadMisconfigRules } from "../../../src/scan/misconfig/catalog.js";
import { composeServices, isPublishedEverywhere } from "../../../src/scan/misconfig/parsers/compose.js";
import { keyValues, parseDockerfile } from "../../../src/scan/misconfig/parsers/dockerfile.js";
import { parseDotenv } from "../../../src/scan/misconfig/parsers/dotenv.js";
import { parseYamlSource } from "../../../src/scan/misconfig/parsers/yaml-source.js";
import { isSecretName, isSelfChosenSecretName } from "../../../src/scan/misconfig/secret-names.js";
import { weaknessOf } from "../../../src/scan/misconfig/secret-values.js";

describe("dotenv parser", () => {
  it("keeps offsets, strips quotes and inline comments, skips comments", () => {
    const text = "# c\nexport A=1 # note\nB=\"two words\"\nC='x#y'\n  D=\nnot a line\n";
    const entries = parseDotenv(text);
    expect(entries.map((e) => [e.key, e.value])).toEqual([
      ["A", "1"],
      ["B", "two words"],
      ["C", "x#y"],
      ["D", ""],
    ]);
    const b = entries[1]!;
    expect(text.slice(b.keyStart, b.keyStart + 1)).toBe("B");
    expect(text.slice(b.valueStart, b.valueEnd)).toBe("two words");
  });

  it("reads a multi-line quoted value up to its closing quote", () => {
    const entries = parseDotenv('KEY="-----BEGIN\nabc\n-----END"\nNEXT=1\n');
    expect(entries.map((e) => e.key)).toEqual(["KEY", "NEXT"]);
    expect(entries[0]!.value).toContain("abc");
  });
});

describe("Dockerfile parser", () => {
  it("joins continuations, skips comments and reads ENV/ARG forms", () => {
    const text = '# syntax=docker/dockerfile:1\nFROM node:22 AS build\nENV A=1 \\\n    B="two"\nENV LEGACY value here\nARG TOKEN\n';
    const ins = parseDockerfile(text);
    expect(ins.map((i) => i.keyword)).toEqual(["FROM", "ENV", "ENV", "ARG"]);
    expect(keyValues(ins[1]!)).toEqual([
      { key: "A", value: "1" },
      { key: "B", value: "two" },
    ]);
    expect(keyValues(ins[2]!)).toEqual([{ key: "LEGACY", value: "value here" }]);
    expect(keyValues(ins[3]!)).toEqual([{ key: "TOKEN", value: undefined }]);
  });
});

describe("compose parser", () => {
  it("reads short and long port syntax with host IPs", () => {
    const text = `services:
  db:
    image: postgres:16
    ports:
      - "127.0.0.1:5432:5432"
      - "[::1]:5433:5432"
      - "5434:5432"
      - 5435
      - "0.0.0.0:5436:5432/tcp"
      - target: 5432
        published: 5437
        host_ip: 127.0.0.1
      - "\${DB_BIND:-127.0.0.1}:5438:5432"
      - "10.0.0.5:5439:5432"
`;
    const [db] = composeServices(parseYamlSource(text));
    expect(db!.ports.map(isPublishedEverywhere)).toEqual([false, false, true, true, true, false, false, false]);
  });

  it("returns nothing for invalid YAML instead of throwing", () => {
    expect(composeServices(parseYamlSource("services: [unclosed\n  - : :"))).toEqual([]);
  });
});

describe("secret names and values", () => {
  it("tells secret names from look-alikes", () => {
    for (const n of ["JWT_SECRET", "apiKey", "WALLET_SECRET_SALT", "x-api-key", "POSTGRES_PASSWORD", "SECRET_KEY_BASE", "privateKey"])
      expect(isSecretName(n), n).toBe(true);
    for (const n of ["MAX_TOKENS", "TOKEN_LIMIT", "API_KEY_FILE", "PUBLIC_KEY", "SORT_KEY", "NODE_ENV", "tokenType"]) expect(isSecretName(n), n).toBe(false);
    expect(isSelfChosenSecretName("JWT_SECRET")).toBe(true);
    expect(isSelfChosenSecretName("OPENAI_API_KEY")).toBe(false);
  });

  it("judges weak values", () => {
    expect(weaknessOf("changeme", 32)).toMatch(/default/);
    expect(weaknessOf("your-secret-token", 32)).toMatch(/placeholder/);
    expect(weaknessOf("Zk2", 16)).toMatch(/characters/);
    expect(weaknessOf("a".repeat(40), 32)).toMatch(/randomness/);
    expect(weaknessOf("${JWT_SECRET}", 32)).toBeUndefined();
    expect(weaknessOf("9f2c4a7e1b8d3f6a0c5e2b9d7f4a1c8e3b6d0f9a", 32)).toBeUndefined();
  });
});

describe("hostile input", () => {
  const rules = loadMisconfigRules();
  const run = (path: string, text: string) => {
    const errors: unknown[] = [];
    const findings = applyRules(rules, { path, text }, (_id, e) => errors.push(e));
    return { findings, errors };
  };

  it("never throws on binary, truncated or malformed files of every kind", () => {
    const garbage = [
      "\u0000\u0001\u0002\uFFFD".repeat(200),
      "{{{{ ${{ '\"` \\",
      "services:\n  a: *unknown_alias\n",
      "on: [\njobs: {",
      "const x = = ;; cors({ origin: ",
      "ENV \\\n",
      'A="unterminated\n',
    ];
    const paths = [".env", "docker-compose.yml", ".github/workflows/ci.yml", "src/a.ts", "src/b.jsx", "Dockerfile", ".gitignore", "fly.toml", "k8s/x.yaml"];
    for (const path of paths) for (const text of garbage) expect(run(path, text).errors, `${path}`).toEqual([]);
  });

  it("skips oversized scripts and deeply nested code without blowing the stack", () => {
    const deep = `const x = ${"[".repeat(5000)}${"]".repeat(5000)}; if (apiKey !== process.env.API_TOKEN) {}`;
    expect(run("src/deep.ts", deep).errors).toEqual([]);
    const huge = `${"// padding\n".repeat(120_000)}if (apiKey !== process.env.API_TOKEN) {}`;
    // Over MAX_SCRIPT_CHARS: not parsed, so nothing is reported and nothing throws.
    expect(run("src/huge.js", huge)).toEqual({ findings: [], errors: [] });
    expect(run("src/small.js", "if (apiKey !== process.env.API_TOKEN) {}").findings).toHaveLength(1);
  });

  it("parses TypeScript with experimental decorators (NestJS-style servers)", () => {
    const code =
      '@Injectable()\nexport class Keys {\n  @Get()\n  check(@Headers("x-api-key") apiKey: string) { return apiKey === process.env.API_TOKEN; }\n}\n';
    expect(run("src/keys.controller.ts", code).findings.map((f) => f.ruleId)).toEqual(["non-constant-time-secret-comparison"]);
  });

  it("does not parse declaration files: they hold types, never code that runs", () => {
    const code = 'export const ok = apiKey !== process.env.API_TOKEN; app.use(cors({ origin: "*", credentials: true }));';
    expect(run("types/index.d.ts", code).findings).toEqual([]);
    expect(run("types/index.d.mts", code).findings).toEqual([]);
    expect(
      run("types/index.ts", code)
        .findings.map((f) => f.ruleId)
        .sort(),
    ).toEqual(["cors-any-origin-with-credentials", "non-constant-time-secret-comparison"]);
  });
});

describe("repository context passed by the engine", () => {
  const rules = loadMisconfigRules().filter((r) => r.meta.id === "env-file-committed" || r.meta.id === "ignore-file-missing-secrets");
  it("does not call an untracked local .env committed, but does when git tracks it or tracking is unknown", () => {
    const text = "OPENAI_API_KEY=${OPENAI_API_KEY}\nLOG_LEVEL=debug\n";
    expect(applyRules(rules, { path: ".env", text, tracked: false } as never)).toEqual([]);
    expect(applyRules(rules, { path: ".env", text, tracked: true } as never)).toHaveLength(1);
    expect(applyRules(rules, { path: ".env", text })).toHaveLength(1);
  });

  it("stays silent on ignore files when the file list is not provided", () => {
    expect(applyRules(rules, { path: ".gitignore", text: "node_modules/\n" })).toEqual([]);
    expect(applyRules(rules, { path: ".gitignore", text: "node_modules/\n", tree: [".gitignore", "secrets/.env.production"] } as never)).toHaveLength(1);
  });

  it("leaves a path to the nearer ignore file of the same kind", () => {
    const tree = [".gitignore", "svc/.gitignore", "svc/.env"];
    expect(applyRules(rules, { path: ".gitignore", text: "dist/\n", tree } as never)).toEqual([]);
    expect(applyRules(rules, { path: "svc/.gitignore", text: "dist/\n", tree } as never).map((f) => f.path)).toEqual(["svc/.gitignore"]);
  });
});
