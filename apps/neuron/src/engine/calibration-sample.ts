/** Counts calibrated in full before sampling starts. */
const warmUpCounts = 32;
/** Then one count in this many. */
const sampleEvery = 16;

/**
 * Whether the `n`-th count (1-based) of a worker measures the chars-per-token calibration (tokenizing
 * the message text alone once more). The first counts all do, then one in 16: the ratio settles
 * quickly, and the extra tokenization (as much as 40 % of a long prompt's count) stays off most requests.
 */
export function calibrationSample(n: number): boolean {
  return n <= warmUpCounts || n % sampleEvery === 0;
}
