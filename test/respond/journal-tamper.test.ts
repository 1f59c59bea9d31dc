import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

/** An incident run through the CLI: opened, three steps, two notes (six entries). */
async function incident(env: NodeJS.ProcessEnv = {}): Promise<{ cwd: string; id: string; journal: string }> {
  const cwd = mkdtempSync(join(tmpdir(), "rampart-tamper-"));
  const id = (await runCli(["incident", "open", "leaked-secret", "--title", "Key in a public repo"], { cwd, env })).stdout.trim();
  for (const args of [
    ["step", id, "triage", "--done"],
    ["step", id, "revoke", "--done"],
    ["note", id, "rotated at the provider"],
    ["step", id, "find-copies", "--skip"],
    ["note", id, "closing soon"],
  ]) {
    expect((await runCli(["incident", ...args], { cwd, env })).code).toBe(0);
  }
  return { cwd, id, journal: join(cwd, "incidents", `${id}.jsonl`) };
}

const lines = (file: string) => readFileSync(file, "utf8").split("\n").filter(Boolean);
const writeLines = (file: string, ls: string[]) => writeFileSync(file, ls.length > 0 ? `${ls.join("\n")}\n` : "");
const verify = (cwd: string, id: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) => runCli(["incident", "verify", id, ...extra], { cwd, env });

/** Rewrites entry `index` with `change` and recomputes every hash after it, as an attacker with write access would. */
function rewriteWithRecomputedHashes(file: string, index: number, change: (e: Record<string, unknown>) => void): void {
  const entries = lines(file).map((l) => JSON.parse(l) as Record<string, unknown>);
  change(entries[index]!);
  let prev = index === 0 ? "0".repeat(64) : (entries[index - 1]!.hash as string);
  for (const e of entries.slice(index)) {
    e.prev = prev;
    delete e.hash;
    delete e.mac;
    e.hash = createHash("sha256").update(JSON.stringify(e)).digest("hex");
    prev = e.hash as string;
  }
  writeLines(
    file,
    entries.map((e) => JSON.stringify(e)),
  );
}

describe("incident verify catches every kind of tampering", () => {
  it("reports intact and prints the sealed head for an untouched journal", async () => {
    const { cwd, id } = await incident();
    const out = await verify(cwd, id);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("journal intact");
    expect(out.stdout).toMatch(/head 6:[0-9a-f]{64}/);
  });

  it.each([
    ["the last line removed", (ls: string[]) => ls.slice(0, -1)],
    ["the last three lines removed", (ls: string[]) => ls.slice(0, -3)],
    ["the file emptied", () => []],
    ["only the opening entry kept", (ls: string[]) => ls.slice(0, 1)],
    ["a middle entry removed", (ls: string[]) => [...ls.slice(0, 2), ...ls.slice(3)]],
  ])("%s", async (_name, cut) => {
    const { cwd, id, journal } = await incident();
    writeLines(journal, cut(lines(journal)));
    const out = await verify(cwd, id);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/journal damaged at line \d+/);
  });

  it("a top-level field added to an entry", async () => {
    const { cwd, id, journal } = await incident();
    const ls = lines(journal);
    ls[2] = ls[2]!.replace(/^\{/, `{"approvedBy":"mallory",`);
    writeLines(journal, ls);
    const out = await verify(cwd, id);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("journal damaged at line 3");
  });

  it("an entry rewritten with every later hash recomputed (and the head rewritten too) is caught by --expect-head", async () => {
    const { cwd, id, journal } = await incident();
    const head = /head (\d+:[0-9a-f]{64})/.exec((await verify(cwd, id)).stdout)![1]!;
    rewriteWithRecomputedHashes(journal, 1, (e) => ((e.data as Record<string, unknown>).status = "skip"));
    const entries = lines(journal).map((l) => JSON.parse(l) as { hash: string });
    writeFileSync(join(cwd, "incidents", `${id}.head`), `${JSON.stringify({ entries: entries.length, last: entries.at(-1)!.hash })}\n`);
    const out = await verify(cwd, id, ["--expect-head", head]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("journal damaged at line 6");
  });

  it("an entry rewritten with every later hash recomputed is caught by the HMAC when RAMPART_JOURNAL_KEY is set", async () => {
    const env = { RAMPART_JOURNAL_KEY: "correct horse battery staple 2026" };
    const { cwd, id, journal } = await incident(env);
    expect((await verify(cwd, id, [], env)).code).toBe(0);
    rewriteWithRecomputedHashes(journal, 2, (e) => ((e.data as Record<string, unknown>).text = "nothing happened"));
    const out = await verify(cwd, id, [], env);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("journal damaged at line 3");
    expect(out.stdout).toMatch(/MAC/);
  });

  it("a wrong key fails verification", async () => {
    const { cwd, id } = await incident({ RAMPART_JOURNAL_KEY: "the right key, long enough" });
    const out = await verify(cwd, id, [], { RAMPART_JOURNAL_KEY: "a different key, long enough" });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("journal damaged at line 1");
  });

  it.each(["null", "42", "[]", '"text"', "{}", '{"seq":"1"}'])("a malformed line %s is exit 1 naming the line, never a JS error", async (bad) => {
    const { cwd, id, journal } = await incident();
    const ls = lines(journal);
    ls[3] = bad;
    writeLines(journal, ls);
    const out = await verify(cwd, id);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("journal damaged at line 4");
    expect(`${out.stdout}${out.stderr}`).not.toMatch(/Cannot read|undefined|TypeError/);
    const status = await runCli(["incident", "status", id], { cwd });
    expect(status.code).toBe(2);
    expect(status.stderr).toContain("journal damaged at line 4");
    expect(status.stderr).not.toMatch(/Cannot read|TypeError/);
  });

  it("--expect-head with a head that is not in the journal is exit 1; a malformed head is exit 2", async () => {
    const { cwd, id } = await incident();
    const wrong = await verify(cwd, id, ["--expect-head", `9:${"ab".repeat(32)}`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain("journal damaged at line 7");
    const bad = await verify(cwd, id, ["--expect-head", "nine"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--expect-head");
  });
});
