import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { meanNeuronTimings, parseNeuronTimings } from "./read-neuron-timings.js";

/** An exposition as the neuron's registry writes it: the two admission histograms, two models. */
async function exposition(observe: (wait: Histogram, first: Histogram) => void): Promise<string> {
  const registry = new Registry();
  const wait = new Histogram({
    name: "neuron_queue_wait_seconds",
    help: "Time spent waiting for admission",
    labelNames: ["model"],
    registers: [registry],
  });
  const first = new Histogram({
    name: "neuron_time_to_first_token_seconds",
    help: "Admission to first token",
    labelNames: ["model"],
    registers: [registry],
  });
  observe(wait, first);
  return registry.metrics();
}

describe("parseNeuronTimings", () => {
  it("reads one model's sums and counts and ignores the other model's", async () => {
    const text = await exposition((wait, first) => {
      wait.observe({ model: "bench-prefill" }, 0.5);
      wait.observe({ model: "bench-prefill" }, 1.5);
      first.observe({ model: "bench-prefill" }, 2);
      wait.observe({ model: "other" }, 9);
      first.observe({ model: "other" }, 9);
    });
    expect(parseNeuronTimings(text, "bench-prefill")).toEqual({
      queueWaitSeconds: 2,
      queueWaitCount: 2,
      firstTokenSeconds: 2,
      firstTokenCount: 1,
    });
  });

  it("gives zeros for a model with no requests yet", async () => {
    const text = await exposition(() => {});
    expect(parseNeuronTimings(text, "bench-prefill")).toEqual({
      queueWaitSeconds: 0,
      queueWaitCount: 0,
      firstTokenSeconds: 0,
      firstTokenCount: 0,
    });
  });
});

describe("meanNeuronTimings", () => {
  it("averages only what was admitted between the two readings, in ms", () => {
    const before = { queueWaitSeconds: 10, queueWaitCount: 4, firstTokenSeconds: 3, firstTokenCount: 4 };
    const after = { queueWaitSeconds: 13, queueWaitCount: 10, firstTokenSeconds: 9, firstTokenCount: 7 };
    expect(meanNeuronTimings(before, after)).toEqual({ queueWaitMs: 500, firstTokenMs: 2000 });
  });

  it("is NaN, not a division by zero, when nothing was admitted", () => {
    const same = { queueWaitSeconds: 1, queueWaitCount: 1, firstTokenSeconds: 1, firstTokenCount: 1 };
    const mean = meanNeuronTimings(same, same);
    expect(Number.isNaN(mean.queueWaitMs) && Number.isNaN(mean.firstTokenMs)).toBe(true);
  });
});
