/**
 * Mean time of one call of `call(index)` in µs, over as many calls as fit in `budgetMs` (after a warm-up of
 * a tenth of that). The returned sink keeps the JIT from dropping the work.
 */
export function timePerCall(
  call: (index: number) => number,
  budgetMs: number,
): { microseconds: number; sink: number } {
  let sink = 0;
  const warmUntil = performance.now() + budgetMs / 10;
  for (let index = 0; performance.now() < warmUntil; index += 1) sink += call(index);
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  // Check the clock every 64 calls so reading it costs little next to the call itself.
  while (elapsed < budgetMs) {
    for (let batch = 0; batch < 64; batch += 1) {
      sink += call(calls);
      calls += 1;
    }
    elapsed = performance.now() - started;
  }
  return { microseconds: (elapsed * 1000) / calls, sink };
}
