import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCatalogSnapshot, writeCatalogSnapshot } from "../../../src/scan/catalog-snapshot.js";
import { loadMisconfigRuleSources } from "../../../src/scan/misconfig/catalog.js";
import { loadSecretRuleEntries } from "../../../src/scan/secrets/catalog.js";
import { tempDir } from "./fixtures.js";

describe("the build's rule catalog snapshot", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir("rampart-catalog-")));
  afterEach(() => tmp.cleanup());

  it("gives back exactly what reading the YAML gives, file paths included", () => {
    const file = join(tmp.dir, "rule-catalog.json");
    writeCatalogSnapshot(file);
    const snapshot = readCatalogSnapshot(file);
    expect(snapshot?.secrets).toEqual(loadSecretRuleEntries());
    expect(snapshot?.misconfig).toEqual(loadMisconfigRuleSources());
    expect(snapshot?.secrets.length).toBeGreaterThan(10);
  });

  it("is ignored once the rule files no longer hash to what the build read, or when unreadable", () => {
    const file = join(tmp.dir, "rule-catalog.json");
    writeCatalogSnapshot(file);
    const stale = JSON.parse(readFileSync(file, "utf8")) as { digest: string };
    writeFileSync(file, JSON.stringify({ ...stale, digest: stale.digest.replace(/^./, (c) => (c === "0" ? "1" : "0")) }));
    expect(readCatalogSnapshot(file)).toBeUndefined();
    writeFileSync(file, "{ not json");
    expect(readCatalogSnapshot(file)).toBeUndefined();
    expect(readCatalogSnapshot(join(tmp.dir, "missing.json"))).toBeUndefined();
  });
});
