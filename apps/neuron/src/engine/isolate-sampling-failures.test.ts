import type { LlamaContext } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { isolateSamplingFailures } from "./isolate-sampling-failures.js";

/** Like node-llama-cpp's addon context: `sampleToken` is a read-only method of its prototype. */
class FakeAddonContext {
  sampleToken(index: number, _sampler: unknown, probabilities = false): Promise<unknown> {
    if (index < 0) return Promise.reject(new Error("Unexpected empty grammar stack after accepting piece"));
    return Promise.resolve(probabilities ? [index + 100, new Map()] : index + 100);
  }
}
Object.defineProperty(FakeAddonContext.prototype, "sampleToken", { writable: false });

function contextWith(native: FakeAddonContext): LlamaContext {
  return { _ctx: native } as unknown as LlamaContext;
}

describe("isolateSamplingFailures", () => {
  it("turns a failed sample into 'no token' for that call alone and reports why", async () => {
    const native = new FakeAddonContext();
    const failures: unknown[] = [];
    isolateSamplingFailures(contextWith(native), (error) => failures.push(error));
    expect(await native.sampleToken(-1, {})).toBe(-1);
    expect(await native.sampleToken(-1, {}, true)).toEqual([-1]);
    expect(await native.sampleToken(7, {})).toBe(107);
    expect(await native.sampleToken(7, {}, true)).toEqual([107, new Map()]);
    expect(failures.map((error) => (error as Error).message)).toEqual([
      "Unexpected empty grammar stack after accepting piece",
      "Unexpected empty grammar stack after accepting piece",
    ]);
  });

  it("leaves a context without the method as it is", () => {
    const context = { _ctx: {} } as unknown as LlamaContext;
    expect(() => isolateSamplingFailures(context, () => {})).not.toThrow();
  });
});
