/**
 * A 53-bit hash of `text` seeded with the previous block's hash (cyrb53's two 32-bit lanes, each seeded
 * with one half of `previous`), as 14 hex digits. Pure JavaScript, so `@helexa/core` stays free of
 * `node:crypto`; not cryptographic: a collision only sends one request to a replica without its prefix.
 */
export function chainHash(text: string, previous: string | undefined): string {
  const seed = previous === undefined ? 0 : Number.parseInt(previous, 16);
  const seedHigh = Math.floor(seed / 0x100000000) >>> 0;
  const seedLow = seed >>> 0;
  let h1 = 0xdeadbeef ^ seedLow;
  let h2 = 0x41c6ce57 ^ seedHigh;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const value = 0x100000000 * (2097151 & h2) + (h1 >>> 0);
  return value.toString(16).padStart(14, "0");
}
