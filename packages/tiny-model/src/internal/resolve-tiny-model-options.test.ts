import { describe, expect, it } from "vitest";
import { resolveTinyModelOptions } from "./resolve-tiny-model-options.js";

describe("resolveTinyModelOptions", () => {
  it("fills the documented defaults", () => {
    expect(resolveTinyModelOptions()).toEqual({
      contextLength: 2048,
      embeddingLength: 64,
      blockCount: 2,
      feedForwardLength: 128,
      headCount: 4,
      headCountKv: 4,
      seed: 42,
      fillInTheMiddle: true,
      weightType: "f32",
    });
  });

  it("defaults headCountKv to headCount", () => {
    expect(resolveTinyModelOptions({ embeddingLength: 96, headCount: 6 }).headCountKv).toBe(6);
  });

  it.each([
    [{ contextLength: 0 }, /contextLength/],
    [{ blockCount: 1.5 }, /blockCount/],
    [{ seed: -1 }, /seed/],
    [{ seed: 2 ** 32 }, /seed/],
    [{ embeddingLength: 64, headCount: 5 }, /even integer/],
    [{ embeddingLength: 12, headCount: 4 }, /even integer/],
    [{ headCount: 4, headCountKv: 3 }, /multiple of headCountKv/],
  ])("rejects %o", (options, message) => {
    expect(() => resolveTinyModelOptions(options)).toThrow(message);
  });

  it("rejects an unknown weight type", () => {
    expect(() => resolveTinyModelOptions({ weightType: "q8" as "f32" })).toThrow(RangeError);
  });
});
