import { describe, expect, it } from "vitest";
import { bodyExcerpt } from "../../src/detect/body-excerpt.js";

describe("body excerpt", () => {
  const flatBodies: Array<Record<string, unknown>> = [
    { text: "summarise the last meeting", roomId: "r1" },
    { username: "ana", password: "hunter2", apiKey: "sk-live-1", count: 3, ok: true, none: null, gone: undefined, fn: () => 1 },
    { q: "x".repeat(5000), after: "never reached" },
    Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, `v${i}`])),
    Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, "y".repeat(40)])),
    {},
  ];

  it("gives a flat JSON body the same excerpt as the general walk does (the same object one level down)", () => {
    for (const body of flatBodies) expect(bodyExcerpt(body)).toBe(bodyExcerpt({ wrapped: body }));
  });

  it("redacts credential-named fields, bounds values and characters", () => {
    expect(bodyExcerpt(flatBodies[0])).toBe("text=summarise the last meeting roomId=r1");
    expect(bodyExcerpt(flatBodies[1])).toBe("username=ana password=[redacted] apiKey=[redacted] count=3 ok=true");
    expect(bodyExcerpt(flatBodies[2])).toHaveLength(2048);
    expect(bodyExcerpt(flatBodies[3])!.split(" ")).toHaveLength(64);
    expect(bodyExcerpt(flatBodies[5])).toBeUndefined();
    expect(bodyExcerpt({ a: { b: { c: { d: { e: "too deep" } } } }, top: "kept" })).toBe("top=kept");
  });
});
