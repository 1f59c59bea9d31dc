import { generateKeyPairSync, randomBytes, randomInt } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { base58 } from "@scure/base";
import { generateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { describe, expect, it } from "vitest";
import { scanPaths } from "../../../src/scan/engine.js";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LETTERS = ALNUM.slice(0, 52);
const pick = (n: number, alphabet = ALNUM) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join("");
const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const uuid = () => `${hex(4)}-${hex(2)}-4${hex(2).slice(1)}-a${hex(2).slice(1)}-${hex(6)}`;

/** A Solana secret key: ed25519 seed followed by its public key. */
function solanaKeypair(): Buffer {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return Buffer.concat([privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32), publicKey.export({ format: "der", type: "spki" }).subarray(-32)]);
}

interface Plant {
  file: string;
  line: string;
  secret?: string;
}

/** A realistic elizaOS-style agent repo: live-looking keys of every kind we support, beside decoys. */
function plants(): Plant[] {
  const env = ".env.production";
  const live: Plant[] = [
    { file: env, secret: `sk-or-v1-${hex(32)}`, line: "OPENROUTER_API_KEY=$" },
    { file: env, secret: `gsk_${pick(52)}`, line: "GROQ_API_KEY=$" },
    { file: env, secret: `xai-${pick(80)}`, line: "XAI_API_KEY=$" },
    { file: env, secret: `hf_${pick(34, LETTERS)}`, line: "HUGGINGFACE_API_KEY=$" },
    { file: env, secret: `r8_${pick(37)}`, line: "REPLICATE_API_TOKEN=$" },
    { file: env, secret: `pplx-${pick(48)}`, line: "PERPLEXITY_API_KEY=$" },
    { file: env, secret: `sk_live_${pick(32)}`, line: "STRIPE_SECRET_KEY=$" },
    { file: env, secret: `SG.${pick(22)}.${pick(43)}`, line: "SENDGRID_API_KEY=$" },
    { file: env, secret: `MT${pick(24)}.${pick(6)}.${pick(38)}`, line: "DISCORD_API_TOKEN=$" },
    { file: env, secret: `${randomInt(1e8, 1e9)}:AA${pick(33)}`, line: "TELEGRAM_BOT_TOKEN=$" },
    { file: env, secret: `0x${hex(32)}`, line: "EVM_PRIVATE_KEY=$" },
    { file: env, secret: `https://eth-mainnet.g.alchemy.com/v2/${pick(32)}`, line: "ETHEREUM_PROVIDER_URL=$" },
    { file: env, secret: `https://mainnet.infura.io/v3/${hex(16)}`, line: "BASE_RPC_URL=$" },
    { file: env, secret: `https://mainnet.helius-rpc.com/?api-key=${uuid()}`, line: "SOLANA_RPC_URL=$" },
    { file: env, secret: `postgresql://eliza:${pick(18)}@db.internal:5432/eliza`, line: "POSTGRES_URL=$" },
    { file: env, secret: pick(40), line: "MY_PLUGIN_API_KEY=$" },
    { file: "config/alerts.yaml", secret: `https://discord.com/api/webhooks/1${pick(18, "0123456789")}/${pick(68)}`, line: "discord_webhook: $" },
    {
      file: "config/alerts.yaml",
      secret: `https://hooks.slack.com/services/T${pick(10).toUpperCase()}/B${pick(10).toUpperCase()}/${pick(24)}`,
      line: "slack_webhook: $",
    },
    { file: "src/wallet.ts", secret: hex(32), line: 'export const signer = { privateKey: "$" };' },
    { file: "scripts/redis.ts", secret: `rediss://default:${pick(24)}@cache.internal:6380`, line: 'const url = "$";' },
    { file: env, secret: generateMnemonic(wordlist, 128), line: 'WALLET_MNEMONIC="$"' },
    { file: "config/wallets.yaml", secret: generateMnemonic(wordlist, 256), line: "seed_phrase: $" },
    { file: env, secret: base58.encode(solanaKeypair()), line: "SOLANA_PRIVATE_KEY=$" },
    { file: "keys/deployer.json", secret: JSON.stringify([...solanaKeypair()]), line: "$" },
    { file: "characters/trader.character.json", secret: pick(40), line: '{ "name": "trader", "settings": { "secrets": { "TWITTER_PASSWORD": "$" } } }' },
  ];
  const decoys: Plant[] = [
    { file: ".env.example", line: "OPENROUTER_API_KEY=sk-or-v1-your_key_here" },
    { file: ".env.example", line: "DISCORD_API_TOKEN=" },
    { file: ".env.example", line: "EVM_PRIVATE_KEY=${EVM_PRIVATE_KEY}" },
    { file: ".env.example", line: "POSTGRES_URL=postgresql://postgres:postgres@localhost:5432/eliza" },
    { file: ".env.example", line: "STRIPE_SECRET_KEY=sk_live_..." },
    { file: "src/index.ts", line: "const key = process.env.OPENROUTER_API_KEY;" },
    { file: "src/index.ts", line: `const requestId = "${uuid()}";` },
    { file: "src/chain.ts", line: `const txHash = "0x${hex(32)}";` },
    { file: "src/chain.ts", line: `const blockHash = "0x${hex(32)}";` },
    { file: "docs/checksums.txt", line: `sha256: ${hex(32)}  eliza-v1.tgz` },
    { file: "docs/checksums.txt", line: `commit ${hex(20)}` },
    { file: "README.md", line: "Set TELEGRAM_BOT_TOKEN=<your token from BotFather>" },
    { file: "README.md", line: "GROQ_API_KEY=gsk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
    { file: "src/config.ts", line: "const TOKEN_ENDPOINT = 'https://auth.example.com/oauth/token';" },
    { file: "src/config.ts", line: "const api_key_length = 32;" },
    { file: "src/models.ts", line: "const model = 'pplx-70b-online';" },
    { file: "src/models.ts", line: "const alias = 'xai-grok-2-latest';" },
    { file: "docs/wallets.md", line: "Never paste your seed phrase: we will never ask for the recovery words of your wallet in any channel." },
    { file: "config/wallets.yaml", line: `solana_public_key: ${base58.encode(randomBytes(32))}` },
    { file: "config/wallets.yaml", line: `last_signature: ${base58.encode(randomBytes(64))}` },
    { file: "data/embedding.json", line: JSON.stringify([...randomBytes(64)]) },
    { file: "characters/helper.character.json", line: '{ "name": "helper", "settings": { "secrets": { "OPENAI_API_KEY": "${OPENAI_API_KEY}" } } }' },
    { file: "data/palette.json", line: "[1,2,3,4,5,6,7,8]" },
  ];
  return [...live, ...decoys];
}

function writeRepo(all: Plant[]): { dir: string; lineOf: Map<Plant, number> } {
  const dir = mkdtempSync(join(tmpdir(), "rampart-accuracy-"));
  const byFile = new Map<string, string[]>();
  const lineOf = new Map<Plant, number>();
  for (const p of all) {
    const lines = byFile.get(p.file) ?? ["# generated agent repo fixture"];
    lines.push(p.secret ? p.line.replace("$", p.secret) : p.line);
    lineOf.set(p, lines.length);
    byFile.set(p.file, lines);
  }
  for (const [file, lines] of byFile) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `${lines.join("\n")}\n`);
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "agent", dependencies: { "@elizaos/core": "^1.0.0" } }, null, 2));
  return { dir, lineOf };
}

describe("secret detection accuracy on a realistic agent repo", () => {
  it("reaches recall and precision of at least 0.95 and never outputs a planted value", async () => {
    const all = plants();
    const { dir, lineOf } = writeRepo(all);
    const result = await scanPaths({ cwd: dir, cache: false, jobs: 1 });
    const secretFindings = result.findings.filter((f) => f.category === "secret");
    const at = (p: Plant) => secretFindings.filter((f) => f.path === p.file && f.line === lineOf.get(p));
    const live = all.filter((p) => p.secret);
    const plantedLines = new Set(live.map((p) => `${p.file}:${lineOf.get(p)}`));
    const detected = live.filter((p) => at(p).length > 0);
    const truePositives = secretFindings.filter((f) => plantedLines.has(`${f.path}:${f.line}`));
    const recall = detected.length / live.length;
    const precision = secretFindings.length === 0 ? 0 : truePositives.length / secretFindings.length;
    if (live.some((p) => at(p).length === 0))
      console.log(
        "MISSED:",
        live
          .filter((p) => at(p).length === 0)
          .map((p) => p.line)
          .join(" | "),
      );
    console.log(
      `secret accuracy: recall ${recall.toFixed(3)} (${detected.length}/${live.length}), precision ${precision.toFixed(3)} (${truePositives.length}/${secretFindings.length})`,
    );
    const missed = live.filter((p) => at(p).length === 0).map((p) => p.line);
    const noise = secretFindings.filter((f) => !plantedLines.has(`${f.path}:${f.line}`)).map((f) => `${f.ruleId} ${f.path}:${f.line}`);
    expect(recall, `missed: ${missed.join(" | ")}`).toBeGreaterThanOrEqual(0.95);
    expect(precision, `false positives: ${noise.join(" | ")}`).toBeGreaterThanOrEqual(0.95);
    const output = JSON.stringify(result.findings);
    for (const p of live) expect(output.includes(p.secret!), p.line).toBe(false);
  });
});
