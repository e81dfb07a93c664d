import { describe, expect, it } from "vitest";
import { histogramQuantile } from "./histogram-quantile.js";

const buckets = (counts: number[], bounds = [0.1, 0.5, 1, Number.POSITIVE_INFINITY]) =>
  bounds.map((le, index) => ({ le, count: counts[index] ?? 0 }));

describe("histogramQuantile", () => {
  it("is null for an empty histogram", () => {
    expect(histogramQuantile(0.5, buckets([0, 0, 0, 0]))).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });

  it("interpolates inside the bucket the rank falls in", () => {
    // 10 observations: 4 up to 0.1 s, 4 more up to 0.5 s, 2 more up to 1 s.
    const histogram = buckets([4, 8, 10, 10]);
    expect(histogramQuantile(0.5, histogram)).toBeCloseTo(0.1 + 0.4 * (1 / 4));
    expect(histogramQuantile(0.95, histogram)).toBeCloseTo(0.5 + 0.5 * (1.5 / 2));
    expect(histogramQuantile(0.2, histogram)).toBeCloseTo(0.05);
  });

  it("answers the largest finite bound when the rank is in +Inf", () => {
    expect(histogramQuantile(0.95, buckets([0, 0, 1, 10]))).toBe(1);
  });
});
