import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { walkAhead } from "../../../src/scan/walk-ahead.js";

async function* counting(n: number, pulled: { count: number }): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    pulled.count++;
    yield i;
  }
}

async function drain(ahead: ReturnType<typeof walkAhead<number>>, size: number): Promise<number[][]> {
  const batches: number[][] = [];
  for (let batch = await ahead.take(size); batch; batch = await ahead.take(size)) batches.push(batch);
  return batches;
}

describe("walkAhead", () => {
  it("hands out every item once, in walk order, with a short last batch", async () => {
    const pulled = { count: 0 };
    const batches = await drain(walkAhead(counting(10, pulled), { limit: 100, yieldEvery: 3 }), 4);
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it("gives concurrent takers consecutive slices", async () => {
    const ahead = walkAhead(counting(9, { count: 0 }), { limit: 100, yieldEvery: 2 });
    const [a, b, c, d] = await Promise.all([ahead.take(3), ahead.take(3), ahead.take(3), ahead.take(3)]);
    expect([a, b, c, d]).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], undefined]);
  });

  it("runs ahead of its takers only up to the limit", async () => {
    const pulled = { count: 0 };
    const ahead = walkAhead(counting(1_000, pulled), { limit: 50, yieldEvery: 10 });
    for (let i = 0; i < 20; i++) await nextTurn();
    expect(pulled.count).toBeGreaterThanOrEqual(50);
    expect(pulled.count).toBeLessThanOrEqual(51);
    await ahead.take(40);
    for (let i = 0; i < 20; i++) await nextTurn();
    expect(pulled.count).toBeGreaterThan(51);
    expect(pulled.count).toBeLessThanOrEqual(91);
    const rest = (await drain(ahead, 100)).flat();
    expect(rest).toHaveLength(960);
    expect(rest[0]).toBe(40);
  });

  it("ends, instead of hanging its takers, when the walk fails", async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      throw new Error("disk vanished");
    }
    expect(await drain(walkAhead(failing(), { limit: 10, yieldEvery: 1 }), 5)).toEqual([[1, 2]]);
  });
});
