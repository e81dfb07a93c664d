import { describe, expect, it } from "vitest";
import { admissionRetryAfterSecs } from "./admission-retry-after-secs.js";

describe("admissionRetryAfterSecs", () => {
  it.each([
    [0, 2],
    [1, 4],
    [8, 18],
    [59, 120],
    [60, 120],
    [10_000, 120],
    [-5, 2],
    [Number.NaN, 2],
  ])("queue depth %d gives %d seconds", (depth, expected) => {
    expect(admissionRetryAfterSecs(depth)).toBe(expected);
  });
});
