import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { base58 } from "@scure/base";
import { generateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import express from "express";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactionReady, useRedactionKey } from "../../src/detect/alert-redaction.js";
import { suspiciousAccess } from "../../src/detect/express.js";
import { webhookSink } from "../../src/detect/sinks/webhook-sink.js";
import { applyRules } from "../../src/scan/apply-rules.js";
import { loadSecretRuleEntries, loadSecretRules } from "../../src/scan/secrets/catalog.js";
import { waitFor } from "../detect/support.js";
import { runCli } from "../support/cli.js";

// Alert redaction's scanner loads on the first report and reports wait for it: loaded up front, so an alert
// is written when it is raised and the test reads it at once (test/detect/lazy-redaction.test.ts).
beforeAll(() => redactionReady());

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const random = (n: number) => Array.from(randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join("");

interface Planted {
  kind: string;
  /** What is typed into the record: the secret, alone or in the context it usually comes with. */
  text: string;
  /** What must never come out. */
  secret: string;
}

function solanaSecretKey(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  const seed = createPrivateKey(privateKey.export({ format: "pem", type: "pkcs8" }))
    .export({ format: "der", type: "pkcs8" })
    .subarray(-32);
  const pub = createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(-32);
  return base58.encode(Uint8Array.from([...seed, ...pub]));
}

/** Fresh random keys of the kinds the issue names, plus one positive example of every catalog secret rule. */
function plantedSecrets(): Planted[] {
  const hex = randomBytes(32).toString("hex");
  const mnemonic = generateMnemonic(wordlist, 128);
  const mnemonic24 = generateMnemonic(wordlist, 256);
  const solana = solanaSecretKey();
  const github = `ghp_${random(36)}`;
  const fresh: Planted[] = [
    { kind: "wallet key in prose", text: `the deployer private key was 0x${hex}`, secret: hex },
    { kind: "bare mnemonic", text: mnemonic, secret: mnemonic },
    { kind: "capitalised 24-word mnemonic", text: `Recovery: ${mnemonic24[0]!.toUpperCase()}${mnemonic24.slice(1)}`, secret: mnemonic24.slice(1) },
    { kind: "solana secret key", text: `deployer ${solana}`, secret: solana },
    { kind: "github token", text: `leaked ${github} in CI`, secret: github },
    { kind: "openai key", text: `OPENAI_API_KEY=sk-proj-${random(40)}T3BlbkFJ${random(40)}`, secret: "" },
    { kind: "slack bot token", text: `xoxb-${random(11).replace(/\D/g, "1")}1-${random(12).replace(/\D/g, "2")}2-${random(24)}`, secret: "" },
  ];
  const rules = new Map(loadSecretRules().map((r) => [r.meta.id, r]));
  const examples = loadSecretRuleEntries().flatMap(({ entry }) => {
    const first = entry.examples?.positive?.[0];
    if (!first) return [];
    const example = typeof first === "string" ? { text: first } : first;
    const report = rules.get(entry.id)!.check({ path: example.file ?? "example.txt", text: example.text })[0];
    return report?.secret ? [{ kind: entry.id, text: example.text, secret: report.secret }] : [];
  });
  // Secrets of the fresh kinds without a fixed value are whatever a catalog rule finds in them.
  for (const p of fresh.filter((f) => f.secret === "")) {
    for (const rule of rules.values()) {
      const found = rule.check({ path: "x.txt", text: p.text })[0]?.secret;
      if (found) p.secret = found;
    }
  }
  return [...fresh, ...examples].filter((p) => p.secret.length >= 8);
}

const planted = plantedSecrets();

function expectNoSecret(where: string, text: string): void {
  for (const p of planted) expect(text.includes(p.secret), `${p.kind} leaked into ${where}`).toBe(false);
}

const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

describe("one redaction for every record: each planted secret kind through each path", () => {
  it("has every kind to plant", () => {
    expect(planted.length).toBeGreaterThanOrEqual(20);
    expect(planted.map((p) => p.kind)).toEqual(
      expect.arrayContaining(["wallet key in prose", "bare mnemonic", "solana secret key", "bip39-mnemonic", "evm-private-key"]),
    );
  });

  it("incident title, notes, step notes and closing note: journal, head, status, report md and json", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "rampart-redact-incident-"));
    const streams: string[] = [];
    const cli = async (args: string[]) => {
      const r = await runCli(args, { cwd });
      streams.push(r.stdout, r.stderr);
      return r;
    };
    const opened = await cli(["incident", "open", "wallet-key-compromise", "--title", `compromised: ${planted[0]!.text}`]);
    expect(opened.code).toBe(0);
    const id = opened.stdout.trim();
    for (const p of planted) expect((await cli(["incident", "note", id, p.text])).code).toBe(0);
    const firstStep = JSON.parse((await cli(["playbook", "show", "wallet-key-compromise", "--format", "json"])).stdout).steps[0].id as string;
    expect((await cli(["incident", "step", id, firstStep, "--done", "--note", planted[1]!.text])).code).toBe(0);
    expect((await cli(["incident", "close", id, "--note", planted[2]!.text])).code).toBe(0);
    await cli(["incident", "status", id]);
    await cli(["incident", "report", id]);
    await cli(["incident", "report", id, "--format", "json"]);
    expect((await cli(["incident", "verify", id])).code).toBe(0);
    const files = readdirSync(join(cwd, "incidents")).map((f) => readFileSync(join(cwd, "incidents", f), "utf8"));
    expect(files.join("")).toContain("the deployer private key was 0x");
    for (const text of [...files, ...streams]) expectNoSecret("an incident record", text);
  });

  it("checklist attest --evidence and --by: checklist.yaml and the command's output", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-redact-attest-"));
    mkdirSync(join(dir, "threat-model"));
    const file = join(dir, "threat-model", "checklist.yaml");
    writeFileSync(file, readFileSync(new URL("../../threat-model/checklist.yaml", import.meta.url), "utf8"));
    for (const p of planted) {
      const r = await runCli(
        ["checklist", "attest", "maintainers-hardware-keys", "--by", p.text.slice(0, 120), "--evidence", `audit: ${p.text}`, "--expires", "2099-01-01"],
        { cwd: dir },
      );
      expect(r.code, r.stderr).toBe(0);
      expectNoSecret("checklist.yaml", readFileSync(file, "utf8"));
      expectNoSecret("checklist output", r.stdout + r.stderr);
    }
  });

  it("alert principals and tenants from the app: pino records and JSON, Slack and Discord webhooks; replay labels them the same", async () => {
    useRedactionKey("shared-redaction-key-for-this-test");
    const bodies: string[] = [];
    const receiver = createServer((req, res) => {
      let text = "";
      req.on("data", (d: Buffer) => (text += d.toString()));
      req.on("end", () => {
        bodies.push(text);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    servers.push(receiver);
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    let logged = "";
    const logger = pino(
      { level: "info" },
      new Writable({
        write: (chunk: Buffer, _e, done) => {
          logged += chunk.toString();
          done();
        },
      }),
    );
    const sinks = (["json", "slack", "discord"] as const).map((format) => webhookSink({ url: hook, format, dedupeWindow: "1s" }));
    const middleware = suspiciousAccess({ logger, sinks });
    const app = express();
    app.use(middleware);
    // An identity is the bare value: the fresh kinds, and catalog secrets their own rule finds without context
    // (a 32-hex value or a UUID that only a variable name marks as a key is an id when it stands alone).
    const rules = new Map(loadSecretRules().map((r) => [r.meta.id, r]));
    // Through the scanner, keyword prefilter included, as redaction runs it: a Facebook app token (`id|secret`)
    // needs a word such as "facebook" near it and is no identity standing alone.
    const standalone = (p: Planted) => !rules.has(p.kind) || applyRules([rules.get(p.kind)!], { path: "x.txt", text: p.secret }).length > 0;
    const identities = planted.filter((p) => p.secret.length <= 200 && standalone(p)).map((p) => (rules.has(p.kind) ? p.secret : p.text));
    expect(identities.length).toBeGreaterThanOrEqual(10);
    app.use((req, res) => {
      const secret = identities[Number(req.query.i)]!;
      res.locals.rampart = { principal: secret, tenant: `tenant ${secret}`, auth: "revoked" };
      res.status(401).end();
    });
    const server = app.listen(0, "127.0.0.1");
    servers.push(server);
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (let i = 0; i < identities.length; i++) await fetch(`${base}/api/agents?i=${i}`);
    await waitFor(() => bodies.length >= identities.length * 3, 15_000);
    await middleware.close();
    const records = logged
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event?: string; rule?: string; subject?: { principal?: string } });
    const alerts = records.filter((r) => r.event === "rampart.detection" && r.subject?.principal !== undefined);
    expect(alerts.length).toBeGreaterThanOrEqual(identities.length);
    for (const a of alerts) expect(a.subject!.principal).toMatch(/^cred-[0-9a-f]{16}$/);
    expectNoSecret("pino alerts", logged);
    for (const body of bodies) expectNoSecret("a webhook payload", body);

    // The same principals replayed from an access log get the same labels under the same key.
    const dir = mkdtempSync(join(tmpdir(), "rampart-redact-replay-"));
    const log = join(dir, "access.jsonl");
    writeFileSync(
      log,
      identities
        .map((secret, i) =>
          JSON.stringify({
            time: new Date(Date.UTC(2026, 10, 24, 9, 0, i)).toISOString(),
            ip: "198.51.100.7",
            method: "GET",
            path: "/api/agents",
            status: 401,
            auth: "revoked",
            principal: secret,
          }),
        )
        .join("\n") + "\n",
    );
    const replay = await runCli(["detect", "replay", log, "--format", "json"], { env: { RAMPART_REDACTION_KEY: "shared-redaction-key-for-this-test" } });
    expectNoSecret("detect replay", replay.stdout + replay.stderr);
    const replayed = new Set((JSON.parse(replay.stdout) as Array<{ subject: { principal?: string } }>).flatMap((a) => a.subject.principal ?? []));
    expect(new Set(alerts.map((a) => a.subject!.principal))).toEqual(replayed);
  }, 60_000);

  it("error messages: an unknown config key, an invalid custom regex, an unknown option", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-redact-errors-"));
    const github = planted.find((p) => p.kind === "github token")!.secret;
    const hex = planted.find((p) => p.kind === "wallet key in prose")!.secret;
    writeFileSync(join(dir, "rampart.config.yaml"), `${github}: 1\n`);
    const unknownKey = await runCli(["scan", "."], { cwd: dir });
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toContain("unknown property");
    writeFileSync(
      join(dir, "rampart.config.yaml"),
      `customRules:\n  - id: our-key\n    description: our deploy key\n    severity: high\n    pattern: '(${github}|${hex}'\n`,
    );
    const badRegex = await runCli(["scan", "."], { cwd: dir });
    expect(badRegex.code).toBe(2);
    expect(badRegex.stderr).toContain("invalid regular expression");
    const badOption = await runCli(["scan", `--${github}`], { cwd: dir });
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("unknown option");
    for (const r of [unknownKey, badRegex, badOption]) expectNoSecret("an error message", r.stdout + r.stderr);
  });
});
