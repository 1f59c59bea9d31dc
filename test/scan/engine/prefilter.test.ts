import { describe, expect, it } from "vitest";
import { applyRules } from "../../../src/scan/apply-rules.js";
import { KeywordIndex } from "../../../src/scan/keyword-index.js";
import { loadScanRules } from "../../../src/scan/registry.js";
import { Scanner } from "../../../src/scan/scanner.js";
import { githubToken, randomChars } from "./fixtures.js";

/** An index with one set per word, so the sets that pass are the words present. */
function wordIndex(words: string[]) {
  const index = new KeywordIndex(words.map((w) => [w]));
  return { present: (text: string, bytes?: Uint8Array) => index.passing(text, bytes).map((i) => words[i]!.toLowerCase()) };
}

describe("KeywordIndex", () => {
  it("finds keywords at the start, the end, overlapping, and non-ASCII or one-character ones", () => {
    const index = wordIndex(["ghp_", "hp_x", "sk-ant-", "Ключ", "x", "zz"]);
    expect([...index.present("ghp_xyz")].sort()).toEqual(["ghp_", "hp_x", "x"]);
    expect([...index.present("token: GHP_XYZ")].sort()).toEqual(["ghp_", "hp_x", "x"]);
    expect([...index.present("Sk-Ant-")]).toEqual(["sk-ant-"]);
    expect([...index.present("ends with sk-ant-")]).toEqual(["sk-ant-"]);
    expect([...index.present("секретный КЛЮЧ")]).toEqual(["ключ"]);
    expect([...index.present("z")]).toEqual([]);
    expect([...index.present("")]).toEqual([]);
  });

  it("finds a keyword again in the next text after it repeated in this one", () => {
    const index = wordIndex(["ghp_", "ghpx", "key"]);
    expect([...index.present("key key ghp_ ghp_ key")].sort()).toEqual(["ghp_", "key"]);
    expect([...index.present("a key")]).toEqual(["key"]);
    expect([...index.present("ghpx then ghp_")].sort()).toEqual(["ghp_", "ghpx"]);
  });

  it("reads the file's own bytes: Latin-1 and invalid UTF-8 around a keyword change nothing", () => {
    const index = wordIndex(["api_key", "ключ"]);
    const latin1 = Buffer.from("caf\u00e9 API_KEY=1 \u00ff", "latin1");
    expect([...index.present(new TextDecoder().decode(latin1), latin1)]).toEqual(["api_key"]);
    const utf8 = Buffer.from("é API_KEY ключ", "utf8");
    expect([...index.present(utf8.toString("utf8"), utf8)].sort()).toEqual(["api_key", "ключ"]);
    expect([...index.present("api", Buffer.from("api"))]).toEqual([]);
  });

  it("agrees with a plain includes() check for every catalog keyword on random text", () => {
    const rules = loadScanRules();
    const keywords = [...new Set(rules.flatMap((r) => r.meta.keywords ?? []).map((k) => k.toLowerCase()))];
    const index = wordIndex(keywords);
    for (let round = 0; round < 50; round++) {
      const picked = keywords.filter((_, i) => (i + round) % 7 === 0);
      const text = `${randomChars(200, "abcdefghijklmnopqrstuvwxyzABCXYZ_-.:/ =\n")}${picked.join(randomChars(3))}`;
      const upper = round % 2 === 0 ? text.toUpperCase() : text;
      expect([...index.present(upper)].sort()).toEqual(keywords.filter((k) => upper.toLowerCase().includes(k)).sort());
    }
  });
});

describe("the prefilter never hides a finding", () => {
  it("finds exactly what running every rule without a prefilter finds", () => {
    const rules = loadScanRules();
    const stripped = rules.map((r) => ({ meta: { ...r.meta, keywords: [] }, check: r.check }));
    const texts = [
      `const token = "${githubToken()}";\nSTRIPE_KEY=sk_live_${randomChars(30)}\n`,
      `DATABASE_URL=postgres://app:${randomChars(20)}@db.internal:5432/app\n`,
      `nothing here but words and numbers 12345\n`,
    ];
    const scanner = new Scanner(rules);
    for (const text of texts) {
      const fast = scanner
        .scan({ path: "config/app.ts", text })
        .map((f) => f.fingerprint)
        .sort();
      const slow = applyRules(stripped, { path: "config/app.ts", text }).map((f) => f.fingerprint);
      expect(fast.length).toBeGreaterThanOrEqual(texts.indexOf(text) === 2 ? 0 : 1);
      for (const fp of fast) expect(slow).toContain(fp);
    }
    const present = scanner.keywordsPresent("plain prose, nothing more");
    expect(rules.filter((_, i) => present[i] === 1).every((r) => !r.meta.keywords?.length)).toBe(true);
  });
});

describe("KeywordIndex over rules' keyword sets", () => {
  it("passes a set when any of its words occurs, and only then, whatever trigram anchors the word", () => {
    const sets = [["postgres", "mysql"], ["lin_api_"], ["secret", "secret_key"], [], ["key", "monkey"]];
    const index = new KeywordIndex(sets);
    expect(index.passing("jdbc:POSTGRES://x")).toEqual([0, 3]);
    expect(index.passing("LIN_API_abc then a postgres")).toEqual([0, 1, 3]);
    expect(index.passing("my_secret_key monkey")).toEqual([2, 3, 4]);
    expect(index.passing("lin_api postgre sql")).toEqual([3]);
    // A passed set's words are no longer compared, but another set still needing the same word finds it.
    expect(index.passing("secret, then postgres, then mysql and lin_api_")).toEqual([0, 1, 2, 3]);
  });

  it("agrees with includes() for every catalog rule on texts with and without their keywords", () => {
    const rules = loadScanRules();
    const sets = rules.map((r) => (r.meta.keywords ?? []).map((k) => k.toLowerCase()));
    const index = new KeywordIndex(sets);
    const words = [...new Set(sets.flat())];
    for (let round = 0; round < 60; round++) {
      const picked = words.filter((_, i) => (i * 13 + round) % 11 === 0);
      const text = `${randomChars(300, "abcdefghijklmnopqrstuvwxyz_-.:/ =\n")}${picked.join(randomChars(2))}`;
      const folded = round % 2 === 0 ? text.toUpperCase() : text;
      const expected = sets.flatMap((set, i) => (set.length === 0 || set.some((w) => folded.toLowerCase().includes(w)) ? [i] : []));
      expect(index.passing(folded)).toEqual(expected);
    }
  });
});
