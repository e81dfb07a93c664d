import { describe, expect, it } from "vitest";
import { calibrationSample } from "./calibration-sample.js";

describe("calibrationSample", () => {
  it("samples the first 32 counts, then one in 16", () => {
    const sampled = Array.from({ length: 96 }, (_, index) => index + 1).filter(calibrationSample);
    expect(sampled).toEqual([...Array.from({ length: 32 }, (_, index) => index + 1), 48, 64, 80, 96]);
  });
});
