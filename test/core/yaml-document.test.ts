import { describe, expect, it } from "vitest";
import { parseYaml, schemaCheck } from "../../src/core/yaml-document.js";

const check = schemaCheck({
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    items: { type: "array", items: { type: "object", additionalProperties: false, properties: { id: { type: "string" } } } },
  },
});

function problems(text: string) {
  const { source } = parseYaml("x.yaml", text);
  return check(source!).map((p) => `${p.line}: ${p.message}`);
}

describe("YAML problems point at the line a reader looks at", () => {
  it("an unknown top-level key is reported on its own line, not line 1", () => {
    expect(problems("name: a\n\nitems: []\nnmae: typo\n")).toEqual(['4: document: unknown property "nmae" (check the spelling)']);
  });

  it("an unknown nested key and a wrong type are on their lines", () => {
    expect(problems("name: a\nitems:\n  - id: x\n  - id: y\n    idd: z\n")).toEqual(['5: items.1: unknown property "idd" (check the spelling)']);
    expect(problems("name: a\nitems:\n  - id: 3\n")).toEqual(["3: items.0.id: must be string"]);
  });

  it("a key whose value is a block is reported on the key's line", () => {
    expect(problems("name:\n  nested: 1\n")).toEqual(["1: name: must be string"]);
  });
});
