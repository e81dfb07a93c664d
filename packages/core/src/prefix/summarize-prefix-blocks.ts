/** How many of a sequence's last block hashes its summary keeps. */
export const SUMMARY_TAIL_BLOCKS = 8;

/**
 * The bounded part of one sequence's chained block hashes that a neuron reports: the last
 * {@link SUMMARY_TAIL_BLOCKS} (a conversation's next turn extends the whole sequence, so its match is
 * exact) and those at positions 2^k − 1 (a request that branches off earlier still matches at least half
 * of what it shares). A 32k-token sequence (512 blocks) keeps 8 + 9 hashes: about 17 bytes each as JSON.
 */
export function summarizePrefixBlocks(hashes: readonly string[]): string[] {
  const kept: string[] = [];
  const tailStart = Math.max(0, hashes.length - SUMMARY_TAIL_BLOCKS);
  for (let position = 1; position - 1 < tailStart; position *= 2) kept.push(hashes[position - 1] as string);
  for (let index = tailStart; index < hashes.length; index++) kept.push(hashes[index] as string);
  return kept;
}
