import { randomBytes, randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { applyRules } from "../../../src/scan/apply-rules.js";
import { loadSecretRules } from "../../../src/scan/secrets/catalog.js";
import { hasGithubStyleChecksum, isPypiMacaroon, withGithubStyleChecksum } from "../../../src/scan/secrets/checksums.js";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const random30 = () => Array.from({ length: 30 }, () => BASE62[randomInt(62)]).join("");
const rules = loadSecretRules();
const rule = (id: string) => rules.find((r) => r.meta.id === id)!;

function macaroon(location: string, signatureBytes = 32): string {
  const field = (type: number, data: Buffer) => Buffer.concat([Buffer.from([type, data.length]), data]);
  const body = Buffer.concat([
    Buffer.from([2]),
    field(1, Buffer.from(location)),
    field(2, Buffer.from(randomBytes(16).toString("hex"))),
    Buffer.from([0]),
    field(2, Buffer.from('{"version":1,"permissions":"user"}')),
    Buffer.from([0, 0]),
    field(6, randomBytes(signatureBytes)),
  ]);
  return `pypi-${body.toString("base64url")}`;
}

describe("GitHub-style CRC32 check digits", () => {
  it("accepts what it generates and rejects any one changed character", () => {
    for (const prefix of ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"]) {
      const token = withGithubStyleChecksum(prefix, random30());
      expect(hasGithubStyleChecksum(token), token).toBe(true);
      const at = 4 + randomInt(36);
      const other = BASE62[(BASE62.indexOf(token[at]!) + 1 + randomInt(61)) % 62]!;
      expect(hasGithubStyleChecksum(token.slice(0, at) + other + token.slice(at + 1))).toBe(false);
    }
  });

  it("matches GitHub's own scheme on a token whose CRC32 needs zero padding", () => {
    // Search for a body whose CRC is small enough that its base62 has fewer than 6 digits: the pad is '0'.
    let body = random30();
    while (withGithubStyleChecksum("", body).slice(30, 31) !== "0") body = random30();
    expect(hasGithubStyleChecksum(`ghp_${withGithubStyleChecksum("", body)}`)).toBe(true);
  });

  it("reports a valid token at the rule's severity and a failing one low, tagged, below the gate", () => {
    const good = withGithubStyleChecksum("ghp_", random30());
    const bad = `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}`;
    const [valid] = applyRules([rule("github-pat")], { path: ".env", text: `GITHUB_TOKEN=${good}\n` });
    const [failed] = applyRules([rule("github-pat")], { path: ".env", text: `GITHUB_TOKEN=${bad}\n` });
    expect(valid).toMatchObject({ severity: "high" });
    expect(valid!.tags ?? []).not.toContain("checksum-failed");
    expect(failed).toMatchObject({ severity: "low", tags: ["checksum-failed"] });
    expect(failed!.message).toMatch(/CRC32/);
  });
});

describe("PyPI macaroon structure", () => {
  it("accepts a whole macaroon for pypi.org or test.pypi.org", () => {
    expect(isPypiMacaroon(macaroon("pypi.org"))).toBe(true);
    expect(isPypiMacaroon(macaroon("test.pypi.org"))).toBe(true);
  });

  it("rejects another location, a cut signature, trailing bytes and random text after the prefix", () => {
    expect(isPypiMacaroon(macaroon("example.org"))).toBe(false);
    expect(isPypiMacaroon(macaroon("pypi.org", 31))).toBe(false);
    expect(isPypiMacaroon(macaroon("pypi.org").slice(0, -8))).toBe(false);
    expect(isPypiMacaroon(`${macaroon("pypi.org")}AAAA`)).toBe(false);
    expect(isPypiMacaroon(`pypi-AgEIcHlwaS5vcmc${randomBytes(60).toString("base64url")}`)).toBe(false);
  });

  it("reports a whole token at critical and a malformed one low", () => {
    const [whole] = applyRules([rule("pypi-upload-token")], { path: ".pypirc", text: `password = ${macaroon("pypi.org")}\n` });
    const [random] = applyRules([rule("pypi-upload-token")], {
      path: ".pypirc",
      text: `password = pypi-AgEIcHlwaS5vcmc${randomBytes(60).toString("base64url")}\n`,
    });
    expect(whole).toMatchObject({ severity: "critical" });
    expect(random).toMatchObject({ severity: "low", tags: ["checksum-failed"] });
  });
});
