import { describe, expect, it } from "vitest";
import type { EngineSampling } from "../ipc/engine-request.js";
import { toSamplingOptions } from "./sampling-options.js";

const sampling = (extra: Partial<EngineSampling> = {}): EngineSampling => ({
  temperature: 1,
  stop: [],
  ...extra,
});

describe("toSamplingOptions", () => {
  it("keeps the client's seed", () => {
    expect(toSamplingOptions(sampling({ seed: 42 }), 8).seed).toBe(42);
  });

  it("draws a fresh seed per request when none is given, so identical requests sample differently", () => {
    const seeds = new Set(Array.from({ length: 20 }, () => toSamplingOptions(sampling(), 8).seed));
    expect(seeds.size).toBeGreaterThan(15);
  });
});
