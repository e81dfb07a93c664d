import type { BatchItem, CustomBatchingPrioritizationStrategy, PrioritizedBatchItem } from "node-llama-cpp";

/**
 * A batch prioritization for `createContext({ batching: { itemPrioritizationStrategy } })` that keeps
 * parallel sequences decoding in one batch per token.
 *
 * node-llama-cpp decodes whatever is queued the moment a batch ends. A sequence whose next token is
 * queued a few microtasks later than the others' then misses that batch and gets one of its own, and
 * from then on the sequences take turns: two (or up to one per sequence) decode calls per token instead
 * of one. Requests that start at different times (HTTP requests arrive one by one) fall into that
 * pattern easily; measured on the tiny model with four sequences started 2-4 ms apart, the default
 * made ~1,000 decode calls for 256 tokens each instead of ~256.
 *
 * When fewer items are queued than the last batch held, this returns an empty batch, up to
 * `maxWaits` times in a row: node-llama-cpp then runs its loop again without decoding (a few
 * microtasks, no I/O), which lets the other sequences queue their tokens, and the batch goes out whole.
 * A sequence that has finished never queues again, so the wait is bounded and happens once. With as
 * many items as the last batch, or more, it splits the batch exactly as node-llama-cpp's default
 * ("maximumParallelism") does.
 */
export function createLockstepBatching(maxWaits = 64): CustomBatchingPrioritizationStrategy {
  let lastBatchItems = 0;
  let waits = 0;
  return ({ items, size }) => {
    if (items.length < lastBatchItems && waits < maxWaits) {
      waits += 1;
      return [];
    }
    waits = 0;
    lastBatchItems = items.length;
    return maximumParallelism(items, size);
  };
}

/**
 * node-llama-cpp 3.21.1's `maximumParallelismStrategy`, line for line (the package does not export
 * it): every item gets an even share of the batch, then the clipped items get more, higher priority
 * first. Like node-llama-cpp's own, it may hand out more than `size` in total; node-llama-cpp fills the batch
 * in this order and stops at `size`.
 */
export function maximumParallelism(items: readonly BatchItem[], size: number): PrioritizedBatchItem[] {
  let left = size;
  const even = Math.floor(left / items.length);
  const result: PrioritizedBatchItem[] = [];
  const clipped: PrioritizedBatchItem[] = [];
  for (const item of items) {
    const prioritized = { item, processAmount: Math.min(item.tokens.length, left, even) };
    result.push(prioritized);
    left -= prioritized.processAmount;
    if (prioritized.processAmount < item.tokens.length) clipped.push(prioritized);
    if (left === 0) break;
  }
  for (let passes = 3; left > 0 && clipped.length > 0 && passes > 0; passes--)
    grow(clipped, left, Math.ceil(left / clipped.length));
  clipped.sort((a, b) => b.item.evaluationPriority - a.item.evaluationPriority);
  grow(clipped, left, left);
  return result;
}

/** Gives each clipped item up to `step` more tokens (at most `left`); drops those now whole. */
function grow(clipped: PrioritizedBatchItem[], left: number, step: number): void {
  for (let index = 0; index < clipped.length && left > 0; index++) {
    const prioritized = clipped[index] as PrioritizedBatchItem;
    const missing = prioritized.item.tokens.length - prioritized.processAmount;
    const amount = Math.min(missing, left, step);
    prioritized.processAmount += amount;
    if (amount === missing) {
      clipped.splice(index, 1);
      index--;
    }
  }
}
