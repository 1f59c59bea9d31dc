import { describe, expect, it } from "vitest";
import { genericSecretValue } from "../../../src/scan/secrets/generic-value.js";
import { isPlaceholder } from "../../../src/scan/secrets/placeholder.js";
import { isBase64Pem, isJwt } from "../../../src/scan/secrets/structural.js";

const b64url = (s: string) => Buffer.from(s).toString("base64url");

describe("generic secret values", () => {
  it("keeps random values of each alphabet, judged by its own entropy floor", () => {
    expect(genericSecretValue("e3b9f27a41c8d6054f1e9a2b7c3d8e06")).toBeDefined(); // 32 hex
    expect(genericSecretValue("0d4c6e1fa7b2938e")).toBeDefined(); // 16 hex
    expect(genericSecretValue("Zr8TqW2mLx5vKp9NcY4hBf7J")).toBeDefined();
    expect(genericSecretValue('"h8Rk2!vQz4Lm"')).toBe("h8Rk2!vQz4Lm");
    expect(genericSecretValue("x".repeat(2000))).toBeUndefined();
  });

  it("drops a value that calls itself a demo", () => {
    expect(genericSecretValue("registries/5/portainer.demo~2Fportainerregistry")).toBeUndefined();
    expect(genericSecretValue("DEMO_KEY_Vt7kQ2m9XpL4")).toBeUndefined();
    expect(genericSecretValue("Vt7kQ2m9XpL4wZ8rdemoN3cY")).toBeDefined(); // letters touch it: chance
  });

  it("needs ten characters to judge a value random; a password name still takes a shorter chosen password", () => {
    expect(genericSecretValue("Kq7Zp2Wx9")).toBeUndefined(); // 9: too short to tell from an id or a word
    expect(genericSecretValue("Kq7Zp2Wx9m")).toBeDefined();
    expect(genericSecretValue("relay2cap", "DB_PASSWORD")).toBe("relay2cap");
  });

  it("takes a message in another script for prose, not a credential (TypeScript's localized diagnostics)", () => {
    expect(genericSecretValue("予期しないトークンです。コンストラクター、メソッド、またはプロパティが必要です。")).toBeUndefined();
    expect(genericSecretValue("意外的标记。应为构造函数、方法、访问器或属性。")).toBeUndefined();
    expect(genericSecretValue("Zr8TqW2mLx5vKp9NcY4hBf7J")).toBeDefined();
  });

  it("ends a value at an escaped line break: the next setting of an embedded file is not part of it", () => {
    expect(genericSecretValue("Vt7kQ2m9XpL4wZ8rN3cY\\nLOG_LEVEL=debug")).toBe("Vt7kQ2m9XpL4wZ8rN3cY");
    expect(genericSecretValue('"Vt7kQ2m9XpL4wZ8rN3cY\\r\\n"')).toBe("Vt7kQ2m9XpL4wZ8rN3cY");
    expect(genericSecretValue("\\nVt7kQ2m9XpL4wZ8rN3cY")).toBeUndefined();
    expect(genericSecretValue("Vt7kQ2m9\\tXpL4wZ8rN3cY")).toBeUndefined();
  });

  it("drops values that call themselves made up: short, fake, invalid, mock as words", () => {
    for (const value of ["relay_short_Vt7kQ2m9XpL4wZ8rN3", "Vt7kQ2m9XpL4wZ8r-fake", "rly.invalid.Vt7kQ2m9XpL4wZ8r", "MOCK-Vt7kQ2m9XpL4wZ8r"]) {
      expect(genericSecretValue(value), value).toBeUndefined();
    }
    // The same letters inside a random run are chance, not a word; test-mode keys are real; hex spells `bad`.
    expect(genericSecretValue("Vt7kQ2mshortXpL4wZ8rN3")).toBeDefined();
    expect(genericSecretValue("tok_test_Vt7kQ2m9XpL4wZ8r")).toBeDefined();
    expect(genericSecretValue("0x7e2c9f41bad0358a6d1e4b9c2f07a5d3")).toBeDefined();
  });

  it("takes a password a person chose under a password name, but not a name in words or one that says password", () => {
    expect(genericSecretValue("relay2captain77", "password")).toBe("relay2captain77");
    expect(genericSecretValue("maple$yrup", "SMTP_PASS")).toBe("maple$yrup");
    expect(genericSecretValue("maple$yrup", "relayToken")).toBeUndefined();
    for (const value of ["lanternfish", "smtp_password", "myPassword", "token123", "password-for-16379"]) {
      expect(genericSecretValue(value, "password"), value).toBeUndefined();
    }
  });

  it("keeps a key made of dotted random parts; a member expression has name-like parts", () => {
    expect(genericSecretValue("e9d41c07be3a6f2851c0e7d4b9a3f6e2.Vt7kQ2m9XpL4wZ8r")).toBeDefined();
    expect(genericSecretValue("settings.relay_v2.apiKey")).toBeUndefined();
    expect(genericSecretValue("window.__RELAY_CONFIG__.token")).toBeUndefined();
  });

  it("keeps a short random value of letters and digits in one case", () => {
    expect(genericSecretValue("q7wz2kd9xv4mht")).toBeDefined();
    expect(genericSecretValue("k3vzq8trw1yfp6n")).toBeDefined();
  });

  it("drops a package archive named with its checksum (a lockfile's resolved entry)", () => {
    expect(genericSecretValue("relay-client-2.3.1.tgz#9c1f0e4b7a2d5c8e3f6a9b0c1d2e4f5a6b7c8d9e")).toBeUndefined();
    expect(genericSecretValue("relay-client/-/relay-client-2.3.1.tgz#9c1f0e4b7a2d5c8e3f6a9b0c1d2e4f5a6b7c8d9e")).toBeUndefined();
  });

  it("drops a 1 KB random value only when it is over 1 KB", () => {
    const long = Array.from({ length: 1000 }, (_, i) => "Zr8TqW2mLx5vKp9NcY4hBf7J"[(i * 7 + (i >> 3)) % 24]).join("");
    expect(genericSecretValue(long)).toBeDefined();
    expect(genericSecretValue(long + long)).toBeUndefined();
  });

  it("drops code, names, interpolation and documentation", () => {
    for (const value of [
      "formatDistanceLocale4",
      "__vite_ssr_exports__",
      "ELIZA_SERVER_AUTH_TOKEN",
      "${API_KEY}",
      "config.secrets.apiKey",
      "/Users/someone",
      "Control+Shift+T",
      "ZHVtbXkgdGV4dA==",
      "https://example.com/token",
    ]) {
      expect(genericSecretValue(value), value).toBeUndefined();
    }
  });

  it("keeps a JWT only when its header decodes to JSON with alg", () => {
    const good = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"sub":"agent"}')}.c2lnbmF0dXJlLWJ5dGVz`;
    expect(isJwt(good)).toBe(true);
    expect(genericSecretValue(good)).toBe(good);
    expect(isJwt("eyJshort.payload.signature")).toBe(false);
    expect(isJwt(`${b64url('{"typ":"JWT"}')}.${b64url("{}")}.sig`)).toBe(false);
  });

  it("recognises base64-wrapped PEM private keys", () => {
    expect(isBase64Pem(Buffer.from("-----BEGIN RSA PRIVATE KEY-----\nMIIEow").toString("base64"))).toBe(true);
    expect(isBase64Pem(Buffer.from("-----BEGIN CERTIFICATE-----\nMIIEow").toString("base64"))).toBe(false);
  });
});

describe("placeholders by shape", () => {
  it.each([
    "your_api_key_here",
    "replace_with_token",
    "<token>",
    "sk_live_xxx123",
    "AbCdEfGhIjKl",
    "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    "ab12ab12ab12ab12",
    "zzzzzzzzzz",
    "sk-1234567890abcdef",
    "k1L2m3N4o5P6q7R8s9",
    "Mm4Nn5Oo6Pp7Qq8Rr9Ss",
    "mn3op4qr5st6uv7wx8",
    "relay_Xq9Wz2hJ7kL3mN4oP5qR6sT",
  ])("%s", (value) => {
    expect(isPlaceholder(value)).toBe(true);
  });
  it.each(["Zr8TqW2mLx5vKp9NcY4hBf7J", "e3b9f27a41c8d6054f1e9a2b7c3d8e06", "[12,200,12,200,13]"])("not %s", (value) => {
    expect(isPlaceholder(value)).toBe(false);
  });
});
