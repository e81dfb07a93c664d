/** A deterministic random source built only from integer operations. */
export interface SeededRandom {
  /** The next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number;
  /** An approximately standard-normal value (mean 0, variance 1, bounded to ±6). */
  nextNormal(): number;
}

const twoTo32 = 2 ** 32;

/**
 * Creates a splitmix32 generator. Only `Math.imul`, shifts and exact double sums are used, so the
 * stream (and every weight derived from it) is bit-identical on every V8 version; Box-Muller would
 * depend on `Math.log`/`Math.cos`, whose last bits are not specified.
 */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed | 0;
  const nextUint32 = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  return {
    nextUint32,
    nextNormal(): number {
      // Irwin-Hall: the sum of 12 uniforms on [0, 1) has mean 6 and variance 1. The integer sum
      // stays below 2^36, so it and the division by 2^32 are exact.
      let sum = 0;
      for (let index = 0; index < 12; index++) sum += nextUint32();
      return sum / twoTo32 - 6;
    },
  };
}
