/**
 * llama.cpp's own default (4 threads) is hundreds of times slower on a 2-core host; one thread per
 * physical core pair, capped at 8, is close to optimal for token generation on larger hosts.
 */
export function defaultThreads(availableParallelism: number): number {
  if (availableParallelism <= 2) return 1;
  return Math.min(8, Math.floor(availableParallelism / 2));
}
