import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { BatchItem, CustomBatchingPrioritizationStrategy, PrioritizedBatchItem } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { createLockstepBatching, maximumParallelism } from "./lockstep-batching.js";

const item = (tokens: number, evaluationPriority: BatchItem["evaluationPriority"] = 5): BatchItem => ({
  tokens: Array.from({ length: tokens }, (_, index) => index as BatchItem["tokens"][number]),
  logits: [],
  evaluationPriority,
});

const amounts = (batch: PrioritizedBatchItem[]) => batch.map((entry) => entry.processAmount);

/** node-llama-cpp's own strategy, which the package does not export: loaded from its file. */
async function loadOriginal(): Promise<CustomBatchingPrioritizationStrategy> {
  const entry = createRequire(import.meta.url).resolve("node-llama-cpp");
  const file = join(
    dirname(entry),
    "evaluator/LlamaContext/utils/batchItemsPrioritizationStrategies/maximumParallelismStrategy.js",
  );
  const module = (await import(file)) as { maximumParallelismStrategy: CustomBatchingPrioritizationStrategy };
  return module.maximumParallelismStrategy;
}

describe("maximumParallelism", () => {
  it("gives every item what it has when the batch has room", () => {
    expect(amounts(maximumParallelism([item(1), item(3), item(1)], 512))).toEqual([1, 3, 1]);
  });

  it("shares a full batch evenly first, then gives the rest to the clipped items", () => {
    // Like node-llama-cpp's strategy it hands out more than the batch holds; the library stops filling at 512.
    expect(amounts(maximumParallelism([item(600), item(10)], 512))).toEqual([600, 10]);
    expect(amounts(maximumParallelism([item(300), item(300), item(300), item(300)], 512))).toEqual([
      128, 128, 128, 128,
    ]);
  });

  it("matches node-llama-cpp's maximumParallelismStrategy on many random batches", async () => {
    const original = await loadOriginal();
    let seed = 7;
    const next = (limit: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % limit;
    };
    for (let round = 0; round < 500; round++) {
      const items = Array.from({ length: 1 + next(6) }, () =>
        item(1 + next(700), (1 + next(5)) as BatchItem["evaluationPriority"]),
      );
      const size = 1 + next(1024);
      const mine = maximumParallelism(items, size);
      const theirs = original({ items, size });
      expect(mine.map((entry) => [items.indexOf(entry.item), entry.processAmount])).toEqual(
        theirs.map((entry) => [items.indexOf(entry.item), entry.processAmount]),
      );
    }
  });
});

describe("createLockstepBatching", () => {
  it("sends a batch at once while as many items are queued as the last batch held", () => {
    const strategy = createLockstepBatching();
    expect(amounts(strategy({ items: [item(1)], size: 512 }))).toEqual([1]);
    expect(amounts(strategy({ items: [item(1), item(5)], size: 512 }))).toEqual([1, 5]);
    expect(amounts(strategy({ items: [item(1), item(1)], size: 512 }))).toEqual([1, 1]);
  });

  it("waits (empty batches) for the rest of the last batch, then sends them together", () => {
    const strategy = createLockstepBatching(8);
    strategy({ items: [item(1), item(1), item(1)], size: 512 });
    expect(strategy({ items: [item(1)], size: 512 })).toEqual([]);
    expect(strategy({ items: [item(1), item(1)], size: 512 })).toEqual([]);
    expect(amounts(strategy({ items: [item(1), item(1), item(1)], size: 512 }))).toEqual([1, 1, 1]);
  });

  it("stops waiting after maxWaits empty batches (a sequence that finished never queues again)", () => {
    const strategy = createLockstepBatching(3);
    strategy({ items: [item(1), item(1)], size: 512 });
    for (let wait = 0; wait < 3; wait++) expect(strategy({ items: [item(1)], size: 512 })).toEqual([]);
    expect(amounts(strategy({ items: [item(1)], size: 512 }))).toEqual([1]);
    // One item is the new normal: no more waiting.
    expect(amounts(strategy({ items: [item(1)], size: 512 }))).toEqual([1]);
  });
});
