import { describe, expect, it } from "vitest";
import { createSeededRandom } from "./create-seeded-random.js";

describe("createSeededRandom", () => {
  it("produces a pinned integer stream for a seed", () => {
    const random = createSeededRandom(42);
    expect([random.nextUint32(), random.nextUint32(), random.nextUint32()]).toEqual([
      939911724, 3948730756, 321366731,
    ]);
  });

  it("gives different streams for different seeds", () => {
    expect(createSeededRandom(1).nextUint32()).not.toBe(createSeededRandom(2).nextUint32());
  });

  it("approximates a standard normal distribution", () => {
    const random = createSeededRandom(7);
    const samples = Array.from({ length: 20_000 }, () => random.nextNormal());
    const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
    const variance = samples.reduce((sum, value) => sum + (value - mean) ** 2, 0) / samples.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(samples.every((value) => value >= -6 && value < 6)).toBe(true);
  });
});
