import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendEntry, readJournal } from "../../src/respond/journal.js";
import { githubToken } from "../support/tokens.js";

async function journal(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), "rampart-journal-")), "INC-1.jsonl");
  const t = (m: number) => ({ now: new Date(Date.UTC(2026, 10, 24, 9, m)) });
  await appendEntry(file, "opened", { playbook: "leaked-secret", title: "Key in public repo" }, t(0));
  await appendEntry(file, "step", { step: "revoke", status: "done" }, t(5));
  await appendEntry(file, "note", { text: "rotated the key" }, t(9));
  return file;
}

describe("incident journal", () => {
  it("chains entries and verifies clean", async () => {
    const file = await journal();
    const { entries, problems } = readJournal(file);
    expect(problems).toEqual([]);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[1]!.prev).toBe(entries[0]!.hash);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it("redacts a pasted key before it reaches disk", async () => {
    const file = await journal();
    const token = githubToken();
    await appendEntry(file, "note", { text: `the leaked key was ${token}, now revoked`, nested: [{ quote: token }] });
    const raw = readFileSync(file, "utf8");
    expect(raw).not.toContain(token);
    expect(raw).toContain(`${token.slice(0, 5)}…${token.slice(-4)}`);
    expect(readJournal(file).problems).toEqual([]);
  });

  it("fails when any byte of an earlier entry changes", async () => {
    const file = await journal();
    const raw = readFileSync(file, "utf8");
    writeFileSync(file, raw.replace("revoke", "revokf"));
    const { problems } = readJournal(file);
    expect(problems.map((p) => p.line)).toContain(2);
    expect(problems.some((p) => p.message.includes("does not match its hash"))).toBe(true);
  });

  it("fails when an entry is removed", async () => {
    const file = await journal();
    const lines = readFileSync(file, "utf8").split("\n");
    writeFileSync(file, [lines[0], lines[2], ""].join("\n"));
    expect(readJournal(file).problems.some((p) => p.message.includes("removed"))).toBe(true);
  });

  it("reports a torn last line instead of dropping it, and refuses to append after it", async () => {
    const file = await journal();
    truncateSync(file, statSync(file).size - 10);
    const { entries, problems } = readJournal(file);
    expect(entries).toHaveLength(2);
    expect(problems).toContainEqual({ line: 3, message: expect.stringContaining("incomplete") });
    await expect(appendEntry(file, "note", { text: "more" })).rejects.toThrow(/damaged/);
  });
});

describe("reports of a journal written before a secret rule existed", () => {
  it("redact a raw key found in an old entry in status and both report formats", async () => {
    const { mkdirSync } = await import("node:fs");
    const { entryHash } = await import("../../src/respond/journal.js");
    const { writeHead } = await import("../../src/respond/journal-head.js");
    const { runCli } = await import("../support/cli.js");
    const cwd = mkdtempSync(join(tmpdir(), "rampart-old-journal-"));
    mkdirSync(join(cwd, "incidents"));
    const file = join(cwd, "incidents", "INC-20261124-0a0b.jsonl");
    const token = githubToken();
    const bodies = [
      { seq: 1, time: "2026-11-24T09:00:00.000Z", type: "opened", data: { playbook: "leaked-secret", title: "old" }, prev: "0".repeat(64) },
      { seq: 2, time: "2026-11-24T09:05:00.000Z", type: "note", data: { text: `raw ${token}` } },
    ];
    let prev = "0".repeat(64);
    const lines = bodies.map((b) => {
      const body = { ...b, prev };
      const hash = entryHash(body);
      prev = hash;
      return JSON.stringify({ ...body, hash });
    });
    writeFileSync(file, `${lines.join("\n")}\n`);
    writeHead(file, { entries: 2, last: prev }, undefined);
    expect((await runCli(["incident", "verify", "INC-20261124-0a0b"], { cwd })).code).toBe(0);
    for (const args of [["status"], ["report"], ["report", "--format", "json"]]) {
      const out = await runCli(["incident", args[0]!, "INC-20261124-0a0b", ...args.slice(1)], { cwd });
      expect(out.code).toBe(0);
      expect(out.stdout).not.toContain(token);
    }
  });
});
