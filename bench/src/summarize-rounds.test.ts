import { describe, expect, it } from "vitest";
import { judge, median, summarizeRounds } from "./summarize-rounds.js";

describe("summarizeRounds", () => {
  it("folds rounds into min / median / max per figure, in first-seen order", () => {
    const figures = summarizeRounds([
      [
        { name: "b", unit: "ms", value: 3 },
        { name: "a", unit: "req/s", value: 10 },
      ],
      [
        { name: "b", unit: "ms", value: 1 },
        { name: "a", unit: "req/s", value: 30 },
      ],
      [{ name: "b", unit: "ms", value: 2 }],
    ]);
    expect(figures).toEqual([
      { name: "b", unit: "ms", rounds: [3, 1, 2], min: 1, median: 2, max: 3, target: null, verdict: "info" },
      {
        name: "a",
        unit: "req/s",
        rounds: [10, 30],
        min: 10,
        median: 20,
        max: 30,
        target: null,
        verdict: "info",
      },
    ]);
  });

  it("judges the median against the target", () => {
    const target = { comparison: ">=", value: 0.7, description: "" } as const;
    const [figure] = summarizeRounds([
      [{ name: "r", unit: "ratio", value: 0.9, target }],
      [{ name: "r", unit: "ratio", value: 0.5, target }],
      [{ name: "r", unit: "ratio", value: 0.6, target }],
    ]);
    expect(figure).toMatchObject({ median: 0.6, verdict: "miss" });
  });
});

describe("judge", () => {
  it.each([
    [0.4, "<=", 0.4, "pass"],
    [0.41, "<=", 0.4, "miss"],
    [1, ">", 1, "miss"],
    [1.01, ">", 1, "pass"],
    [0.7, ">=", 0.7, "pass"],
    [Number.NaN, "<=", 1, "miss"],
  ] as const)("%s %s %s is %s", (value, comparison, limit, verdict) => {
    expect(judge(value, { comparison, value: limit, description: "" })).toBe(verdict);
  });

  it("has no verdict without a target", () => {
    expect(judge(5, null)).toBe("info");
  });
});

describe("median", () => {
  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
