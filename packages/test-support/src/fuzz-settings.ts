/** How many cases a fuzz property runs, and from which seed. */
export interface FuzzSettings {
  seed: number;
  numRuns: number;
}

/**
 * The fuzz tests' seed and run count: fixed by default (seed 20261206, 200 runs), so a failure
 * reproduces; `HELEXA_FUZZ_SEED` / `HELEXA_FUZZ_RUNS` explore further by hand.
 */
export function fuzzSettings(env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  return {
    seed: Number(env.HELEXA_FUZZ_SEED ?? 20_261_206),
    numRuns: Number(env.HELEXA_FUZZ_RUNS ?? 200),
  };
}
