import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RuleExample } from "../../src/scan/rule.js";
import { loadSecretRuleEntries, loadSecretRules } from "../../src/scan/secrets/catalog.js";
import { runCli } from "../support/cli.js";

/**
 * Every positive example of every secret rule, as a person would paste it into a record: as written, with its
 * newlines escaped (`\n`), JSON-escaped once and twice (`key: \"value\"`, copied out of a log line or a
 * config dump), and flattened onto one line. The secret its own rule finds must never come out raw.
 * (Escaped text used to leak: `ibmcloud_api_key: \"5dkM…\"` has a backslash where the rule wants the quote.)
 */
interface Planted {
  rule: string;
  forms: string[];
  secret: string;
}

function planted(): Planted[] {
  const rules = loadSecretRules();
  return loadSecretRuleEntries().flatMap(({ entry }, i) =>
    (entry.examples?.positive ?? []).flatMap((raw) => {
      const example: RuleExample = typeof raw === "string" ? { text: raw } : raw;
      // The same array for every secret of one example: the attest test runs once per example.
      const forms = [
        example.text,
        example.text.replace(/\n/g, "\\n"),
        JSON.stringify(example.text),
        JSON.stringify(JSON.stringify(example.text)),
        example.text.replace(/\s*\n\s*/g, " "),
      ];
      return rules[i]!.check({ path: example.file ?? "example.txt", text: example.text })
        .map((r) => r.secret ?? example.text.slice(r.start, r.end))
        .filter((secret) => secret.length >= 8)
        .map((secret) => ({ rule: entry.id, forms, secret }));
    }),
  );
}

const all = planted();

/** The secret raw, or as JSON writes it (a PEM's newlines as `\n`), anywhere in `text`. */
function leaked(text: string): string[] {
  return all.filter((p) => text.includes(p.secret) || text.includes(JSON.stringify(p.secret).slice(1, -1))).map((p) => p.rule);
}

describe("no secret rule's example comes out of a record raw", () => {
  it("plants at least one secret per rule", () => {
    expect(new Set(all.map((p) => p.rule)).size).toBe(loadSecretRuleEntries().length);
  });

  it("checklist attest --evidence and --by: checklist.yaml, stdout and stderr", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-attest-every-"));
    mkdirSync(join(dir, "threat-model"));
    const file = join(dir, "threat-model", "checklist.yaml");
    writeFileSync(file, readFileSync(new URL("../../threat-model/checklist.yaml", import.meta.url), "utf8"));
    const leaks = new Set<string>();
    // One attestation per example, its forms on separate lines of the evidence (one run per form took minutes
    // on a loaded machine); --by gets the escaped form alone.
    for (const forms of new Set(all.map((p) => p.forms))) {
      // A value starting with "-" would read as an option; the prefix keeps it an argument.
      const r = await runCli(
        ["checklist", "attest", "maintainers-hardware-keys", "--by", `by ${forms[2]}`, "--evidence", `audit:\n${forms.join("\n")}`, "--expires", "2099-01-01"],
        { cwd: dir },
      );
      expect(r.code, r.stderr).toBe(0);
      for (const rule of leaked(readFileSync(file, "utf8") + r.stdout + r.stderr)) leaks.add(`${rule} (in ${JSON.stringify(forms[0]).slice(0, 60)})`);
    }
    expect([...leaks]).toEqual([]);
  });

  it("incident notes: the journal, status, and the md and json reports", { timeout: 120_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), "rampart-journal-every-"));
    const outputs: string[] = [];
    const cli = async (args: string[]) => {
      const r = await runCli(args, { cwd });
      outputs.push(r.stdout, r.stderr);
      expect(r.code, r.stderr).toBe(0);
      return r;
    };
    const id = (await cli(["incident", "open", "leaked-secret", "--title", "every example"])).stdout.trim();
    // One note per example holding all its forms keeps the journal to a few hundred entries.
    const notes = [...new Set(all.map((p) => p.forms.join(" | ")))];
    for (const note of notes) await cli(["incident", "note", id, `note: ${note}`]);
    await cli(["incident", "status", id]);
    await cli(["incident", "report", id]);
    await cli(["incident", "report", id, "--format", "json"]);
    const journals = readdirSync(join(cwd, "incidents")).map((f) => readFileSync(join(cwd, "incidents", f), "utf8"));
    expect(journals.join("")).toContain("note: ");
    expect(leaked([...journals, ...outputs].join("\n"))).toEqual([]);
  });
});
